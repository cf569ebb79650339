namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// PODPAC 4's nearest-neighbour interpolation along one dim (SEMANTICS §4,
/// <c>core/interpolation/{selector,nearest_neighbor_interpolator}.py</c>), in its two steps:
/// <list type="number">
/// <item>Selection: the source indices PODPAC's selector reads for the request (a covering range, the
/// <c>dn</c>/<c>up</c> rounding rule, or the nearest point).</item>
/// <item>Nearest on the selected points: index rounding with exact .5 ties down when they are evenly spaced,
/// otherwise nearest by distance; out-of-range points are NaN.</item>
/// </list>
/// Because step 2 only sees the selected points, a selection that is an uneven subset changes the answer (the
/// QUIRK of SEMANTICS §4).
/// </summary>
internal static class NearestNeighbor
{
    /// <summary>The nudge PODPAC's selector adds before rounding, to keep both neighbours of a near-tie.</summary>
    private const double Nudge = 1e-6;

    /// <summary>
    /// For each point of <paramref name="request"/>, the index into <paramref name="source"/> whose value it takes,
    /// or -1 where the output is NaN.
    /// </summary>
    /// <param name="source">The source output's axis.</param>
    /// <param name="request">The request's axis, or for a stacked request every point's value of this dim.</param>
    /// <param name="stacked">True when <paramref name="request"/> is one dim of stacked points (PODPAC's selector
    /// then never takes the covering range of a finer uniform request).</param>
    /// <exception cref="NodeEvaluationException">One axis is time and the other numeric.</exception>
    public static int[] Indices(Coordinates1D source, Coordinates1D request, bool stacked = false)
    {
        var result = new int[request.Size];
        result.AsSpan().Fill(-1);
        if (source.Size == 0 || request.Size == 0)
        {
            return result;
        }
        var scale = AxisScale.For(source, request);
        var s = scale.Points(source);
        var r = scale.Points(request);
        var selected = Select(scale, source, s, request, r, stacked);
        if (selected.Length == 0)
        {
            return result;
        }
        var p = new double[selected.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = s[selected[i]];
        }
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in s)
        {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        OnSelected(p, r, lo, hi, result);
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] >= 0)
            {
                result[i] = selected[result[i]];
            }
        }
        return result;
    }

    /// <summary>Step 1: the sorted, distinct source indices PODPAC's selector keeps for the request.</summary>
    internal static int[] Select(AxisScale scale, Coordinates1D source, double[] s, Coordinates1D request, double[] r, bool stacked = false)
    {
        int n = s.Length;
        if (!scale.TryUniform(source, s, out double start, out _, out double step))
        {
            var nearest = new SortedPoints(s);
            var keep = new bool[n];
            foreach (var x in r)
            {
                int i = nearest.Nearest(x);
                if (i >= 0) keep[i] = true;
            }
            return Flagged(keep);
        }
        if (!stacked && scale.TryUniform(request, r, out double r0, out double r1, out double rstep) && Math.Abs(rstep) < Math.Abs(step))
        {
            // A finer uniform request reads the contiguous range that covers it.
            double a = Math.Clamp((r0 - start) / step, 0, n), b = Math.Clamp((r1 - start) / step, 0, n);
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                int first = (int)Math.Floor(Math.Max(0, Math.Min(a, b) - Nudge));
                int end = (int)Math.Ceiling(Math.Min(n, Math.Max(a, b) + 1 + Nudge));
                var range = new int[Math.Max(0, end - first)];
                for (int i = 0; i < range.Length; i++) range[i] = first + i;
                return range;
            }
        }
        return Rounded(r, start, step, n);
    }

    /// <summary>
    /// The selector's rounding rule: <c>dn = round(i + 1e-6)</c>, <c>up = round(i − 1e-6)</c> (half to even); take
    /// <c>up</c> only where the two differ, <c>up</c> is a valid index and it lies outside the range of every
    /// <c>dn</c> (out-of-range ones included); then drop indices outside [0, n−1].
    /// </summary>
    private static int[] Rounded(double[] r, double start, double step, int n)
    {
        var dn = new double[r.Length];
        var up = new double[r.Length];
        double dmax = double.NegativeInfinity, dmin = double.PositiveInfinity;
        for (int i = 0; i < r.Length; i++)
        {
            double index = (r[i] - start) / step;
            dn[i] = Math.Round(index + Nudge, MidpointRounding.ToEven);
            up[i] = Math.Round(index - Nudge, MidpointRounding.ToEven);
            // numpy's max/min propagate NaN, after which no comparison picks up.
            dmax = Math.Max(dmax, dn[i]);
            dmin = Math.Min(dmin, dn[i]);
        }
        var keep = new bool[n];
        for (int i = 0; i < r.Length; i++)
        {
            double v = dn[i];
            if (up[i] != dn[i] && up[i] >= 0 && up[i] <= n - 1 && (up[i] > dmax || up[i] < dmin))
            {
                v = up[i];
            }
            if (v >= 0 && v <= n - 1)
            {
                keep[(int)v] = true;
            }
        }
        return Flagged(keep);
    }

    private static int[] Flagged(bool[] keep)
    {
        int count = 0;
        foreach (var k in keep)
        {
            if (k) count++;
        }
        var r = new int[count];
        int j = 0;
        for (int i = 0; i < keep.Length; i++)
        {
            if (keep[i]) r[j++] = i;
        }
        return r;
    }

    /// <summary>
    /// Step 2 on the selected points <paramref name="p"/>: writes for each request point the index into
    /// <paramref name="p"/>, or -1. Evenly spaced points (2 or more) use <c>(r − start)/step</c> rounded half to even
    /// with exact .5 ties moved down, and an index outside [0, n−1] is NaN, so half a step below the first point is
    /// NaN but half a step above the last is the edge value. Other points (uneven, or one) use the nearest by
    /// distance, ties to the lower index, and NaN outside [<paramref name="lo"/>, <paramref name="hi"/>], the bounds
    /// of the source as evaluated.
    /// </summary>
    internal static void OnSelected(double[] p, double[] r, double lo, double hi, int[] result)
    {
        int n = p.Length;
        if (AxisScale.TryEvenlySpaced(p, out double start, out _, out double step))
        {
            for (int i = 0; i < r.Length; i++)
            {
                double index = (r[i] - start) / step;
                double ri = Math.Round(index, MidpointRounding.ToEven);
                if (index % 0.5 == 0)
                {
                    ri = Math.Floor(index);
                }
                result[i] = ri >= 0 && ri < n ? (int)ri : -1;
            }
            return;
        }
        var nearest = new SortedPoints(p);
        for (int i = 0; i < r.Length; i++)
        {
            double x = r[i];
            result[i] = x >= lo && x <= hi ? nearest.Nearest(x) : -1;
        }
    }
}
