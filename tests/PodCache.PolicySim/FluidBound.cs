using System.Diagnostics;

namespace PodCache.PolicySim;

/// <summary>
/// An offline upper bound on recompute cost saved when sizes or costs differ, by a fluid relaxation: every reuse
/// interval (a request and the next request for the same object) is a candidate hit worth the object's cost that
/// occupies <c>size × reuse distance</c> of byte-requests; the intervals are taken in decreasing order of
/// <c>cost / (size × reuse distance)</c> while their total volume fits <c>budget × trace length</c>.
/// </summary>
/// <remarks>
/// Distance is counted in requests. Any real cache that hits at the end of an interval held the object for the
/// whole interval and holds at most <c>budget</c> bytes at every request, so the intervals it hits fit the same
/// total volume: taking the densest first (and, as a fluid may, the fitting fraction of the first interval that
/// does not fit whole) maximises cost under that single constraint, so no policy can save more. Intervals that no
/// cache could hit are left out: objects larger than the budget, and intervals longer than the object's
/// time-to-live. The object and byte hit ratios reported alongside are those of the same chosen intervals; they
/// are not bounds on those metrics.
/// </remarks>
internal static class FluidBound
{
    public const string Name = "fluid-bound";

    public static SimResult Run(Trace trace, long budgetBytes)
    {
        var stopwatch = Stopwatch.StartNew();
        var objects = trace.Objects;
        var next = trace.NextUse;
        var sizes = trace.Sizes;
        var costs = trace.Costs;
        var ttls = trace.TtlTicks;
        var ticks = trace.Ticks;
        var n = objects.Length;
        double requestedBytes = 0, totalCost = 0;
        var candidates = 0;
        for (var i = 0; i < n; i++)
        {
            requestedBytes += sizes[objects[i]];
            totalCost += costs[objects[i]];
            if (Feasible(i))
            {
                candidates++;
            }
        }
        // Sorted ascending on the negated density, i.e. densest first.
        var order = new double[candidates];
        var starts = new int[candidates];
        var c = 0;
        for (var i = 0; i < n; i++)
        {
            if (Feasible(i))
            {
                var o = objects[i];
                order[c] = -(costs[o] / ((double)sizes[o] * (next[i] - i)));
                starts[c++] = i;
            }
        }
        Array.Sort(order, starts);

        var capacity = (double)budgetBytes * n;
        double volume = 0, hits = 0, hitBytes = 0, saved = 0;
        foreach (var i in starts)
        {
            var o = objects[i];
            var v = (double)sizes[o] * (next[i] - i);
            var fraction = Math.Min(1, (capacity - volume) / v);
            if (fraction <= 0)
            {
                break;
            }
            volume += fraction * v;
            hits += fraction;
            hitBytes += fraction * sizes[o];
            saved += fraction * costs[o];
            if (fraction < 1)
            {
                break;
            }
        }
        return new SimResult(Name, budgetBytes, (long)Math.Round(hits), n, hitBytes, requestedBytes, saved, totalCost, stopwatch.Elapsed);

        bool Feasible(int i)
        {
            var j = next[i];
            if (j < 0)
            {
                return false;
            }
            var o = objects[i];
            return sizes[o] <= budgetBytes && (ttls is null || ttls[o] <= 0 || ticks[j] - ticks[i] < ttls[o]);
        }
    }
}
