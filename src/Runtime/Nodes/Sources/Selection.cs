namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// PODPAC's outer selection of source points for a request (SEMANTICS §4): the source points inside the request's
/// bounds plus, where a bound is not itself a source point, the next source point outside it.
/// </summary>
internal static class Selection
{
    /// <summary>The selected source indices, in source order; empty when the request does not overlap.</summary>
    public static int[] Outer(Coordinates1D source, Coordinates1D request)
    {
        AxisValues.CheckCompatible(source, request);
        if (source.Size == 0 || request.Size == 0)
        {
            return [];
        }
        var req = AxisValues.Comparable(request);
        double lo = req.Min(), hi = req.Max();
        if (source.Unit is { } srcUnit && request.Unit is { } reqUnit && srcUnit != reqUnit && TimeUnits.Finer(srcUnit, reqUnit) == reqUnit)
        {
            // PODPAC compares an outer selection's bounds at the coarser precision (lower_precision_time_bounds):
            // the request's finer bounds are truncated to the source's unit, so 01-01T17 selects only 01-01.
            lo = Truncate(lo, srcUnit);
            hi = Truncate(hi, srcUnit);
        }
        if (source is UniformCoordinates1D u && source.Size > 1 && !(source.Unit is { } su && TimeUnits.IsCalendar(su)))
        {
            return Uniform(u, lo, hi);
        }
        var pts = AxisValues.Comparable(source);
        double smin = pts.Min(), smax = pts.Max();
        if (lo > smax || hi < smin)
        {
            return [];
        }
        // Widen each bound outward to the nearest source point at or beyond it.
        double a = double.NegativeInfinity, b = double.PositiveInfinity;
        foreach (var p in pts)
        {
            if (p <= lo && p > a) a = p;
            if (p >= hi && p < b) b = p;
        }
        var idx = new List<int>();
        for (int i = 0; i < pts.Length; i++)
        {
            if (pts[i] >= a && pts[i] <= b) idx.Add(i);
        }
        return idx.ToArray();
    }

    private static double Truncate(double ticks, TimeUnit unit) =>
        TimeUnits.ToTicks(Math.Floor(TimeUnits.FromTicks(ticks, unit)), unit);

    private static int[] Uniform(UniformCoordinates1D src, double lo, double hi)
    {
        double start = AxisValues.Comparable(src, src.Start), stop = AxisValues.Comparable(src, src.Stop);
        double min = Math.Min(start, stop), max = Math.Max(start, stop);
        double step = Math.Abs(stop - start) / (src.Size - 1);
        if (lo > max || hi < min)
        {
            return [];
        }
        double l = Math.Max(lo, min), h = Math.Min(hi, max);
        double fmin = (l - min) / step, fmax = (h - min) / step;
        int imin = (int)Math.Ceiling(fmin), imax = (int)Math.Floor(fmax);
        if (imin != fmin) imin -= 1;
        if (imax != fmax) imax += 1;
        imin = Math.Clamp(imin, 0, src.Size);
        imax = Math.Clamp(imax + 1, 0, src.Size);
        if (imin >= imax)
        {
            return [];
        }
        if (stop < start)
        {
            (imin, imax) = (src.Size - imax, src.Size - imin);
        }
        var r = new int[imax - imin];
        for (int i = 0; i < r.Length; i++) r[i] = imin + i;
        return r;
    }
}
