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
    internal static int[] Select(AxisScale scale, Coordinates1D source, double[] s, Coordinates1D request, double[] r, bool stacked = false) =>
        Selector.Select(scale, source, s, request, r, [0], stacked);

    /// <summary>
    /// Step 2 on the selected points <paramref name="p"/>: writes for each request point the index into
    /// <paramref name="p"/>, or -1. Evenly spaced points (2 or more) use <c>(r − start)/step</c> rounded half to even
    /// with exact .5 ties moved down, and an index outside [0, n−1] is NaN, so half a step below the first point is
    /// NaN but half a step above the last is the edge value. Other points (uneven, or one) use the nearest by
    /// distance, ties to the lower index, and NaN outside [<paramref name="lo"/>, <paramref name="hi"/>], the bounds
    /// of the source as evaluated.
    /// </summary>
    internal static void OnSelected(double[] p, double[] r, double lo, double hi, int[] result) =>
        OnSelected(p, r, lo, hi, result, double.PositiveInfinity, true, AmbiguousRounding.Down);

    /// <summary>
    /// Step 2 with NearestNeighbor's params (<c>_get_uniform_index</c>, <c>_get_nonuniform_index</c>): ties by
    /// <paramref name="rounding"/>; without <paramref name="respectBounds"/> an evenly spaced index is clamped to the
    /// points and uneven points skip the bounds check; then NaN where the distance to the chosen point exceeds
    /// <paramref name="tolerance"/> (for evenly spaced points measured from the unclamped index, so clamped points
    /// far outside fail it).
    /// </summary>
    /// <param name="p">The selected points.</param>
    /// <param name="r">The request's points.</param>
    /// <param name="lo">The lower bound of the source as evaluated.</param>
    /// <param name="hi">The upper bound.</param>
    /// <param name="result">Receives the index into <paramref name="p"/> per request point, or -1.</param>
    /// <param name="tolerance">The largest distance kept.</param>
    /// <param name="respectBounds">NaN outside the points rather than the edge value.</param>
    /// <param name="rounding">The tie rule.</param>
    /// <param name="uniformStep">The step of points PODPAC holds as a uniform axis (NearestPreview's), which makes
    /// even one point uniform; null to decide from the points.</param>
    internal static void OnSelected(double[] p, double[] r, double lo, double hi, int[] result, double tolerance, bool respectBounds, AmbiguousRounding rounding,
        double? uniformStep = null)
    {
        int n = p.Length;
        // PODPAC checks `if tol and tol != inf`: a zero tolerance is no tolerance.
        bool tolerant = tolerance > 0 && !double.IsPositiveInfinity(tolerance);
        double start, step;
        if (uniformStep is { } u && n > 0)
        {
            start = p[0];
            step = n > 1 ? (p[^1] - p[0]) / (n - 1) : u;
        }
        else if (!AxisScale.TryEvenlySpaced(p, out start, out _, out step))
        {
            step = double.NaN;
        }
        if (!double.IsNaN(step))
        {
            for (int i = 0; i < r.Length; i++)
            {
                double index = (r[i] - start) / step;
                double ri = Math.Round(index, MidpointRounding.ToEven);
                if (index % 0.5 == 0 && rounding != AmbiguousRounding.Even)
                {
                    ri = rounding == AmbiguousRounding.Down ? Math.Floor(index) : Math.Ceiling(index);
                }
                if (double.IsNaN(ri))
                {
                    result[i] = -1;
                    continue;
                }
                int chosen = respectBounds ? (ri >= 0 && ri < n ? (int)ri : -1) : (int)Math.Clamp(ri, 0, n - 1);
                if (tolerant && Math.Abs(index - chosen) * Math.Abs(step) > tolerance)
                {
                    chosen = -1;
                }
                result[i] = chosen;
            }
            return;
        }
        var nearest = new SortedPoints(p);
        for (int i = 0; i < r.Length; i++)
        {
            double x = r[i];
            int chosen = nearest.Nearest(x);
            if (respectBounds && !(x >= lo && x <= hi))
            {
                chosen = -1;
            }
            if (chosen >= 0 && tolerant && Math.Abs(x - p[chosen]) > tolerance)
            {
                chosen = -1;
            }
            result[i] = chosen;
        }
    }
}
