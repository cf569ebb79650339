namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// Grows a request axis so that Convolution's source is evaluated with margins (SEMANTICS §6): the uniform rule, the
/// explicit rule with numpy's <c>arange</c> reproduced bit for bit (its point count included), and the cases that do
/// not grow at all.
/// </summary>
internal static class ConvolutionGrowth
{
    /// <summary>Grows <paramref name="axis"/> for a kernel of <paramref name="s"/> taps along it.</summary>
    public static AxisGrowth Grow(Coordinates1D axis, int s)
    {
        if (s == 1)
        {
            return AxisGrowth.None(axis);
        }
        if (axis is UniformCoordinates1D u)
        {
            return GrowUniform(u, s);
        }
        var points = axis.Points;
        // QUIRK: a single explicit value (or a non-monotonic list) does not grow, so the kernel sees zero padding.
        if (points.Length < 2 || !IsMonotonic(points))
        {
            return AxisGrowth.None(axis);
        }
        return axis.IsTime ? GrowExplicitTime(axis, points, s) : GrowExplicit(axis.Name, points, s);
    }

    /// <summary>
    /// <c>ceil(s/2)</c> steps before and <c>max(floor(s/2) − (s even ? 1 : 0), 1)</c> after, in the axis direction,
    /// on the request's own grid (start <c>start − before·step</c>, the request's step).
    /// </summary>
    /// <remarks>
    /// PODPAC builds this axis from <c>stop + after·step + 1e-14·step</c> and a size, which puts the grown points up
    /// to 1e-14·step off the grid. That noise is deliberately not reproduced: it changes values only at the 1e-15 level
    /// (inside the conformance tolerance), but over a <c>data.Array</c> it makes the Array return an extra point above
    /// the grown stop, and PODPAC then fails with "conflicting sizes" (SEMANTICS §6 QUIRK). On the exact grid the
    /// grown request is also aligned with the request, so cached source results stay reusable.
    /// </remarks>
    private static AxisGrowth GrowUniform(UniformCoordinates1D u, int s)
    {
        int before = (s + 1) / 2;
        int after = Math.Max(s / 2 - ((s + 1) % 2), 1);
        int size = u.Size + before + after;
        var grown = UniformCoordinates1D.Exact(u.Name, u.Start + -before * u.Step, u.Step, size, u.Unit);
        return new AxisGrowth(grown, before, after, true);
    }

    /// <summary><c>s//2</c> values before, spaced like the first two, and <c>s//2</c> after, spaced like the last two.</summary>
    private static AxisGrowth GrowExplicit(string name, ReadOnlySpan<double> points, int s)
    {
        int k = s / 2;
        double first = points[0];
        double deltaStart = points[1] - points[0];
        var head = Arange(first - deltaStart * k, first, deltaStart);
        double last = points[^1];
        double deltaEnd = points[^1] - points[^2];
        var tail = Arange(last + deltaEnd, last + deltaEnd * k + deltaEnd * 1e-14, deltaEnd);
        var values = new double[head.Length + points.Length + tail.Length];
        head.CopyTo(values, 0);
        points.CopyTo(values.AsSpan(head.Length));
        tail.CopyTo(values, head.Length + points.Length);
        return new AxisGrowth(new ArrayCoordinates1D(name, values), head.Length, tail.Length, true);
    }

    /// <summary>
    /// The explicit rule on datetime64 values, as numpy computes it: <c>s//2</c> values before, but only <c>s//2 − 1</c>
    /// after, because the end's <c>+ delta·1e-14</c> is a timedelta64 and truncates to 0, so the stop is excluded.
    /// </summary>
    /// <remarks>
    /// QUIRK: for a 3-tap kernel nothing is added after, the crop <c>[1:-0]</c> keeps nothing, and PODPAC fails with
    /// "conflicting sizes" — unless the source reduces time away, when the crop is never applied and PODPAC's output is
    /// the source over the request's times plus one before (conformance case 155). Both are what PodCache does.
    /// </remarks>
    private static AxisGrowth GrowExplicitTime(Coordinates1D axis, ReadOnlySpan<double> points, int s)
    {
        long k = s / 2;
        long first = (long)points[0], deltaStart = (long)points[1] - first;
        long last = (long)points[^1], deltaEnd = last - (long)points[^2];
        var values = new List<double>(points.Length + 2 * (int)k);
        for (long i = k; i >= 1; i--)
        {
            values.Add(first - i * deltaStart);
        }
        int before = values.Count;
        foreach (var p in points)
        {
            values.Add(p);
        }
        // np.arange(last + d, last + d·k + trunc(d·1e-14), d): k − 1 values for any delta below 10^14 units.
        long stop = last + deltaEnd * k + (long)(deltaEnd * 1e-14);
        for (long v = last + deltaEnd; deltaEnd > 0 ? v < stop : v > stop; v += deltaEnd)
        {
            values.Add(v);
        }
        int after = values.Count - before - points.Length;
        return new AxisGrowth(new ArrayCoordinates1D(axis.Name, [.. values], axis.Unit), before, after, true);
    }

    /// <summary>numpy's float <c>arange</c>: <c>ceil((stop−start)/step)</c> points, <c>start + i·((start+step)−start)</c>.</summary>
    internal static double[] Arange(double start, double stop, double step)
    {
        double length = Math.Ceiling((stop - start) / step);
        if (double.IsNaN(length))
        {
            throw new NodeEvaluationException("Convolution cannot grow an axis with non-finite coordinates");
        }
        if (length <= 0)
        {
            return [];
        }
        var r = new double[(int)Math.Min(length, int.MaxValue)];
        r[0] = start;
        if (r.Length > 1)
        {
            double next = start + step;
            double delta = next - start;
            r[1] = next;
            for (int i = 2; i < r.Length; i++)
            {
                r[i] = start + i * delta;
            }
        }
        return r;
    }

    /// <summary>PODPAC's test: every difference has the sign of the first (a NaN difference does not count against it).</summary>
    private static bool IsMonotonic(ReadOnlySpan<double> p)
    {
        double d0 = p[1] - p[0];
        for (int i = 0; i + 1 < p.Length; i++)
        {
            if ((p[i + 1] - p[i]) * d0 <= 0)
            {
                return false;
            }
        }
        return true;
    }
}
