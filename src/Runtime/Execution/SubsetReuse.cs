using PodCache.Cache.Keys;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Answers a request by slicing a cached result over a larger grid of the same NodeKey (PODPAC's "North America, then
/// California"). Only where that is correct: the node's whole subgraph is extent-independent, and every axis of both
/// grids is uniform with the same step, the request lying on the larger grid's lattice. Explicit axes are never
/// sliced — PODPAC grows them by their own end spacing under a Convolution, which a larger grid does not reproduce.
/// </summary>
internal static class SubsetReuse
{
    private const double Tolerance = 1e-9;

    /// <summary>A cached superset found for a request.</summary>
    public sealed record Source(Key ResultKey, Coordinates Coordinates, IReadOnlyDictionary<string, int> Offsets);

    public static bool IsEligible(Coordinates request)
    {
        if (request.Rank == 0)
        {
            return false;
        }
        foreach (var a in request.Axes)
        {
            if (a is not UniformCoordinates1D || a.Size <= 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Index offsets of <paramref name="request"/> inside <paramref name="candidate"/> per dim, or false when the request
    /// is not an aligned sub-grid at the same resolution.
    /// </summary>
    public static bool TryMap(Coordinates candidate, Coordinates request, out Dictionary<string, int> offsets)
    {
        offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        if (candidate.Rank != request.Rank || !CrsNames.AreEquivalent(candidate.Crs, request.Crs))
        {
            return false;
        }
        foreach (var r in request.Axes)
        {
            if (!candidate.Contains(r.Name) || candidate[r.Name] is not UniformCoordinates1D c || r is not UniformCoordinates1D q
                || c.Unit != q.Unit)
            {
                return false;
            }
            double step = c.Step;
            if (Math.Abs(q.Step - step) > Tolerance * Math.Abs(step))
            {
                return false;
            }
            double k = (q.Start - c.Start) / step;
            double rounded = Math.Round(k);
            if (Math.Abs(k - rounded) > 1e-6 || rounded < 0 || rounded + q.Size > c.Size)
            {
                return false;
            }
            offsets[r.Name] = (int)rounded;
        }
        return true;
    }

    /// <summary>The part of <paramref name="big"/> covering <paramref name="request"/>, labelled with the request's axes.</summary>
    public static DataArray Slice(DataArray big, Coordinates request, IReadOnlyDictionary<string, int> offsets)
    {
        var axes = big.Coordinates.Axes.Select(a => request[a.Name]).ToArray();
        var outCoords = new Coordinates(axes, request.Crs);
        var shape = outCoords.Shape;
        var bigShape = big.Shape;
        var strides = DataArray.StridesOf(bigShape);
        var dst = GC.AllocateUninitializedArray<double>(checked((int)outCoords.Size));
        if (dst.Length == 0)
        {
            return new DataArray(outCoords, dst, big.Attrs);
        }
        if (shape.Length == 0)
        {
            dst[0] = big.Values[0];
            return new DataArray(outCoords, dst, big.Attrs);
        }
        var start = big.Coordinates.Axes.Select(a => offsets[a.Name]).ToArray();
        int rank = shape.Length, last = rank - 1;
        var idx = new int[rank];
        var src = big.Values;
        int pos = 0;
        while (true)
        {
            long off = 0;
            for (int i = 0; i < rank; i++) off += (start[i] + (i == last ? 0 : idx[i])) * strides[i];
            src.Slice((int)off, shape[last]).CopyTo(dst.AsSpan(pos, shape[last]));
            pos += shape[last];
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
        return new DataArray(outCoords, dst, big.Attrs);
    }
}
