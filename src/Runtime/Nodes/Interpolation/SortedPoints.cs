namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// Nearest-point queries over a fixed set of 1-D points in O(log n): the points sorted by value (then index), NaN
/// points left out. Equidistant candidates resolve to the lower original index.
/// </summary>
internal sealed class SortedPoints
{
    private readonly double[] _keys;
    private readonly int[] _index;

    /// <summary>Indexes <paramref name="points"/>.</summary>
    public SortedPoints(ReadOnlySpan<double> points)
    {
        var idx = new List<int>(points.Length);
        for (int i = 0; i < points.Length; i++)
        {
            if (!double.IsNaN(points[i])) idx.Add(i);
        }
        var values = points.ToArray();
        _index = [.. idx];
        Array.Sort(_index, (a, b) => values[a] != values[b] ? values[a].CompareTo(values[b]) : a.CompareTo(b));
        _keys = new double[_index.Length];
        for (int i = 0; i < _keys.Length; i++) _keys[i] = values[_index[i]];
    }

    /// <summary>The original index of the point nearest <paramref name="x"/>; -1 when there is none or x is NaN.</summary>
    public int Nearest(double x)
    {
        if (_keys.Length == 0 || double.IsNaN(x))
        {
            return -1;
        }
        int above = LowerBound(x);
        if (above == 0)
        {
            return _index[0];
        }
        // The first of the run of the largest value below x has that value's lowest index.
        int below = LowerBound(_keys[above - 1]);
        if (above == _keys.Length)
        {
            return _index[below];
        }
        double dAbove = _keys[above] - x, dBelow = x - _keys[below];
        if (dAbove < dBelow) return _index[above];
        if (dBelow < dAbove) return _index[below];
        return Math.Min(_index[above], _index[below]);
    }

    /// <summary>
    /// The original indices of the (up to) <paramref name="k"/> points nearest <paramref name="x"/>, into
    /// <paramref name="found"/> (cleared first); equal distances take the lower value first. Nothing for NaN.
    /// </summary>
    public void NearestK(double x, int k, List<int> found)
    {
        found.Clear();
        if (_keys.Length == 0 || double.IsNaN(x))
        {
            return;
        }
        int above = LowerBound(x), below = above - 1;
        while (found.Count < k && (below >= 0 || above < _keys.Length))
        {
            bool takeBelow = above >= _keys.Length || (below >= 0 && x - _keys[below] <= _keys[above] - x);
            found.Add(_index[takeBelow ? below-- : above++]);
        }
    }

    /// <summary>The first position whose key is ≥ <paramref name="x"/>.</summary>
    private int LowerBound(double x)
    {
        int lo = 0, hi = _keys.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_keys[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
