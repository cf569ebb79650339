namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// Puts a source and a request axis of one dim on one numeric scale, as PODPAC does before comparing them: numbers
/// as they are; time as counts of the finer of the two datetime units (numpy casts both datetime64 arrays to the
/// higher precision and then to float). Counts keep exact integers where ticks since 1970 would round, which matters
/// for exact half-step ties.
/// </summary>
internal sealed class AxisScale
{
    private readonly TimeUnit? _unit;

    private AxisScale(TimeUnit? unit) => _unit = unit;

    /// <summary>The time unit of this scale's counts; null for numbers.</summary>
    public TimeUnit? Unit => _unit;

    /// <summary>The scale shared by <paramref name="source"/> and <paramref name="request"/>.</summary>
    /// <exception cref="NodeEvaluationException">One axis is time and the other numeric.</exception>
    public static AxisScale For(Coordinates1D source, Coordinates1D request)
    {
        AxisValues.CheckCompatible(source, request);
        return new AxisScale(source.Unit is { } su && request.Unit is { } ru ? TimeUnits.Finer(su, ru) : null);
    }

    /// <summary>The points of <paramref name="axis"/> on this scale.</summary>
    public double[] Points(Coordinates1D axis)
    {
        var pts = axis.Points;
        var r = new double[pts.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = Value(axis, pts[i]);
        }
        return r;
    }

    /// <summary>One point of <paramref name="axis"/> (a count of its own unit for time) on this scale.</summary>
    public double Value(Coordinates1D axis, double point)
    {
        if (_unit is not { } to || axis.Unit is not { } from || from == to)
        {
            return point;
        }
        return TimeUnits.Convert((long)point, from, to);
    }

    /// <summary>
    /// A PODPAC time delta (a tolerance) on this scale: exact, because the source output's times are nanoseconds
    /// (xarray's) by the time PODPAC converts the delta (<c>_time_to_float</c> casts to the finer unit, which is then
    /// ns). Null for a numeric scale, and for a zero delta, which PODPAC treats as no tolerance (<c>if tol and ...</c>).
    /// </summary>
    public double? Delta((long Count, TimeUnit Unit) delta)
    {
        if (_unit is not { } to || delta.Count == 0)
        {
            return null;
        }
        var origin = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = delta.Unit switch
        {
            TimeUnit.Year => origin.AddYears(checked((int)delta.Count)),
            TimeUnit.Month => origin.AddMonths(checked((int)delta.Count)),
            _ => origin.AddTicks(checked((long)TimeUnits.ToTicks(delta.Count, delta.Unit))),
        };
        if (TimeUnits.IsCalendar(to))
        {
            throw new NodeEvaluationException("a time_tolerance on a time axis of whole months or years is not supported by PodCache");
        }
        return Math.Abs(TimeUnits.FromTicks((end - origin).Ticks, to));
    }

    /// <summary>
    /// The start, stop and step of <paramref name="axis"/> on this scale when PODPAC treats it as uniform: a uniform
    /// axis of a fixed-length unit, or explicit values that are monotonic and evenly spaced within numpy's
    /// <c>allclose</c> (then step = (last − first)/(n − 1)). False for anything else, including one explicit value.
    /// </summary>
    public bool TryUniform(Coordinates1D axis, ReadOnlySpan<double> scaledPoints, out double start, out double stop, out double step)
    {
        if (axis is UniformCoordinates1D u && !(u.Unit is { } cu && TimeUnits.IsCalendar(cu)))
        {
            start = Value(axis, u.Start);
            stop = Value(axis, u.Stop);
            // Fixed-length units: the step converts by the ratio of unit lengths.
            step = u.Unit is { } from && _unit is { } to && from != to
                ? u.Step * (TimeUnits.ToTicks(1, from) / TimeUnits.ToTicks(1, to))
                : u.Step;
            return true;
        }
        return TryEvenlySpaced(scaledPoints, out start, out stop, out step);
    }

    /// <summary>
    /// PODPAC's <c>ArrayCoordinates1d.is_uniform</c>: at least two points, strictly monotonic, and every spacing
    /// <c>allclose</c> (rtol 1e-5, atol 1e-8) to the first.
    /// </summary>
    public static bool TryEvenlySpaced(ReadOnlySpan<double> p, out double start, out double stop, out double step)
    {
        start = stop = step = double.NaN;
        if (p.Length < 2)
        {
            return false;
        }
        double sign = p[1] > p[0] ? 1 : p[1] < p[0] ? -1 : 0;
        if (sign == 0)
        {
            return false;
        }
        double d0 = (p[1] - p[0]) * sign;
        for (int i = 0; i + 1 < p.Length; i++)
        {
            double d = (p[i + 1] - p[i]) * sign;
            if (!(d > 0) || !(Math.Abs(d - d0) <= 1e-8 + 1e-5 * Math.Abs(d0)))
            {
                return false;
            }
        }
        start = p[0];
        stop = p[^1];
        step = (stop - start) / (p.Length - 1);
        return true;
    }
}
