using System.Text.Json.Nodes;

namespace PodCache.Runtime;

/// <summary>
/// A uniform axis normalised as PODPAC does: <c>size = floor((stop−start)/step + 1e-10) + 1</c>, stop cut back to
/// the last grid point, step recomputed from the span. Points are <c>start + i·step</c>.
/// </summary>
public sealed class UniformCoordinates1D : Coordinates1D
{
    private readonly int _size;

    private UniformCoordinates1D(string name, double start, double stop, double step, int size, TimeUnit? unit)
        : base(name, unit)
    {
        Start = start;
        Stop = stop;
        Step = step;
        _size = size;
    }

    /// <summary>The first point.</summary>
    public double Start { get; }

    /// <summary>The last point.</summary>
    public double Stop { get; }

    /// <summary>The spacing (negative for a descending axis).</summary>
    public double Step { get; }

    /// <inheritdoc/>
    public override int Size => _size;

    /// <inheritdoc/>
    public override bool IsUniform => true;

    /// <summary>Creates a normalised axis from start/stop/step.</summary>
    /// <exception cref="ArgumentException">Zero or non-finite step, or a step whose sign does not match the direction.</exception>
    public static UniformCoordinates1D FromStep(string name, double start, double stop, double step, TimeUnit? unit = null)
    {
        if (!double.IsFinite(start) || !double.IsFinite(stop))
        {
            throw new ArgumentException("start and stop must be finite numbers");
        }
        if (!double.IsFinite(step) || step == 0)
        {
            throw new ArgumentException("step must be a non-zero finite number");
        }
        if ((stop - start) * step < 0)
        {
            throw new ArgumentException($"step {step} goes away from stop: from {start} to {stop} the step must be {(stop > start ? "positive" : "negative")}");
        }
        double n = Math.Floor((stop - start) / step + 1e-10);
        if (n >= int.MaxValue - 1)
        {
            throw new ArgumentException("the axis has too many points");
        }
        int size = (int)n + 1;
        double newStop = start + step * (size - 1);
        double newStep = size > 1 ? (newStop - start) / (size - 1) : step;
        return new UniformCoordinates1D(name, start, newStop, newStep, size, unit);
    }

    /// <summary>
    /// Rebuilds an axis from the exact values another process held (<see cref="Coordinates.FromExactJson"/>), without
    /// normalising again: normalisation is not idempotent in floating point, and the key must not change in transit.
    /// </summary>
    /// <exception cref="ArgumentException">Non-finite values, a zero step, a size below 1, or a stop that is not
    /// <c>start + step·(size−1)</c>.</exception>
    internal static UniformCoordinates1D Exact(string name, double start, double stop, double step, int size, TimeUnit? unit)
    {
        if (!double.IsFinite(start) || !double.IsFinite(stop) || !double.IsFinite(step) || step == 0)
        {
            throw new ArgumentException("start, stop and step must be finite, and step non-zero");
        }
        if (size < 1)
        {
            throw new ArgumentException("size must be at least 1");
        }
        double expected = start + step * (size - 1);
        if (size > 1 && Math.Abs(expected - stop) > 1e-9 * Math.Max(1, Math.Max(Math.Abs(stop), Math.Abs(step) * size)))
        {
            throw new ArgumentException($"stop {stop} is not start + step·(size−1) = {expected}");
        }
        return new UniformCoordinates1D(name, start, stop, step, size, unit);
    }

    /// <summary>Creates an axis of <paramref name="size"/> points from start to stop.</summary>
    /// <exception cref="ArgumentException">Size below 1, or non-finite bounds.</exception>
    public static UniformCoordinates1D FromSize(string name, double start, double stop, int size, TimeUnit? unit = null)
    {
        if (!double.IsFinite(start) || !double.IsFinite(stop))
        {
            throw new ArgumentException("start and stop must be finite numbers");
        }
        if (size < 1)
        {
            throw new ArgumentException("size must be at least 1");
        }
        if (size == 1)
        {
            return new UniformCoordinates1D(name, start, start, stop != start ? stop - start : 1, 1, unit);
        }
        if (stop == start)
        {
            throw new ArgumentException("start equals stop, so size must be 1");
        }
        return new UniformCoordinates1D(name, start, stop, (stop - start) / (size - 1), size, unit);
    }

    /// <summary>An axis with exactly these parameters (already normalised).</summary>
    internal static UniformCoordinates1D Exact(string name, double start, double step, int size, TimeUnit? unit) =>
        new(name, start, size > 0 ? start + step * (size - 1) : start, step, size, unit);

    /// <summary>An axis from stored parts, reproduced bit for bit (deserialisation).</summary>
    internal static UniformCoordinates1D FromParts(string name, double start, double stop, double step, int size, TimeUnit? unit) =>
        new(name, start, stop, step, size, unit);

    // The same arithmetic as Materialize, so a point reads the same whether or not the points were built.
    private protected override double FirstPoint => Start + (0 * Step);

    private protected override double LastPoint => _size > 1 ? Stop : Start + (0 * Step);

    // One point by the same arithmetic, so Slice and Select of a huge axis never build every point.
    private protected override double PointAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _size);
        return _size > 1 && index == _size - 1 ? Stop : Start + index * Step;
    }

    private protected override double[] Materialize()
    {
        var p = new double[_size];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Start + i * Step;
        }
        if (p.Length > 1)
        {
            p[^1] = Stop;
        }
        return p;
    }

    /// <inheritdoc/>
    public override Coordinates1D Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, _size);
        if (start == 0 && count == _size)
        {
            return this;
        }
        if (count == 0)
        {
            return new ArrayCoordinates1D(Name, [], Unit);
        }
        return new UniformCoordinates1D(Name, this[start], this[start + count - 1], Step, count, Unit);
    }

    /// <inheritdoc/>
    public override Coordinates1D Rename(string name) => new UniformCoordinates1D(name, Start, Stop, Step, _size, Unit);

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var o = new JsonObject { ["name"] = Name };
        if (Unit is { } u)
        {
            o["start"] = TimeUnits.FormatNative(Start, u);
            o["stop"] = TimeUnits.FormatNative(Stop, u);
            o["step"] = $"{(long)Step},{TimeUnits.Symbol(u)}";
        }
        else
        {
            o["start"] = Start;
            o["stop"] = Stop;
            o["step"] = Step;
        }
        return o;
    }

    internal override JsonObject ToCanonicalJson()
    {
        var o = new JsonObject { ["name"] = Name, ["start"] = Start, ["stop"] = Stop, ["step"] = Step, ["size"] = _size };
        if (Unit is { } u)
        {
            o["unit"] = TimeUnits.Symbol(u);
        }
        return o;
    }
}
