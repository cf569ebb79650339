namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// xarray-style alignment: inputs are broadcast by coordinate label with an outer join. The output has the union of
/// dims (request dims first, in request order) and, per dim, the union of labels; cells an input lacks are NaN.
/// </summary>
internal static class Alignment
{
    /// <summary>The output coordinates of aligning <paramref name="inputs"/> for <paramref name="request"/>.</summary>
    public static Coordinates OutputCoordinates(IReadOnlyList<DataArray> inputs, Coordinates request)
    {
        if (SharedLayout(inputs, request) is { } shared)
        {
            return shared;
        }
        var dims = new List<string>();
        foreach (var d in request.Dims)
        {
            if (inputs.Any(a => a.Coordinates.Contains(d))) dims.Add(d);
        }
        foreach (var a in inputs)
        {
            // Indexed: a wide fan-in would box an enumerator per input.
            var inputDims = a.Dims;
            for (int i = 0; i < inputDims.Count; i++)
            {
                if (!dims.Contains(inputDims[i])) dims.Add(inputDims[i]);
            }
        }
        var axes = new List<Coordinates1D>(dims.Count);
        foreach (var d in dims)
        {
            Coordinates1D? first = null;
            bool allEqual = true;
            foreach (var a in inputs)
            {
                if (!a.Coordinates.Contains(d)) continue;
                var axis = a.Coordinates[d];
                if (first is null) first = axis;
                else if (!SamePoints(first, axis)) allEqual = false;
            }
            axes.Add(allEqual ? first! : Union(inputs.Where(a => a.Coordinates.Contains(d)).Select(a => a.Coordinates[d]).ToList()));
        }
        return new Coordinates(axes, request.Crs);
    }

    /// <summary>
    /// The inputs' coordinates when they all share one object whose CRS is the request's and whose dims are already in
    /// output order (the request's dims first, in its order): the general path would rebuild exactly that. Else null.
    /// </summary>
    private static Coordinates? SharedLayout(IReadOnlyList<DataArray> inputs, Coordinates request)
    {
        if (inputs.Count == 0)
        {
            return null;
        }
        var c = inputs[0].Coordinates;
        for (int i = 1; i < inputs.Count; i++)
        {
            if (!ReferenceEquals(inputs[i].Coordinates, c))
            {
                return null;
            }
        }
        if (c.Crs != request.Crs)
        {
            return null;
        }
        var dims = c.Dims;
        int k = 0;
        foreach (var d in request.Dims)
        {
            if (c.Contains(d))
            {
                if (dims[k] != d)
                {
                    return null;
                }
                k++;
            }
        }
        return c;
    }

    private static bool SamePoints(Coordinates1D a, Coordinates1D b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Size != b.Size || a.IsTime != b.IsTime) return false;
        if (a.Unit == b.Unit) return a.Points.SequenceEqual(b.Points);
        var pa = AxisValues.Comparable(a);
        var pb = AxisValues.Comparable(b);
        return pa.AsSpan().SequenceEqual(pb);
    }

    /// <summary>Sorted union of labels (pandas' Index.union).</summary>
    private static Coordinates1D Union(List<Coordinates1D> axes)
    {
        foreach (var a in axes.Skip(1)) AxisValues.CheckCompatible(axes[0], a);
        if (axes[0].IsTime)
        {
            var unit = axes.Select(a => a.Unit!.Value).Aggregate(TimeUnits.Finer);
            var set = new SortedSet<double>();
            foreach (var a in axes)
            {
                foreach (var p in a.Points) set.Add(TimeUnits.FromTicks(TimeUnits.ToTicks(p, a.Unit!.Value), unit));
            }
            return new ArrayCoordinates1D(axes[0].Name, set.ToArray(), unit);
        }
        var s = new SortedSet<double>();
        foreach (var a in axes)
        {
            foreach (var p in a.Points) s.Add(p);
        }
        return new ArrayCoordinates1D(axes[0].Name, s.ToArray());
    }

    /// <summary>
    /// <paramref name="input"/> laid out on <paramref name="output"/>'s grid: dims it lacks are broadcast, labels it lacks
    /// are NaN. Returns the input's own buffer when it already has exactly that layout.
    /// </summary>
    public static double[] Broadcast(DataArray input, Coordinates output)
    {
        var inCoords = input.Coordinates;
        if (inCoords.Rank == output.Rank)
        {
            bool same = true;
            for (int d = 0; d < output.Rank && same; d++)
            {
                same = inCoords.Axes[d].Name == output.Axes[d].Name && SamePoints(inCoords.Axes[d], output.Axes[d]);
            }
            if (same) return input.Data;
        }
        var outShape = output.Shape;
        var inStrides = DataArray.StridesOf(inCoords.Shape);
        // For each output dim: the input's element offset per output index (-1: label missing), or all 0 when the
        // input lacks the dim (broadcast).
        var maps = new long[output.Rank][];
        for (int d = 0; d < output.Rank; d++)
        {
            var outAxis = output.Axes[d];
            var map = new long[outAxis.Size];
            int k = inCoords.IndexOf(outAxis.Name);
            if (k >= 0)
            {
                var inAxis = inCoords.Axes[k];
                var lookup = new Dictionary<double, int>();
                var inPts = AxisValues.Comparable(inAxis);
                for (int i = 0; i < inPts.Length; i++) lookup.TryAdd(inPts[i], i);
                var outPts = AxisValues.Comparable(outAxis);
                for (int i = 0; i < map.Length; i++)
                {
                    map[i] = lookup.TryGetValue(outPts[i], out var j) ? j * inStrides[k] : -1;
                }
            }
            maps[d] = map;
        }
        var src = input.Data;
        var dst = GC.AllocateUninitializedArray<double>(checked((int)output.Size));
        if (dst.Length == 0) return dst;
        if (output.Rank == 0)
        {
            dst[0] = src[0];
            return dst;
        }
        var idx = new int[output.Rank];
        int last = output.Rank - 1;
        var innerMap = maps[last];
        int pos = 0;
        while (true)
        {
            long off = 0;
            bool missing = false;
            for (int i = 0; i < last; i++)
            {
                long m = maps[i][idx[i]];
                if (m < 0) { missing = true; break; }
                off += m;
            }
            if (missing)
            {
                dst.AsSpan(pos, innerMap.Length).Fill(double.NaN);
                pos += innerMap.Length;
            }
            else
            {
                for (int j = 0; j < innerMap.Length; j++)
                {
                    long m = innerMap[j];
                    dst[pos++] = m < 0 ? double.NaN : src[off + m];
                }
            }
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < outShape[k]) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
        return dst;
    }
}
