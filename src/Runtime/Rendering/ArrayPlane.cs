namespace PodCache.Runtime.Rendering;

/// <summary>
/// A 2-D (or 1-D) view of an N-d array for drawing: the dim shown vertically, the dim shown horizontally, and index 0
/// of every other dim. Maps come out right whatever the dims order: <c>lat</c> is always vertical and <c>lon</c>
/// horizontal when present.
/// </summary>
internal sealed class ArrayPlane
{
    private readonly double[] _data;
    private readonly int _yStride;
    private readonly int _xStride;

    private ArrayPlane(DataArray array, int yDim, int xDim)
    {
        _data = array.Data;
        var strides = DataArray.StridesOf(array.Shape);
        YDim = yDim;
        XDim = xDim;
        YAxis = yDim >= 0 ? array.Coordinates.Axes[yDim] : null;
        XAxis = xDim >= 0 ? array.Coordinates.Axes[xDim] : null;
        // Arrays are int-indexed (DataArray.Length is an int), so strides fit in an int.
        _yStride = yDim >= 0 ? (int)strides[yDim] : 0;
        _xStride = xDim >= 0 ? (int)strides[xDim] : 0;
        var notes = new List<string>();
        for (int d = 0; d < array.Rank; d++)
        {
            if (d == yDim || d == xDim || array.Shape[d] <= 1) continue;
            var axis = array.Coordinates.Axes[d];
            notes.Add($"{axis.Name} = {Markup.Point(axis, axis[0])} (1 of {axis.Size})");
        }
        SliceNotes = notes;
    }

    /// <summary>Index of the vertical dim, or -1 (0-d and 1-d arrays).</summary>
    public int YDim { get; }

    /// <summary>Index of the horizontal dim, or -1 (0-d arrays).</summary>
    public int XDim { get; }

    /// <summary>The vertical axis, or null: one row.</summary>
    public Coordinates1D? YAxis { get; }

    /// <summary>The horizontal axis, or null: one column.</summary>
    public Coordinates1D? XAxis { get; }

    /// <summary>Rows (size of the vertical dim, 1 without one).</summary>
    public int Rows => YAxis?.Size ?? 1;

    /// <summary>Columns (size of the horizontal dim, 1 without one).</summary>
    public int Columns => XAxis?.Size ?? 1;

    /// <summary>"dim = value (1 of n)" for each other dim with more than one point: the plane shows only its first.</summary>
    public IReadOnlyList<string> SliceNotes { get; }

    /// <summary>The value at data indices (<paramref name="y"/>, <paramref name="x"/>).</summary>
    public double this[int y, int x] => _data[y * _yStride + x * _xStride];

    /// <summary>Picks the plane to draw for <paramref name="array"/>.</summary>
    public static ArrayPlane Of(DataArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var dims = array.Dims;
        var shape = array.Shape;
        if (array.Rank == 0) return new ArrayPlane(array, -1, -1);
        if (array.Rank == 1) return new ArrayPlane(array, -1, 0);
        int lat = array.Coordinates.IndexOf("lat");
        int lon = array.Coordinates.IndexOf("lon");
        int Other(params int[] exclude)
        {
            // Prefer a spatial dim that varies, then time, then anything: a [time, lat, alt] array shows lat x alt at
            // its first time, and a [time: 1, lat, alt] one does too.
            for (int pass = 0; pass < 3; pass++)
            {
                for (int d = 0; d < dims.Count; d++)
                {
                    if (exclude.Contains(d)) continue;
                    if (pass < 2 && shape[d] <= 1) continue;
                    if (pass == 0 && array.Coordinates.Axes[d].IsTime) continue;
                    return d;
                }
            }
            return -1;
        }
        if (lat >= 0 && lon >= 0) return new ArrayPlane(array, lat, lon);
        if (lat >= 0) return new ArrayPlane(array, lat, Other(lat));
        if (lon >= 0) return new ArrayPlane(array, Other(lon), lon);
        int y = Other();
        return new ArrayPlane(array, y, Other(y));
    }

    /// <summary>
    /// The data indices of <paramref name="axis"/> to draw, in screen order (top to bottom when
    /// <paramref name="vertical"/>, else left to right) and taking every <paramref name="step"/>-th point. Values grow
    /// upwards and rightwards — north up, west left — whichever direction the axis runs.
    /// </summary>
    public static int[] ScreenOrder(Coordinates1D? axis, bool vertical, int step)
    {
        int n = axis?.Size ?? 1;
        var idx = new int[(n + step - 1) / step];
        for (int i = 0; i < idx.Length; i++) idx[i] = i * step;
        if (axis is { Size: > 1 })
        {
            bool ascending = axis[n - 1] > axis[0];
            if (ascending == vertical) Array.Reverse(idx);
        }
        return idx;
    }
}
