using PodCache.Cache;

namespace PodCache.Runtime;

/// <summary>
/// A labelled N-d array: dims, coordinates, contiguous row-major float64 values (NaN = missing) and string attrs.
/// Immutable once built: cached arrays are shared between runs, so nothing may write to <see cref="Data"/>.
/// </summary>
public sealed class DataArray : ICacheValue
{
    private readonly double[] _values;

    /// <summary>Creates an array over <paramref name="values"/> (taken, not copied).</summary>
    /// <exception cref="ArgumentException">The number of values does not match the coordinates' shape.</exception>
    public DataArray(Coordinates coordinates, double[] values, IReadOnlyDictionary<string, string>? attrs = null)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(values);
        if (values.LongLength != coordinates.Size)
        {
            throw new ArgumentException(
                $"{values.LongLength} values do not fit shape [{string.Join(", ", coordinates.Shape)}]", nameof(values));
        }
        Coordinates = coordinates;
        _values = values;
        Attrs = attrs ?? EmptyAttrs;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttrs = new Dictionary<string, string>();

    /// <summary>A new array of <paramref name="coordinates"/>' shape with every cell <paramref name="value"/>.</summary>
    public static DataArray Filled(Coordinates coordinates, double value, IReadOnlyDictionary<string, string>? attrs = null)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        var v = GC.AllocateUninitializedArray<double>(checked((int)coordinates.Size));
        v.AsSpan().Fill(value);
        return new DataArray(coordinates, v, attrs);
    }

    /// <summary>The coordinates, one axis per dim in order.</summary>
    public Coordinates Coordinates { get; }

    /// <summary>The dim names.</summary>
    public IReadOnlyList<string> Dims => Coordinates.Dims;

    /// <summary>The size of each dim.</summary>
    public int[] Shape => Coordinates.Shape;

    /// <summary>Number of dims (0 for a scalar).</summary>
    public int Rank => Coordinates.Rank;

    /// <summary>Number of cells.</summary>
    public int Length => _values.Length;

    /// <summary>The values, row-major.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The backing array, for kernels that only read it.</summary>
    internal double[] Data => _values;

    /// <summary>Attributes such as <c>units</c> and <c>crs</c>.</summary>
    public IReadOnlyDictionary<string, string> Attrs { get; }

    /// <inheritdoc/>
    public long SizeBytes => 8L * _values.Length + 64L * (Rank + 1) + 128;

    /// <summary>The cell at <paramref name="index"/> (one index per dim).</summary>
    public double this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.Length != Rank)
            {
                throw new ArgumentException($"expected {Rank} indices", nameof(index));
            }
            long flat = 0;
            var shape = Shape;
            for (int i = 0; i < index.Length; i++)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index[i]);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index[i], shape[i]);
                flat = flat * shape[i] + index[i];
            }
            return _values[flat];
        }
    }

    /// <summary>Row-major strides, in elements.</summary>
    internal static long[] StridesOf(int[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>The same array with dims in <paramref name="order"/> (a permutation of <see cref="Dims"/>).</summary>
    public DataArray Transpose(IReadOnlyList<string> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Count != Rank || order.Distinct().Count() != Rank || order.Any(d => !Coordinates.Contains(d)))
        {
            throw new ArgumentException($"[{string.Join(", ", order)}] is not a permutation of [{string.Join(", ", Dims)}]", nameof(order));
        }
        bool identity = true;
        for (int i = 0; i < Rank && identity; i++)
        {
            identity = order[i] == Dims[i];
        }
        if (identity)
        {
            return this;
        }
        var perm = order.Select(d => Coordinates.IndexOf(d)).ToArray();
        var srcStrides = StridesOf(Shape);
        var newCoords = new Coordinates(perm.Select(p => Coordinates.Axes[p]), Coordinates.Crs);
        var newShape = newCoords.Shape;
        var dst = GC.AllocateUninitializedArray<double>(_values.Length);
        var strides = perm.Select(p => srcStrides[p]).ToArray();
        Permute(_values, dst, newShape, strides);
        return new DataArray(newCoords, dst, Attrs);
    }

    /// <summary>Copies <paramref name="src"/> read through <paramref name="srcStrides"/> into row-major <paramref name="dst"/>.</summary>
    internal static void Permute(double[] src, double[] dst, int[] shape, long[] srcStrides)
    {
        if (dst.Length == 0)
        {
            return;
        }
        int rank = shape.Length;
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        var idx = new int[rank];
        int last = rank - 1;
        long innerStride = srcStrides[last];
        int inner = shape[last];
        int d = 0;
        while (true)
        {
            long off = 0;
            for (int i = 0; i < last; i++)
            {
                off += idx[i] * srcStrides[i];
            }
            for (int j = 0; j < inner; j++)
            {
                dst[d++] = src[off + j * innerStride];
            }
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
    }

    /// <summary>Transposes to the request's dims order; dims the request lacks go last, in their current order.</summary>
    public DataArray TransposeToRequest(Coordinates request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HasDimsOf(request) || IsInRequestOrder(request))
        {
            return this;
        }
        var order = request.Dims.Where(Coordinates.Contains).Concat(Dims.Where(d => !request.Contains(d))).ToArray();
        return Transpose(order);
    }

    /// <summary>
    /// True when the order <see cref="TransposeToRequest"/> would build (the request's dims this array has, in the
    /// request's order, then its others in its own order) is already this array's: the transpose would return it as it is.
    /// Checked without building the order (every node's output passes here).
    /// </summary>
    private bool IsInRequestOrder(Coordinates request)
    {
        var mine = Dims;
        var theirs = request.Dims;
        int k = 0;
        for (int i = 0; i < theirs.Count; i++)
        {
            if (Coordinates.Contains(theirs[i]) && (k >= mine.Count || mine[k++] != theirs[i]))
            {
                return false;
            }
        }
        for (int i = 0; i < mine.Count; i++)
        {
            if (!request.Contains(mine[i]) && (k >= mine.Count || mine[k++] != mine[i]))
            {
                return false;
            }
        }
        return k == mine.Count;
    }

    /// <summary>True when the dims are exactly the request's, in its order (the common case: nothing to transpose).</summary>
    private bool HasDimsOf(Coordinates request)
    {
        if (request.Rank != Rank)
        {
            return false;
        }
        var mine = Dims;
        var theirs = request.Dims;
        for (int i = 0; i < mine.Count; i++)
        {
            if (mine[i] != theirs[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"DataArray [{string.Join(", ", Dims.Zip(Shape, (d, s) => $"{d}: {s}"))}]";
}
