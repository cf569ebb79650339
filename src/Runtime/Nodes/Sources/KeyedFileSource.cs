using System.Text.Json.Nodes;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>The arrays of one file or store, by key (a Zarr array path, an HDF5 dataset path).</summary>
internal interface IKeyedArrays : IDisposable
{
    /// <summary>The array's shape, or null when the file has no array under <paramref name="key"/>.</summary>
    Task<int[]?> ShapeAsync(string key, CancellationToken ct);

    /// <summary>The array's dimension names (<c>_ARRAY_DIMENSIONS</c>), or null when it names none.</summary>
    Task<IReadOnlyList<string>?> DimensionNamesAsync(string key, CancellationToken ct);

    /// <summary>The window [start, start + count) of the array, row-major, as doubles.</summary>
    Task<double[]> ReadAsync(string key, int[] start, int[] count, CancellationToken ct);

    /// <summary>A text attribute of the array (e.g. CF <c>units</c>), or null.</summary>
    Task<string?> TextAttributeAsync(string key, string name, CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>
/// What PODPAC's file sources with keys (<c>FileKeysMixin</c>: Zarr, H5PY, Dataset) share: a data array and 1-D
/// coordinate arrays named by <c>lat_key</c> / <c>lon_key</c> / <c>time_key</c> / <c>alt_key</c>; like
/// <c>data.Array</c> the node returns its own points covering the request (widened outward, SEMANTICS §4), reading only
/// that window of the data array. The dims are the data array's <c>_ARRAY_DIMENSIONS</c>, else — PODPAC's rule — the
/// dims whose key names an array of the file, in the order of those key names. Cells equal to one of <c>nan_vals</c>
/// become <c>nan_val</c>.
/// </summary>
internal abstract class KeyedFileSource : Node
{
    private static readonly string[] DimNames = ["lat", "lon", "time", "alt"];

    protected KeyedFileSource(SourceUri uri, string dataKey, Dictionary<string, string> keyOfDim, double[] nanVals, double nanVal)
    {
        Uri = uri;
        DataKey = dataKey;
        KeyOfDim = keyOfDim;
        NanVals = nanVals;
        NanVal = nanVal;
    }

    protected SourceUri Uri { get; }

    protected string DataKey { get; }

    private Dictionary<string, string> KeyOfDim { get; }

    private double[] NanVals { get; }

    private double NanVal { get; }

    /// <summary>The CRS of the file's coordinates: the <c>crs</c> attr, PODPAC's default when null.</summary>
    internal string SourceCrs { get; init; } = CrsNames.Default;

    /// <summary>The attrs every keyed file source takes, with PODPAC's names and the given key defaults.</summary>
    protected static AttrSpec[] CommonAttrs(string dataKey, string lat, string lon, string time, string alt) =>
    [
        new AttrSpec("source", AttrType.String, required: true),
        new AttrSpec("data_key", AttrType.NullableString, JsonValue.Create(dataKey)),
        new AttrSpec("lat_key", AttrType.String, lat),
        new AttrSpec("lon_key", AttrType.String, lon),
        new AttrSpec("time_key", AttrType.String, time),
        new AttrSpec("alt_key", AttrType.String, alt),
        .. FileAttrs,
    ];

    /// <summary>The attrs every PODPAC file source takes besides its source and keys (<see cref="CheckFileAttrs"/> checks them).</summary>
    internal static AttrSpec[] FileAttrs =>
    [
        new AttrSpec("nan_vals", AttrType.NumberList, new JsonArray()),
        new AttrSpec("nan_val", AttrType.Number, JsonValue.Create(double.NaN)),
        new AttrSpec("cf_time", AttrType.Bool, JsonValue.Create(false)),
        new AttrSpec("cf_units", AttrType.NullableString),
        new AttrSpec("cf_calendar", AttrType.NullableString),
        new AttrSpec("crs", AttrType.NullableString),
        new AttrSpec("boundary", AttrType.Object, new JsonObject()),
        new AttrSpec("skip_validation", AttrType.Bool, JsonValue.Create(false)),
        new AttrSpec("file_mode", AttrType.String, "r"),
    ];

    /// <summary>Validates the common attrs; the source (a local path, <c>file://</c>, http(s) or S3 URL), data key and dim keys, or null after errors.</summary>
    protected static (SourceUri Uri, string DataKey, Dictionary<string, string> KeyOfDim)? BuildCommon(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var uri = ParseSource(ctx);
        string? dataKey = ctx.GetString("data_key");
        if (string.IsNullOrEmpty(dataKey))
        {
            ctx.Error("data_key", "must name the array to read");
        }
        CheckFileAttrs(ctx);
        var keyOfDim = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dim in DimNames)
        {
            keyOfDim[dim] = ctx.GetString(dim + "_key")!;
        }
        if (ctx.HasErrors)
        {
            return null;
        }
        // A file is declared as the path it resolved to (the access policy follows its links itself), a URL as written.
        ctx.DeclareSource("source", uri!.IsRemote ? ctx.GetString("source")! : uri.FilePath!);
        return (uri, dataKey!, keyOfDim);
    }

    /// <summary>The <c>source</c> attr as a file path or URL (normalised in the attrs, so it keys by its identity), or null after an error.</summary>
    internal static SourceUri? ParseSource(NodeBuildContext ctx)
    {
        try
        {
            var uri = SourceUri.Parse(ctx.GetString("source")!, ctx.BaseDirectory);
            ctx.Attrs["source"] = uri.Identity;
            return uri;
        }
        catch (FormatException ex)
        {
            ctx.Error("source", ex.Message);
            return null;
        }
    }

    /// <summary>The attrs every file source of PODPAC shares that PodCache takes only at their defaults, and the CRS and boundary.</summary>
    internal static void CheckFileAttrs(NodeBuildContext ctx)
    {
        CheckCrsAndBoundary(ctx);
        if (ctx.GetBool("cf_time"))
        {
            ctx.Error("cf_time", "must be false: decoding CF times is not supported yet");
        }
        if (ctx.GetString("file_mode") is not "r")
        {
            ctx.Error("file_mode", "must be 'r': sources are only read");
        }
    }

    /// <summary>
    /// PODPAC's <c>crs</c> and <c>boundary</c> attrs of a data source, as far as PodCache takes them: the CRS null or
    /// one PodCache can transform, the boundary empty.
    /// </summary>
    internal static void CheckCrsAndBoundary(NodeBuildContext ctx)
    {
        SourceRequest.CheckAttr(ctx);
        if (ctx.Attrs["boundary"] is JsonObject boundary && boundary.Count > 0)
        {
            ctx.Error("boundary", "must be empty ({}): per-dimension boundaries are not supported yet");
        }
    }

    /// <summary>
    /// PODPAC's <c>coordinate_index_type</c> for this source: <c>slice</c> for Zarr and H5PY, whose selected points
    /// become one slice before interpolation (<see cref="Interpolation.GridResampler.IndexTypeAttr"/>); null for
    /// numpy-like indexing (Dataset's xarray indexing picks points as data.Array does).
    /// </summary>
    protected virtual string? IndexType => Interpolation.GridResampler.SliceIndex;

    /// <summary>
    /// What PODPAC's output carries for interpolation, as data.Array's does: the whole file's bounds (nearest's
    /// <c>respect_bounds</c> on uneven points), its dims whose whole axis is uneven, and the index type. Bounds and
    /// index type only where the request is in the file's CRS.
    /// </summary>
    private Dictionary<string, string> OutputAttrs(Coordinates1D[] whole, string requestCrs)
    {
        var attrs = new Dictionary<string, string>();
        var uneven = Interpolation.GridResampler.UnevenDims(whole);
        if (uneven.Length > 0)
        {
            attrs[Interpolation.GridResampler.UnevenAttr] = string.Join(",", uneven);
        }
        if (!CoordinateTransform.Needed(SourceCrs, requestCrs) && whole.All(a => a.Size > 0))
        {
            attrs[Interpolation.StackedNearest.BoundsAttr] = Interpolation.StackedNearest.FormatBounds(whole);
            if (IndexType is { } indexType)
            {
                attrs[Interpolation.GridResampler.IndexTypeAttr] = indexType;
            }
        }
        return attrs;
    }

    /// <summary>Opens the file or store.</summary>
    /// <exception cref="NodeEvaluationException">There is no such file, or it is not of this format.</exception>
    protected abstract IKeyedArrays Open(NodeContext context);

    /// <summary>Opens the file or store, fetching what a remote one needs first; by default <see cref="Open"/>.</summary>
    /// <exception cref="NodeEvaluationException">There is no such file, or it is not of this format.</exception>
    protected virtual Task<IKeyedArrays> OpenAsync(NodeContext context) => Task.FromResult(Open(context));

    public override DataArray Evaluate(NodeContext context) => EvaluateAsync(context).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<DataArray> EvaluateAsync(NodeContext context)
    {
        var request = context.Request;
        var ct = context.CancellationToken;
        using var file = await OpenAsync(context).ConfigureAwait(false);
        try
        {
            var shape = await file.ShapeAsync(DataKey, ct).ConfigureAwait(false)
                ?? throw new NodeEvaluationException($"'{Uri.Display}' has no array '{DataKey}' (data_key)");
            var dims = await DimsAsync(file, ct).ConfigureAwait(false);
            foreach (var dim in dims)
            {
                if (!request.Contains(dim))
                {
                    throw new NodeEvaluationException(
                        $"the request has no '{dim}' dim, which '{DataKey}' has (request dims: {string.Join(", ", request.Dims)})");
                }
            }
            // As PODPAC's DataSource.eval: the request's other dims dropped, then transformed into the file's CRS.
            var local = SourceRequest.For(request.Select(request.Dims.Where(dims.Contains)), SourceCrs).Request;
            if (dims.Count != shape.Length)
            {
                throw new NodeEvaluationException(
                    $"'{DataKey}' has {shape.Length} dims, but '{Uri.Display}' has coordinates for {dims.Count} ({string.Join(", ", dims)})");
            }
            var axes = new Coordinates1D[dims.Count];
            var whole = new Coordinates1D[dims.Count];
            var selected = new int[dims.Count][];
            for (int d = 0; d < dims.Count; d++)
            {
                string dim = dims[d], key = KeyOfDim[dim];
                var coordShape = await file.ShapeAsync(key, ct).ConfigureAwait(false)
                    ?? throw new NodeEvaluationException($"'{Uri.Display}' has no coordinate array '{key}' ({dim}_key)");
                if (coordShape.Length != 1 || coordShape[0] != shape[d])
                {
                    throw new NodeEvaluationException(
                        $"the '{key}' coordinates have shape [{string.Join(", ", coordShape)}], not [{shape[d]}] as '{DataKey}' dim {d} ({dim})");
                }
                var axis = await AxisAsync(file, dim, key, await file.ReadAsync(key, [0], [coordShape[0]], ct).ConfigureAwait(false), ct)
                    .ConfigureAwait(false);
                whole[d] = axis;
                selected[d] = Selection.Outer(axis, local[dim]);
                axes[d] = axis.Select(selected[d]);
            }
            var outCoords = new Coordinates(axes, SourceCrs);
            var result = new double[outCoords.Size];
            if (result.Length > 0)
            {
                // The bounding window of the selected indices, read once; the selected cells gathered from it.
                var start = selected.Select(s => s.Min()).ToArray();
                var count = selected.Select((s, d) => s.Max() - start[d] + 1).ToArray();
                var window = await file.ReadAsync(DataKey, start, count, ct).ConfigureAwait(false);
                var inWindow = selected.Select((s, d) => s.Select(i => i - start[d]).ToArray()).ToArray();
                ArrayNode.Gather(window, DataArray.StridesOf(count), inWindow, result);
                ReplaceMissing(result);
            }
            return new DataArray(SourceRequest.Back(outCoords, request.Crs), result, OutputAttrs(whole, request.Crs)).TransposeToRequest(request);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
        {
            throw new NodeEvaluationException($"cannot read '{Uri.Display}': {ex.Message}", ex);
        }
    }

    /// <summary>The axis of <paramref name="dim"/> from the values of its coordinate array; numbers as they are by default.</summary>
    protected virtual Task<Coordinates1D> AxisAsync(IKeyedArrays file, string dim, string key, double[] values, CancellationToken ct) =>
        Task.FromResult<Coordinates1D>(new ArrayCoordinates1D(dim, values));

    private async Task<List<string>> DimsAsync(IKeyedArrays file, CancellationToken ct)
    {
        if (await file.DimensionNamesAsync(DataKey, ct).ConfigureAwait(false) is { } named)
        {
            var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (dim, key) in KeyOfDim)
            {
                byKey.TryAdd(key.TrimStart('/'), dim);
                byKey.TryAdd(dim, dim);
            }
            var dims = new List<string>();
            foreach (var n in named)
            {
                if (!byKey.TryGetValue(n.TrimStart('/'), out var dim))
                {
                    throw new NotSupportedException($"'{DataKey}' has the dimension '{n}', which is none of lat_key, lon_key, time_key, alt_key");
                }
                dims.Add(dim);
            }
            return dims;
        }
        var present = new List<(string Key, string Dim)>();
        foreach (var (dim, key) in KeyOfDim)
        {
            if (key.Length > 0 && key != DataKey && await file.ShapeAsync(key, ct).ConfigureAwait(false) is not null)
            {
                present.Add((key, dim));
            }
        }
        return [.. present.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Dim)];
    }

    private void ReplaceMissing(double[] values)
    {
        if (NanVals.Length == 0)
        {
            return;
        }
        foreach (ref var v in values.AsSpan())
        {
            if (!double.IsNaN(v) && Array.IndexOf(NanVals, v) >= 0)
            {
                v = NanVal;
            }
        }
    }
}
