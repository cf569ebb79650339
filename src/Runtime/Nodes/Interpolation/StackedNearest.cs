namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// Nearest-neighbour interpolation from stacked source points (a CSV file's rows) onto a request grid, as PODPAC's
/// NearestNeighbor interpolator does it with a KD-tree (SEMANTICS §10.2, case 035): for every request cell the point
/// nearest by Euclidean distance over the stacked dims the request has, in raw units; with <c>respect_bounds</c> (the
/// default) NaN where the cell lies outside the source's [min, max] in any of those dims — the whole file's bounds,
/// which the source output carries in <see cref="BoundsAttr"/> as PODPAC's carries <c>attrs["bounds"]</c>, else the
/// points' own.
/// </summary>
internal static class StackedNearest
{
    /// <summary>The output attr holding a source's whole bounds: JSON <c>{"lat": [min, max], ...}</c> in the source's CRS.</summary>
    public const string BoundsAttr = "bounds";

    /// <summary>The bounds of <paramref name="parts"/> as <see cref="BoundsAttr"/> holds them.</summary>
    public static string FormatBounds(IEnumerable<Coordinates1D> parts)
    {
        var o = new System.Text.Json.Nodes.JsonObject();
        foreach (var p in parts)
        {
            o[p.Name] = new System.Text.Json.Nodes.JsonArray(p.Min, p.Max);
        }
        return o.ToJsonString();
    }

    /// <summary>
    /// The output attr listing (comma-separated positions) the points PODPAC's selector would have handed its
    /// nearest-neighbour interpolator: the nearest point to each request cell in the source's CRS.
    /// </summary>
    public const string SelectorAttr = "nearest_rows";

