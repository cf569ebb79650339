using PodCache.Cache.Keys;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Answers a request by slicing a cached result over a larger grid of the same NodeKey (PODPAC's "North America, then
/// California"). Only where that is correct: the node's whole subgraph is extent-independent, and every axis of both
/// grids is uniform with the same step, the request lying on the larger grid's lattice. Explicit axes are never
/// sliced — PODPAC grows them by their own end spacing under a Convolution, which a larger grid does not reproduce.
/// <para>
/// And only where the slice is bit for bit what a fresh computation returns: every node of the subgraph must be asked
/// (in the request's plan) for coordinate values that are bitwise a sub-grid of what it was asked for when the larger
/// result was computed (<see cref="TryMapExact"/>, checked over the whole subgraph by the plan). Aligned is not
/// enough: a uniform axis's points are <c>start + i·step</c>, so the same lattice point computed from another start
/// (a larger grid, or one grown by a Convolution) can differ by an ulp, and <c>CoordData == 77.4</c> would then flip.
/// </para>
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
        // Asked once per planned node: indexed, so no boxed enumerator.
        var axes = request.Axes;
        for (int i = 0; i < axes.Count; i++)
        {
            if (axes[i] is not UniformCoordinates1D || axes[i].Size <= 0)
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

    /// <summary>
    /// Per dim, the offset at which every point of <paramref name="request"/> is bitwise the point of
    /// <paramref name="candidate"/> (the same double, so a node that computes from coordinate values sees the same
    /// input); false when there is none, or the axes differ in kind (uniform or explicit), unit, dims or CRS.
    /// </summary>
    public static bool TryMapExact(Coordinates candidate, Coordinates request, out Dictionary<string, int> offsets)
    {
        offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        if (candidate.Rank != request.Rank || !CrsNames.AreEquivalent(candidate.Crs, request.Crs))
        {
            return false;
        }
        foreach (var r in request.Axes)
        {
            int ci = candidate.IndexOf(r.Name);
            if (ci < 0)
            {
                return false;
            }
            var c = candidate.Axes[ci];
            if (c.Unit != r.Unit || c.IsUniform != r.IsUniform || !TryFindExact(c, r, out int offset))
            {
                return false;
            }
            offsets[r.Name] = offset;
        }
        return true;
    }

    private static bool TryFindExact(Coordinates1D big, Coordinates1D small, out int offset)
    {
        offset = -1;
        if (small.Size == 0 || small.Size > big.Size)
        {
            return false;
        }
        var b = big.Points;
        var s = small.Points;
        long first = BitConverter.DoubleToInt64Bits(s[0]);
        int start = 0, end = b.Length - s.Length;
        if (big is UniformCoordinates1D u && u.Size > 1)
        {
            // A uniform axis is monotonic: only the index its step predicts (give or take one) can hold the point.
            double k = Math.Round((s[0] - u.Start) / u.Step);
            if (!(k >= -1 && k <= end + 1))
            {
                return false;
            }
            start = Math.Max(0, (int)k - 1);
            end = Math.Min(end, (int)k + 1);
        }
        for (int o = start; o <= end; o++)
        {
            if (BitConverter.DoubleToInt64Bits(b[o]) != first)
            {
                continue;
            }
            int i = 1;
            while (i < s.Length && BitConverter.DoubleToInt64Bits(b[o + i]) == BitConverter.DoubleToInt64Bits(s[i]))
            {
                i++;
            }
            if (i == s.Length)
            {
                offset = o;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The text a computed request is catalogued under: the exact axes (<see cref="Coordinates.ToExactJson"/>) in the
    /// key's number form, which <see cref="ReadCatalogForm"/> reads back to coordinates with the same key (negative zero
    /// and integral floats included).
    /// </summary>
    public static string CatalogForm(Coordinates request) => CanonicalJson.Serialize(request.ToExactJson());

    /// <summary>Reads <see cref="CatalogForm"/>; null when the text is not that form (an entry catalogued otherwise).</summary>
    public static Coordinates? ReadCatalogForm(string text)
    {
        try
        {
            return Coordinates.FromExactJson(Json.LenientJson.Parse(text, out _));
        }
        catch (Exception ex) when (ex is InvalidDataException or Json.LenientJson.SyntaxException)
        {
            return null;
        }
    }

    /// <summary>
    /// The part of <paramref name="big"/> covering <paramref name="request"/>, labelled with the request's axes; null
    /// when some axis of <paramref name="big"/> does not hold the request's points bitwise at the offsets (then the
    /// slice would not be what a fresh computation returns).
    /// </summary>
    public static DataArray? TrySlice(DataArray big, Coordinates request, IReadOnlyDictionary<string, int> offsets)
    {
        foreach (var a in big.Coordinates.Axes)
        {
            if (!request.Contains(a.Name) || !offsets.TryGetValue(a.Name, out int o))
            {
                return null;
            }
            var r = request[a.Name];
            if (o < 0 || o + r.Size > a.Size || r.IsUniform != a.IsUniform)
            {
                return null;
            }
            var bp = a.Points;
            var rp = r.Points;
            for (int i = 0; i < rp.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(bp[o + i]) != BitConverter.DoubleToInt64Bits(rp[i]))
                {
                    return null;
                }
            }
        }
        return Slice(big, request, offsets);
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
