namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// PODPAC 4's <c>Selector</c> (<c>core/interpolation/selector.py</c>, SEMANTICS §10.1) and the selections of
/// NoneInterpolator and NearestPreview: which source points along one dim an interpolator reads for a request. Every
/// interpolator then sees only those points, so the selection is part of the result, not only an optimisation.
/// </summary>
internal static class Selector
{
    /// <summary>The nudge PODPAC adds before rounding and around the covering range.</summary>
    private const double Nudge = 1e-6;

    /// <summary>PODPAC's per-method offsets (<c>selector.METHOD</c>).</summary>
    public static int[] Offsets(string method) => method switch
    {
        "nearest" => [0],
        "linear" or "bilinear" => [-1, 1],
        _ => [-2, -1, 1, 2],
    };

    /// <summary>
    /// The sorted, distinct indices into <paramref name="s"/> (the source axis on <paramref name="scale"/>) that the
    /// Selector keeps for <paramref name="r"/> (the request's) with <paramref name="offsets"/>.
    /// </summary>
    public static int[] Select(AxisScale scale, Coordinates1D source, double[] s, Coordinates1D request, double[] r, int[] offsets, bool stacked = false)
    {
        int n = s.Length;
        if (n == 0)
        {
            return [];
        }
        int lo = offsets.Min(), hi = offsets.Max();
        if (!scale.TryUniform(source, s, out double start, out _, out double step))
        {
            // The k nearest points of each request point (a KD-tree query), not its bracketing pair.
            var nearest = new SortedPoints(s);
            var keepN = new bool[n];
            var found = new List<int>(offsets.Length);
            foreach (var x in r)
            {
                nearest.NearestK(x, offsets.Length, found);
                foreach (var i in found) keepN[i] = true;
            }
            return Flagged(keepN);
        }
        if (!stacked && scale.TryUniform(request, r, out double r0, out double r1, out double rstep) && Math.Abs(rstep) < Math.Abs(step))
        {
            double a = Math.Clamp((r0 - start) / step, 0, n), b = Math.Clamp((r1 - start) / step, 0, n);
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                int first = (int)Math.Floor(Math.Max(0, Math.Min(a, b) + lo - Nudge));
                int end = (int)Math.Ceiling(Math.Min(n, Math.Max(a, b) + hi + 1 + Nudge));
                var range = new int[Math.Max(0, end - first)];
                for (int i = 0; i < range.Length; i++) range[i] = first + i;
                return range;
            }
        }
        if (offsets.Length == 1)
        {
            return Rounded(r, start, step, n);
        }
        var keep = new bool[n];
        foreach (var x in r)
        {
            double index = (x - start) / step;
            if (double.IsNaN(index))
            {
                continue;
            }
            double floor = Math.Floor(index), ceil = Math.Ceiling(index);
            foreach (var m in offsets)
            {
                double v = m < 0 ? floor + (m + 1) : ceil + (m - 1);
                if (v >= 0 && v <= n - 1) keep[(int)v] = true;
            }
        }
        return Flagged(keep);
    }

    /// <summary>
    /// The rounding rule for offset 0: <c>dn = round(i + 1e-6)</c>, <c>up = round(i − 1e-6)</c> (half to even); take
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

    /// <summary>
    /// NoneInterpolator's selection (<c>intersect(outer=False)</c>): the source points inside the request's
    /// [min, max], no widening.
    /// </summary>
    public static int[] Inner(double[] s, double[] r)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var x in r)
        {
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        var keep = new List<int>();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] >= lo && s[i] <= hi) keep.Add(i);
        }
        return keep.ToArray();
    }

    /// <summary>
    /// NearestPreview's selection (<c>NearestPreview._perform_selection</c>): the source cut to the request bounds
    /// (widened outward), then every k-th point from the first, where k = max(1, round_half_even(|request step /
    /// source step|)) and an explicit axis' step is (last − first)/(n − 1). The points it reports are PODPAC's
    /// rebuilt uniform axis (cut start, stride k·step), which for an uneven source are not the source's own points.
    /// </summary>
    /// <param name="source">The source axis.</param>
    /// <param name="s">Its points on the shared scale.</param>
    /// <param name="request">The request axis.</param>
    /// <param name="r">Its points on the shared scale.</param>
    /// <param name="lo">The lower bound of the whole source.</param>
    /// <param name="hi">The upper bound of the whole source.</param>
    public static (int[] Indices, double[] Points) Preview(Coordinates1D source, double[] s, Coordinates1D request, double[] r, double lo, double hi)
    {
        var cut = Sources.Selection.Outer(source, request);
        if (cut.Length == 0)
        {
            return ([], []);
        }
        if (cut.Length == 1)
        {
            return (cut, [s[cut[0]]]);
        }
        double dst = request is UniformCoordinates1D u && u.Size > 1 ? r[1] - r[0] : (r[^1] - r[0]) / (r.Length - 1);
        double start = s[cut[0]], stop = s[cut[^1]];
        double delta = (stop - start) / (cut.Length - 1);
        double ratio = Math.Round(Math.Abs(dst / delta), MidpointRounding.ToEven);
        // Python's max(1, nan) is 1: a single-point request strides by 1.
        int k = double.IsNaN(ratio) || ratio < 1 ? 1 : (int)Math.Min(ratio, int.MaxValue);
        var kept = new List<int>();
        for (int i = 0; i < cut.Length; i += k) kept.Add(cut[i]);
        // QUIRK: PODPAC rebuilds the axis with its stop moved half a stride on (clipped to the source's bounds);
        // when that adds a point, it reads one more stride of the source, past the cut.
        double stride = k * delta;
        double stop2 = Math.Clamp(stop + stride / 2, lo, hi);
        int next = kept[^1] + k;
        if (Math.Floor((stop2 - start) / stride + 1e-9) + 1 > kept.Count && next < s.Length)
        {
            kept.Add(next);
        }
        var points = new double[kept.Count];
        for (int j = 0; j < points.Length; j++) points[j] = start + j * stride;
        return (kept.ToArray(), points);
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
}