    private static int[]? SelectorRows(DataArray source)
    {
        if (!source.Attrs.TryGetValue(SelectorAttr, out var text) || text.Length == 0)
        {
            return null;
        }
        var rows = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) || i >= source.Length)
            {
                return null;
            }
            rows.Add(i);
        }
        return rows.ToArray();
    }

    /// <summary>The bounds of <paramref name="dim"/> in <paramref name="source"/>'s <see cref="BoundsAttr"/>, if any.</summary>
    internal static (double Lo, double Hi)? Bound(DataArray source, string dim)
    {
        if (!source.Attrs.TryGetValue(BoundsAttr, out var text))
        {
            return null;
        }
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(text) is System.Text.Json.Nodes.JsonObject o && o[dim] is System.Text.Json.Nodes.JsonArray a
                && a.Count == 2 && Json.JsonNumbers.TryGetDouble(a[0], out var lo) && Json.JsonNumbers.TryGetDouble(a[1], out var hi))
            {
                return (lo, hi);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // not ours: the points' own bounds
        }
        return null;
    }

    public static DataArray Resample(DataArray source, StackedCoordinates1D stacked, Coordinates request, string method)
    {
        if (source.Rank != 1)
        {
            throw new NodeEvaluationException(
                $"the source output has the stacked dim '{stacked.Name}' and other dims ({string.Join(", ", source.Dims)}); only stacked points alone are interpolated");
        }
        if (method != "nearest")
        {
            throw new NodeEvaluationException(
                $"interpolation '{method}' needs gridded source coordinates, and the source's '{stacked.Name}' are scattered points; use 'nearest'");
        }
        var dims = request.Dims.Where(d => stacked.Part(d) is not null).ToArray();
        if (dims.Contains("time"))
        {
            throw new NodeEvaluationException($"nearest over stacked points with time ('{stacked.Name}') is not supported yet");
        }
        var outCoords = new Coordinates(request.Axes.Where(a => dims.Contains(a.Name)), request.Crs);
        if (dims.Length == 0 || source.Length == 0)
        {
            return DataArray.Filled(outCoords, double.NaN);
        }
        // The request as the points' CRS sees it: a grid, or paired lat/lon points (SourceRequest).
        var target = outCoords;
        bool paired = false;
        if (CoordinateTransform.Needed(source.Coordinates.Crs, request.Crs))
        {
            var t = Sources.SourceRequest.For(outCoords, source.Coordinates.Crs);
            target = t.Request;
            paired = t.Stacked;
        }
        int rank = dims.Length;
        var candidates = SelectorRows(source) is { } rows ? stacked.Select(rows) as StackedCoordinates1D ?? stacked : stacked;
        var map = SelectorRows(source) ?? Enumerable.Range(0, stacked.Size).ToArray();
        var src = dims.Select(d => ((StackedCoordinates1D)candidates).Part(d)!.Points.ToArray()).ToArray();
        var all = dims.Select(d => stacked.Part(d)!.Points.ToArray()).ToArray();
        var lo = dims.Select((d, k) => Bound(source, d) is { } b ? Math.Min(b.Lo, all[k].Min()) : all[k].Min()).ToArray();
        var hi = dims.Select((d, k) => Bound(source, d) is { } b ? Math.Max(b.Hi, all[k].Max()) : all[k].Max()).ToArray();
        // Points sorted along the first dim; a query walks out from its place while that dim alone could still be nearer.
        var order = Enumerable.Range(0, src[0].Length).OrderBy(i => src[0][i]).ThenBy(i => i).ToArray();
        var key = order.Select(i => src[0][i]).ToArray();
        var result = new double[outCoords.Size];
        var shape = outCoords.Shape;
        var idx = new int[rank];
        var q = new double[rank];
        int ilat = outCoords.IndexOf("lat"), ilon = outCoords.IndexOf("lon");
        for (int c = 0; c < result.Length; c++)
        {
            bool inside = true;
            for (int k = 0; k < rank; k++)
            {
                int at = paired && (k == ilat || k == ilon) ? Sources.SourceRequest.PointIndex(outCoords, idx[ilat], idx[ilon]) : idx[k];
                q[k] = target[dims[k]][at];
                inside &= q[k] >= lo[k] && q[k] <= hi[k];
            }
            result[c] = inside ? source.Data[map[Nearest(src, order, key, q)]] : double.NaN;
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
        return new DataArray(outCoords, result);
    }

    /// <summary>
    /// PODPAC's selector for stacked sources (<c>Selector._select_stacked</c>): the indices of the points nearest to
    /// each cell of <paramref name="grid"/> (its dims that <paramref name="points"/> has; paired lat/lon when
    /// <paramref name="paired"/>), in the points' CRS.
    /// </summary>
    public static HashSet<int> SelectNearest(StackedCoordinates1D points, Coordinates grid, bool paired)
    {
        var dims = grid.Dims.Where(d => points.Part(d) is not null).ToArray();
        var chosen = new HashSet<int>();
        if (dims.Length == 0 || points.Size == 0)
        {
            return chosen;
        }
        var src = dims.Select(d => AxisValues.Comparable(points.Part(d)!)).ToArray();
        var order = Enumerable.Range(0, src[0].Length).OrderBy(i => src[0][i]).ThenBy(i => i).ToArray();
        var key = order.Select(i => src[0][i]).ToArray();
        var axes = dims.Select(d => AxisValues.Comparable(grid[d])).ToArray();
        int ilat = Array.IndexOf(dims, "lat"), ilon = Array.IndexOf(dims, "lon");
        var cells = new Coordinates(dims.Select(d => grid[d]), grid.Crs);
        var shape = paired ? dims.Select(d => d is "lat" or "lon" ? grid[d].Size : grid[d].Size).ToArray() : cells.Shape;
        if (paired)
        {
            // Paired lat/lon hold one point per request cell: walk them once, with the other dims as a grid.
            int n = grid["lat"].Size;
            shape[ilat] = n;
            shape[ilon] = 1;
        }
        var idx = new int[dims.Length];
        var q = new double[dims.Length];
        long total = shape.Aggregate(1L, (a, b) => a * b);
        for (long c = 0; c < total; c++)
        {
            for (int k = 0; k < dims.Length; k++)
            {
                int at = paired && k == ilon ? idx[ilat] : idx[k];
                q[k] = axes[k][at];
            }
            chosen.Add(Nearest(src, order, key, q));
            for (int k = dims.Length - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
        return chosen;
    }

    /// <summary>The index of the point nearest <paramref name="q"/>; equal distances go to the lower index.</summary>
    private static int Nearest(double[][] src, int[] order, double[] key, double[] q)
    {
        int start = Array.BinarySearch(key, q[0]);
        if (start < 0) start = ~start;
        double best = double.PositiveInfinity;
        int bestIndex = -1;
        void Consider(int i)
        {
            double d = 0;
            for (int k = 0; k < q.Length; k++)
            {
                double e = src[k][i] - q[k];
                d += e * e;
            }
            if (d < best || (d == best && i < bestIndex))
            {
                best = d;
                bestIndex = i;
            }
        }
        for (int j = start; j < order.Length; j++)
        {
            double e = key[j] - q[0];
            if (e * e > best) break;
            Consider(order[j]);
        }
        for (int j = start - 1; j >= 0; j--)
        {
            double e = q[0] - key[j];
            if (e * e > best) break;
            Consider(order[j]);
        }
        return bestIndex;
    }
}
