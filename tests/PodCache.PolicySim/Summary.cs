using System.Globalization;
using System.Text.Json;
using PodCache.Cache.Policies;

namespace PodCache.PolicySim;

/// <summary>
/// <c>--summary</c>: the headline numbers in one run. Every row of <see cref="Harness.PolicyNames"/> on the
/// four standard traces (the three bundled ones and <c>--format synthetic --seed 1</c>) at the default budgets, all
/// 128 replays spread over the cores at once; then, per cell, the default policy's cost saved against the best
/// baseline and the offline bound, the cells where it trails a baseline, and how many reach 90% of the bound.
/// </summary>
internal static class Summary
{
    /// <summary>The share of the offline bound's saved cost a cell must reach to count as near the bound.</summary>
    public const double NearBound = 0.9;

    private static readonly (string Trace, TraceFormat Format)[] Traces =
    [
        ("scarab-recs.trace.xz", TraceFormat.Scarab),
        ("address_penalties_gcc.trace.xz", TraceFormat.Gcc),
        ("adapt_size_request.trace.xz", TraceFormat.AdaptSize),
        ("synthetic", TraceFormat.Synthetic),
    ];

    /// <summary>One trace and budget: the default policy against the best baseline and the bound.</summary>
    public sealed record Cell(string Trace, double BudgetPercent, long BudgetBytes, SimResult[] Results)
    {
        public SimResult Default => Results.Single(r => r.Policy == EvictionPolicies.Default);

        public SimResult? Bound => Results.SingleOrDefault(r => r.Policy is BeladyBound.Name or FluidBound.Name);

        public SimResult? BestBaseline => Results
            .Where(r => r != Default && r != Bound)
            .OrderByDescending(r => r.CostSavedRatio)
            .FirstOrDefault();

        /// <summary>Default minus best baseline, in points of cost saved (negative: it trails).</summary>
        public double GapPoints => BestBaseline is null ? double.NaN : 100 * (Default.CostSavedRatio - BestBaseline.CostSavedRatio);

        public double ShareOfBound => Bound is null ? double.NaN : Bound.SavedCost == 0 ? 1 : Default.SavedCost / Bound.SavedCost;
    }

    public static int Run(SimOptions options, TextWriter output)
    {
        var traces = new Trace[Traces.Length];
        Parallel.For(0, Traces.Length, i => traces[i] = Traces[i].Format == TraceFormat.Synthetic
            ? options.Synthetic.Build(options.Seed)
            : TraceReader.Read(Program.ResolveTrace(Traces[i].Trace), Traces[i].Format));

        var jobs = (
            from t in Enumerable.Range(0, traces.Length)
            from p in SimOptions.DefaultBudgetPercents
            from policy in options.Policies.Count > 0 ? options.Policies : Harness.PolicyNames
            select (Trace: t, Percent: p, Policy: policy)).ToArray();
        var results = new SimResult[jobs.Length];
        // Longest first (the bound and the scarab and synthetic replays), so the cores finish together.
        var order = Enumerable.Range(0, jobs.Length)
            .OrderByDescending(j => traces[jobs[j].Trace].RequestCount)
            .ThenBy(j => jobs[j].Policy == Harness.Bound ? 0 : 1)
            .ToArray();
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            var (t, percent, policy) = jobs[j];
            results[j] = Harness.RunOne(traces[t], Program.BudgetOf(traces[t], percent), policy, options.CostAware, options.EagerReads);
        });

        var cells = jobs
            .Select((job, j) => (job, result: results[j]))
            .GroupBy(x => (x.job.Trace, x.job.Percent))
            .Select(g => new Cell(traces[g.Key.Trace].Name, g.Key.Percent, g.First().result.BudgetBytes, [.. g.Select(x => x.result)]))
            .ToList();

        if (options.Json)
        {
            WriteJson(cells, output);
        }
        else
        {
            WriteText(cells, output);
        }
        return 0;
    }

    private static void WriteText(List<Cell> cells, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(inv, "{0,-32} {1,6} {2,11} {3,-24} {4,9} {5,9}",
            "trace", "budget", "cost-aware", "best baseline", "gap", "of bound"));
        foreach (var c in cells)
        {
            output.WriteLine(string.Format(inv, "{0,-32} {1,5}% {2,10:F2}% {3,-24} {4,9:+0.00;-0.00;0.00} {5,8:F1}%",
                c.Trace, c.BudgetPercent, 100 * c.Default.CostSavedRatio,
                c.BestBaseline is { } best ? string.Format(inv, "{0} {1:F2}%", best.Policy, 100 * best.CostSavedRatio) : "-",
                c.GapPoints, 100 * c.ShareOfBound));
        }
        output.WriteLine();
        var trailing = cells.Where(c => c.GapPoints < 0).ToList();
        output.WriteLine(string.Format(inv, "cost-aware trails a baseline in {0} of {1} cells{2}",
            trailing.Count, cells.Count, trailing.Count == 0 ? "" : ":"));
        foreach (var c in trailing)
        {
            output.WriteLine(string.Format(inv, "  {0} at {1}%: {2:F2} points behind {3}",
                c.Trace, c.BudgetPercent, -c.GapPoints, c.BestBaseline!.Policy));
        }
        output.WriteLine(string.Format(inv, "cost-aware reaches {0:F0}% of the offline bound in {1} of {2} cells",
            100 * NearBound, cells.Count(c => c.ShareOfBound >= NearBound), cells.Count));
    }

    private static void WriteJson(List<Cell> cells, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var c in cells)
            {
                json.WriteStartObject();
                json.WriteString("trace", c.Trace);
                json.WriteNumber("budgetPercent", c.BudgetPercent);
                json.WriteNumber("budgetBytes", c.BudgetBytes);
                if (c.Bound is { } bound)
                {
                    json.WriteString("bound", bound.Policy);
                    json.WriteNumber("shareOfBound", c.ShareOfBound);
                }
                json.WriteStartObject("costSavedRatio");
                foreach (var r in c.Results)
                {
                    json.WriteNumber(r.Policy, r.CostSavedRatio);
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
