using System.Text.Json.Nodes;

namespace PodCache.Runtime;

/// <summary>
/// One named axis: uniform (start, stop, step) or explicit values. Numeric axes hold doubles; time axes hold
/// counts of <see cref="TimeUnit"/> since 1970-01-01 (numpy's datetime64 at the unit of the JSON text).
/// Immutable.
/// </summary>
public abstract class Coordinates1D : IEquatable<Coordinates1D>
{
    private double[]? _points;

    private protected Coordinates1D(string name, TimeUnit? unit)
    {
        Name = name;
        Unit = unit;
    }

    /// <summary>The dim name: <c>lat</c>, <c>lon</c>, <c>time</c> or <c>alt</c> (a stacked dim joins its parts' names with <c>_</c>).</summary>
    public string Name { get; }

    /// <summary>The unit of a time axis; null for numeric axes.</summary>
    public TimeUnit? Unit { get; }

    /// <summary>True for a time axis.</summary>
    public bool IsTime => Unit.HasValue;

    /// <summary>Number of points.</summary>
    public abstract int Size { get; }

    /// <summary>True for a uniform (start/stop/step) axis.</summary>
    public abstract bool IsUniform { get; }

    /// <summary>The points (time axes: counts of <see cref="Unit"/>).</summary>
    public ReadOnlySpan<double> Points => _points ??= Materialize();

    /// <summary>Point <paramref name="index"/>.</summary>
    public double this[int index] => _points is { } p ? p[index] : PointAt(index);

    /// <summary>One point without building them all (a uniform axis computes it; the default materialises).</summary>
    private protected virtual double PointAt(int index) => Points[index];

    private protected abstract double[] Materialize();

    /// <summary>The first point, without materializing the points where the axis can say it directly.</summary>
    private protected virtual double FirstPoint => Points[0];

    /// <summary>The last point, likewise.</summary>
    private protected virtual double LastPoint => Points[^1];

    /// <summary>The smallest point (NaN for an empty axis).</summary>
    public double Min
    {
        get
        {
            if (Size == 0) return double.NaN;
            double m = double.PositiveInfinity;
            foreach (var p in Points) m = Math.Min(m, p);
            return m;
        }
    }

    /// <summary>The largest point (NaN for an empty axis).</summary>
    public double Max
    {
        get
        {
            if (Size == 0) return double.NaN;
            double m = double.NegativeInfinity;
            foreach (var p in Points) m = Math.Max(m, p);
            return m;
        }
    }

    /// <summary>The contiguous points [<paramref name="start"/>, start+count); a uniform axis stays uniform.</summary>
    public abstract Coordinates1D Slice(int start, int count);

    /// <summary>The points at <paramref name="indices"/>, as an explicit axis (uniform when they are a run).</summary>
    public virtual Coordinates1D Select(ReadOnlySpan<int> indices)
    {
        if (indices.Length > 0)
        {
            bool run = true;
            for (int i = 1; i < indices.Length && run; i++)
            {
                run = indices[i] == indices[0] + i;
            }
            if (run)
            {
                return Slice(indices[0], indices.Length);
            }
        }
        var values = new double[indices.Length];
        var pts = Points;
        for (int i = 0; i < indices.Length; i++)
        {
            values[i] = pts[indices[i]];
        }
        return new ArrayCoordinates1D(Name, values, Unit);
    }

    /// <summary>The same axis under another dim name.</summary>
    public abstract Coordinates1D Rename(string name);

    /// <summary>PODPAC coordinates JSON for this axis.</summary>
    public abstract JsonObject ToJson();

    /// <summary>Normalised JSON used for keys: uniform axes by their normalised start/stop/step, explicit by values.</summary>
    internal abstract JsonObject ToCanonicalJson();

    /// <summary>A point as text for messages and output.</summary>
    public string FormatPoint(double p) =>
        Unit is { } u ? TimeUnits.Format(p, u) : p.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public bool Equals(Coordinates1D? other)
    {
        if (other is null || other.Name != Name || other.Unit != Unit || other.IsUniform != IsUniform || other.Size != Size)
        {
            return false;
        }
        if (this is StackedCoordinates1D s)
        {
            return other is StackedCoordinates1D o && s.SameAs(o);
        }
        return Points.SequenceEqual(other.Points);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Coordinates1D);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Unit, Size, Size > 0 ? FirstPoint : 0);

    /// <inheritdoc/>
    public override string ToString() =>
        Size == 0 ? $"{Name}: (empty)" : $"{Name}: {FormatPoint(FirstPoint)}..{FormatPoint(LastPoint)} ({Size})";
}
