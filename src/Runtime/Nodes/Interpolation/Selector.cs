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
    /// <param name="scale">The shared scale.</param>
    /// <param name="source">The source axis.</param>
    /// <param name="s">Its points on the scale.</param>
    /// <param name="request">The request axis.</param>
    /// <param name="r">Its points on the scale.</param>
    /// <param name="offsets">The method's offsets.</param>
    /// <param name="stacked">The request is one dim of stacked points.</param>
    /// <param name="uneven">The source's whole axis is uneven, whatever <paramref name="source"/> looks like.</param>
    public static int[] Select(AxisScale scale, Coordinates1D source, double[] s, Coordinates1D request, double[] r, int[] offsets, bool stacked = false, bool uneven = false)
    {
        int n = s.Length;
        if (n == 0)
        {
            return [];
        }
        int lo = offsets.Min(), hi = offsets.Max();
        double start = 0, step = 0;
        if (uneven || !scale.TryUniform(source, s, out start, out _, out step))
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
    /// NoneInterpolator's selection (<c>intersect(outer=False)</c>, i.e. <c>select(bounds)</c>): the source points
    /// inside the request's [min, max]. When no point is inside, PODPAC still picks the nearest: a uniform axis the
    /// points nearest each bound (rounded half to even), an explicit monotonic axis the neighbour(s) on the side of
    /// the midpoint each bound lies (and the edge point for bounds beyond the axis).
    /// </summary>
    public static int[] Inner(Coordinates1D source, double[] s, double[] r)
    {
        int n = s.Length;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var x in r)
        {
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        if (n == 0 || double.IsNaN(lo))
        {
            return [];
        }
        bool descending = n > 1 && s[1] < s[0];
        double smin = s.Min(), smax = s.Max();
        if (smin > hi || smax < lo)
        {
            return [];
        }
        if (source is UniformCoordinates1D && n > 1)
        {
            double min = Math.Min(s[0], s[^1]), max = Math.Max(s[0], s[^1]), step = (max - min) / (n - 1);
            double fmin = (Math.Max(lo, min) - min) / step, fmax = (Math.Min(hi, max) - min) / step;
            int imin = Math.Clamp((int)Math.Ceiling(fmin), 0, n), imax = Math.Clamp((int)Math.Floor(fmax) + 1, 0, n);
            if (imin > imax)
            {
                return [];
            }
            if (imin == imax)
            {
                // "could have been selected between two existing coordinates"
                imin = (int)Math.Round(fmin, MidpointRounding.ToEven);
                imax = Math.Min(n, (int)Math.Round(fmax, MidpointRounding.ToEven) + 1);
            }
            var run = new List<int>();
            for (int p = imin; p < imax; p++) run.Add(descending ? n - 1 - p : p);
            run.Sort();
            return run.ToArray();
        }
        var inside = new bool[n];
        int countInside = 0, countEither = 0;
        for (int i = 0; i < n; i++)
        {
            bool gt = s[i] >= lo, lt = s[i] <= hi;
            inside[i] = gt && lt;
            if (inside[i]) countInside++;
            if (gt || lt) countEither++;
        }
        if (countEither != n || countInside != 0 || !Monotonic(s))
        {
            return Flagged(inside);
        }
        int lastLt = -1, firstLt = -1, lastGt = -1, firstGt = -1;
        for (int i = 0; i < n; i++)
        {
            if (s[i] <= hi) { lastLt = i; if (firstLt < 0) firstLt = i; }
            if (s[i] >= lo) { lastGt = i; if (firstGt < 0) firstGt = i; }
        }
        int indlt, indgt;
        if (descending)
        {
            indlt = firstLt >= 0 ? firstLt : n - 1;
            indgt = lastGt >= 0 ? lastGt : 0;
        }
        else
        {
            indlt = lastLt >= 0 ? lastLt : 0;
            indgt = firstGt >= 0 ? firstGt : n - 1;
        }
        int i0 = Math.Min(indlt, indgt), i1 = Math.Max(indlt, indgt) + 1;
        if (i1 - i0 == 1)
        {
            return [i0];
        }
        double edge = s[i0] + (s[i0 + 1] - s[i0]) / 2;
        bool keepFirst = lo <= edge || hi <= edge, keepSecond = lo > edge || hi > edge;
        if (descending)
        {
            (keepFirst, keepSecond) = (keepSecond, keepFirst);
        }
        var kept = new List<int>(2);
        if (keepFirst) kept.Add(i0);
        if (keepSecond) kept.Add(i0 + 1);
        return kept.ToArray();
    }

    private static bool Monotonic(double[] s)
    {
        if (s.Length < 2)
        {
            return true;
        }
        double sign = Math.Sign(s[1] - s[0]);
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (!(Math.Sign(s[i + 1] - s[i]) == sign) || sign == 0) return false;
        }
        return true;
    }

    /// <summary>
    /// NearestPreview's selection (<c>NearestPreview._perform_selection</c>): the source cut to the request bounds
    /// (widened outward), then every k-th point from the first, where k = max(1, round_half_even(|request step /
    /// source step|)) and an explicit axis' step is (last − first)/(n − 1). The points it reports are PODPAC's
    /// rebuilt uniform axis (cut start, stride k·step), which for an uneven source are not the source's own points,
    /// and its step, which nearest then uses even for a single point.
    /// </summary>
    /// <param name="scale">The shared scale.</param>
    /// <param name="source">The source axis.</param>
    /// <param name="s">Its points on the shared scale.</param>
    /// <param name="request">The request axis.</param>
    /// <param name="r">Its points on the shared scale.</param>
    /// <param name="lo">The lower bound of the whole source.</param>
    /// <param name="hi">The upper bound of the whole source.</param>
    public static (int[] Indices, double[] Points, double? Step) Preview(AxisScale scale, Coordinates1D source, double[] s, Coordinates1D request, double[] r, double lo, double hi)
    {
        var cut = Sources.Selection.Outer(source, request);
        if (cut.Length == 0)
        {
            return ([], [], null);
        }
        if (cut.Length == 1)
        {
            // PODPAC keeps a one-point cut as it is: uniform (with the source's step) only on a uniform source.
            return (cut, [s[cut[0]]], source is UniformCoordinates1D && s.Length > 1 ? Math.Abs(s[1] - s[0]) : null);
        }
        // numpy divides a timedelta by an integer in the datetime's own unit, truncating (7 days / 3 = 2 days).
        double dst = request is UniformCoordinates1D u && u.Size > 1 ? r[1] - r[0] : Truncated(scale, request, (r[^1] - r[0]) / (r.Length - 1));
        double start = s[cut[0]], stop = s[cut[^1]];
        double delta = source is UniformCoordinates1D ? s[cut[1]] - s[cut[0]] : Truncated(scale, source, (stop - start) / (cut.Length - 1));
        double ratio = Math.Round(Math.Abs(dst / delta), MidpointRounding.ToEven);
        // Python's max(1, nan) is 1: a single-point request strides by 1.
        int k = double.IsNaN(ratio) || ratio < 1 ? 1 : (int)Math.Min(ratio, int.MaxValue);
        var kept = new List<int>();
        for (int i = 0; i < cut.Length; i += k) kept.Add(cut[i]);
        // QUIRK: PODPAC rebuilds the axis with its stop moved half a stride on (clipped to the source's bounds);
        // when that adds a point, it reads one more stride of the source, past the cut.
        double stride = k * delta;
        double stop2 = Math.Clamp(stop + Truncated(scale, source, stride / 2), lo, hi);
        int next = kept[^1] + k;
        if (Math.Floor((stop2 - start) / stride + 1e-9) + 1 > kept.Count && next < s.Length)
        {
            kept.Add(next);
        }
        var points = new double[kept.Count];
        for (int j = 0; j < points.Length; j++) points[j] = start + j * stride;
        return (kept.ToArray(), points, stride);
    }

    /// <summary><paramref name="delta"/> (on <paramref name="scale"/>) truncated to whole units of <paramref name="axis"/>' time unit.</summary>
    private static double Truncated(AxisScale scale, Coordinates1D axis, double delta)
    {
        if (axis.Unit is not { } unit || TimeUnits.IsCalendar(unit) || !double.IsFinite(delta))
        {
            return delta;
        }
        double one = scale.Value(axis, 1) - scale.Value(axis, 0);
        return Math.Truncate(delta / one) * one;
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
