using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PodCache.Runtime.Raster;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.Raster</c> (PODPAC aliases <c>data.Rasterio</c>, <c>core.data.rasterio_source.Rasterio</c>): one band of
/// a GeoTIFF file in EPSG:4326 on its own grid of pixel centres, lat (rows, descending for north-up images) by lon.
/// Like <c>data.Array</c> it does not interpolate: it returns the file's own points that cover the request
/// (SEMANTICS §4), decoding only the strips or tiles of that window.
/// <para>
/// <c>source</c> is a file path; a relative path is resolved against the process's current directory when the
/// pipeline is read (so <c>examples/data/terrain.tif</c> works when run from the repository root), and the resolved
/// absolute path is what the NodeKey hashes (with the version token), not the spelling.
/// Cells equal to the file's GDAL_NODATA value (cast to the sample type, as GDAL does) or to any of <c>nan_vals</c>
/// become <c>nan_val</c> (default NaN). The source version token is the file's length and modification time
/// (<c>version_token: "mtime"</c>) or the SHA-256 of its content (<c>"hash"</c>), so a rewritten file gets new keys.
/// </para>
/// </summary>
internal sealed class RasterNode : Node
{
    private const int HeaderBlock = 16 << 10;
    private const int MaxHeaderRounds = 32;

    private readonly string _source;
    private readonly SourceUri _uri;
    private readonly bool _anonymous;
    private readonly int _band;
    private readonly double[] _nanVals;
    private readonly double _nanVal;
    private readonly bool _hashToken;

    /// <summary>The <c>crs</c> attr: when given, the file's coordinates are taken to be in it (PODPAC's Rasterio).</summary>
    internal string? CrsOverride { get; init; }

    /// <summary>A local file's whole grid (null when unreadable), read from its header at the version token given.</summary>
    private sealed record NativeGrid(string Token, Coordinates? Coordinates);

    private volatile string? _preparedToken;
    private volatile NativeGrid? _native;

    /// <inheritdoc/>
    /// <remarks>
    /// Read from the header on first use after <see cref="PrepareNativeCoordinatesAsync"/>, so a pipeline without an
    /// Interpolate over this file never opens it to plan.
    /// </remarks>
    public override Coordinates? NativeCoordinates
    {
        get
        {
            if (_preparedToken is not { } token)
            {
                return null;
            }
            if (_native is { } known && known.Token == token)
            {
                return known.Coordinates;
            }
            var grid = new NativeGrid(token, ReadGrid());
            _native = grid;
            return grid.Coordinates;
        }
    }

    /// <summary>
    /// Notes the local file's version, whose header <see cref="NativeCoordinates"/> then reads (PODPAC's selector works
    /// on the whole file's coordinates). Remote files are not read before planning: their grid stays unknown to
    /// Interpolate (docs/interpolation.md).
    /// </summary>
    public override ValueTask PrepareNativeCoordinatesAsync(string? versionToken, SourceServices? sources, CancellationToken cancellationToken)
    {
        _preparedToken = _uri.IsRemote ? null : versionToken;
        return ValueTask.CompletedTask;
    }

    private Coordinates? ReadGrid()
    {
        try
        {
            Pipelines.InputFile.EnsureRegular(_source, "raster");
            using var stream = OpenShared(_source);
            using var reader = GeoTiffReader.Open(stream);
            var info = reader.Info;
            return new Coordinates([info.LatAxis(), info.LonAxis()], CrsOverride ?? info.Crs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException
                                       or ArgumentException or OutOfMemoryException)
        {
            // Evaluation reads the file again and reports what is wrong with it.
            return null;
        }
    }

    private RasterNode(SourceUri uri, bool anonymous, int band, double[] nanVals, double nanVal, bool hashToken)
    {
        _uri = uri;
        _anonymous = anonymous;
        _source = uri.FilePath ?? uri.Display;
        _band = band;
        _nanVals = nanVals;
        _nanVal = nanVal;
        _hashToken = hashToken;
    }

    public static NodeType Type { get; } = new(
        "data.Raster",
        ["data.Rasterio", "core.data.rasterio_source.Rasterio", "data.rasterio_source.Rasterio"],
        // 2: the output carries the whole file's bounds, and a local file's grid is known before planning (PODPAC's
        // selector reads from it), so nearest picks and breaks ties as PODPAC does.
        2,
        [
            new AttrSpec("source", AttrType.String, required: true),
            new AttrSpec("band", AttrType.Number, JsonValue.Create(1)),
            new AttrSpec("nan_vals", AttrType.NumberList, new JsonArray()),
            new AttrSpec("nan_val", AttrType.Number, JsonValue.Create(double.NaN)),
            new AttrSpec("version_token", AttrType.Choice, "mtime", choices: ["mtime", "hash"]),
            new AttrSpec("anon", AttrType.Bool, JsonValue.Create(false)),
            // PODPAC's other Rasterio attrs, as its pipelines serialise them: accepted where PodCache computes the same
            // thing, refused by name where it would not (SEMANTICS: data.Rasterio).
            new AttrSpec("aws_https", AttrType.Bool, JsonValue.Create(true)),
            new AttrSpec("crs", AttrType.NullableString),
            new AttrSpec("boundary", AttrType.Object, new JsonObject()),
            new AttrSpec("prefer_overviews", AttrType.Bool, JsonValue.Create(false)),
            new AttrSpec("prefer_overviews_closest", AttrType.Bool, JsonValue.Create(false)),
        ],
        InputSpec.None,
        extentDependent: true,
        Build);

    private static RasterNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string source = ctx.GetString("source")!;
        SourceUri? uri = null;
        try
        {
            // A file is its resolved path, not its spelling (a relative path is relative to the pipeline file's folder):
            // `./dem.tif`, `dem.tif` and the absolute path are one source. A URL is its identity: no credentials, no
            // signature parameters, so a re-signed URL keeps its keys. The NodeKey hashes this, so it replaces the
            // spelling in the attrs.
            uri = SourceUri.Parse(source, ctx.BaseDirectory);
            ctx.Attrs["source"] = uri.Identity;
        }
        catch (FormatException ex)
        {
            ctx.Error("source", ex.Message);
        }
        KeyedFileSource.CheckCrsAndBoundary(ctx);
        foreach (var overviews in (ReadOnlySpan<string>)["prefer_overviews", "prefer_overviews_closest"])
        {
            if (ctx.GetBool(overviews))
            {
                ctx.Error(overviews, "must be false: reading overviews is not supported yet (the full-resolution image would be read instead)");
            }
        }
        double band = ctx.GetDouble("band");
        if (!(band >= 1 && band <= ushort.MaxValue && Math.Floor(band) == band))
        {
            ctx.Error("band", $"must be a whole number from 1 (bands are numbered from 1), not {band}");
        }
        if (ctx.HasErrors)
        {
            return null;
        }
        // A file is declared as the path it resolved to (the access policy follows its links itself), a URL as written.
        ctx.DeclareSource("source", uri!.IsRemote ? source : uri.FilePath!);
        return new RasterNode(uri, ctx.GetBool("anon"), (int)band, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val"),
            ctx.GetString("version_token") == "hash") { CrsOverride = ctx.GetString("crs") };
    }

    /// <summary>
    /// <c>mtime:LENGTH:TICKS</c> (UTC last-write ticks) or <c>sha256:HEX</c>; <c>missing</c> when there is no such file
    /// (evaluation then fails naming the path), <c>unreadable</c> when it cannot be read.
    /// </summary>
    public override string? ResolveSourceVersion()
    {
        if (_uri.IsRemote)
        {
            // Remote versions are resolved asynchronously (ResolveSourceVersionAsync) before keys are computed; a key
            // computed without one must match nothing.
            return "unresolved";
        }
        try
        {
            var file = new FileInfo(_source);
            if (!file.Exists)
            {
                return "missing";
            }
            // A device or FIFO would never finish hashing (or block opening); evaluation reports it.
            Pipelines.InputFile.EnsureRegular(file.FullName, "raster");
            if (!_hashToken)
            {
                return $"mtime:{file.Length}:{file.LastWriteTimeUtc.Ticks}";
            }
            using var stream = OpenShared(file.FullName);
            return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (InvalidDataException)
        {
            return "not-a-regular-file";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return "unreadable";
        }
    }

    public override async ValueTask<string?> ResolveSourceVersionAsync(SourceServices? sources, CancellationToken cancellationToken)
    {
        if (!_uri.IsRemote)
        {
            return ResolveSourceVersion();
        }
        var services = sources ?? throw new NodeEvaluationException($"'{_uri.Display}' is remote, and this runner has no source services");
        return (await services.Versions.ResolveAsync(_uri, _anonymous, cancellationToken).ConfigureAwait(false)).Token;
    }

    public override ValueTask<DataArray> EvaluateAsync(NodeContext context) =>
        _uri.IsRemote ? new ValueTask<DataArray>(EvaluateRemoteAsync(context)) : ValueTask.FromResult(Evaluate(context));

    public override async ValueTask<SourceReadPlan?> PlanSourceReadAsync(Coordinates request, string? versionToken, SourceServices? sources,
        CancellationToken cancellationToken)
    {
        if (!_uri.IsRemote || sources?.Blocks is not { } blocks || versionToken is null || !CoversRequest(request))
        {
            return null;
        }
        var version = await sources.Versions.ForTokenAsync(_uri, _anonymous, versionToken, cancellationToken).ConfigureAwait(false);
        var io = sources.IO.Open(_uri, _anonymous);
        // Which tiles a request needs is in the header, so planning reads (and caches) the header; each header block is
        // counted as it was before the plan looked.
        int cached = 0, toFetch = 0;
        long cachedBytes = 0, toFetchBytes = 0;
        async Task Count(List<ByteRange> ranges)
        {
            var p = await blocks.ProbeAsync(_uri, version, ranges, cancellationToken).ConfigureAwait(false);
            (cached, cachedBytes, toFetch, toFetchBytes) = (cached + p.BlocksCached, cachedBytes + p.BytesCached, toFetch + p.BlocksToFetch,
                toFetchBytes + p.BytesToFetch);
        }
        var (reader, _, _) = await OpenRemoteAsync(io, version, sources, null, cancellationToken, Count).ConfigureAwait(false);
        using (reader)
        {
            var (row0, rows, col0, cols) = Window(reader.Info, request);
            var chunks = reader.ChunkRanges(_band, row0, rows, col0, cols).Select(c => new ByteRange(c.Offset, checked((int)c.Length))).ToList();
            await Count(chunks).ConfigureAwait(false);
            return new SourceReadPlan(_uri.Display, cached, cachedBytes, toFetch, toFetchBytes);
        }
    }

    private async Task<DataArray> EvaluateRemoteAsync(NodeContext context)
    {
        var request = context.Request;
        CheckRequest(request);
        var ct = context.CancellationToken;
        var services = context.Sources ?? throw new NodeEvaluationException($"'{_uri.Display}' is remote, and this runner has no source services");
        var version = context.SourceVersion is { } token
            ? await services.Versions.ForTokenAsync(_uri, _anonymous, token, ct).ConfigureAwait(false)
            : await services.Versions.ResolveAsync(_uri, _anonymous, ct).ConfigureAwait(false);
        return await ReadRemoteAsync(request, version, services, context.Activity, ct, withBounds: true).ConfigureAwait(false);
    }

    /// <summary>A raster that is one tile of a tile set (PODPAC's <c>TerrainTilesSourceRaw</c>): band 1, the file's nodata.</summary>
    internal static RasterNode Tile(SourceUri uri, bool anonymous) => new(uri, anonymous, 1, [], double.NaN, false);

    /// <summary>
    /// The file's points covering <paramref name="request"/> (which has lat and lon), read at <paramref name="version"/>
    /// through the block cache: the header, then only the tiles or strips the window touches.
    /// </summary>
    /// <exception cref="NodeEvaluationException">The file is not a GeoTIFF PodCache reads.</exception>
    internal async Task<DataArray> ReadRemoteAsync(Coordinates request, SourceVersion version, SourceServices services, SourceActivity? activity,
        CancellationToken ct, bool withBounds = false)
    {
        var io = services.IO.Open(_uri, _anonymous);
        GeoTiffReader? reader = null;
        try
        {
            SparseStream stream;
            (reader, stream, _) = await OpenRemoteAsync(io, version, services, activity, ct).ConfigureAwait(false);
            var info = reader.Info;
            if (_band > info.Bands)
            {
                throw new InvalidDataException($"band {_band} does not exist; the file has {info.Bands} band{(info.Bands == 1 ? "" : "s")}");
            }
            var (row0, rows, col0, cols) = Window(info, request);
            // Only the tiles (or strips) the window touches, fetched together: coalesced, bounded, through the block cache.
            var missing = reader.ChunkRanges(_band, row0, rows, col0, cols)
                .Where(c => !stream.Holds(c.Offset, c.Length))
                .Select(c => new ByteRange(c.Offset, checked((int)c.Length)))
                .ToList();
            await LoadAsync(io, version, services, activity, stream, missing, ct).ConfigureAwait(false);
            for (int round = 0; ; round++)
            {
                try
                {
                    return Read(reader, request, ct, withBounds);
                }
                catch (MissingRangeException ex) when (round < MaxHeaderRounds)
                {
                    // A byte outside every tile the header names (a codec table, say): fetch its block and decode again.
                    await LoadAsync(io, version, services, activity, stream, HeaderBlocks(ex.Offset, ex.Count, version.Length), ct)
                        .ConfigureAwait(false);
                }
            }
        }
        catch (MissingRangeException ex)
        {
            throw new NodeEvaluationException($"cannot read GeoTIFF '{_uri.Display}': it needs bytes at {ex.Offset} after {MaxHeaderRounds} fetches; corrupt", ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            throw new NodeEvaluationException($"cannot read GeoTIFF '{_uri.Display}': {ex.Message}", ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw new NodeEvaluationException($"cannot read GeoTIFF '{_uri.Display}': it needs more memory than is available", ex);
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>
    /// Opens the remote image from its header: the first 16 KiB block, then whichever 16 KiB-aligned blocks LibTiff
    /// turns out to need (directories and tag arrays past the first block), each through the block cache.
    /// </summary>
    private async Task<(GeoTiffReader Reader, SparseStream Stream, List<ByteRange> Header)> OpenRemoteAsync(IByteSource io, SourceVersion version,
        SourceServices services, SourceActivity? activity, CancellationToken ct, Func<List<ByteRange>, Task>? beforeLoad = null)
    {
        var stream = new SparseStream(version.Length);
        var header = HeaderBlocks(0, HeaderBlock, version.Length);
        if (beforeLoad is not null)
        {
            await beforeLoad(header).ConfigureAwait(false);
        }
        await LoadAsync(io, version, services, activity, stream, header, ct).ConfigureAwait(false);
        for (int round = 0; ; round++)
        {
            try
            {
                return (GeoTiffReader.Open(stream), stream, header);
            }
            catch (MissingRangeException ex) when (round < MaxHeaderRounds)
            {
                var more = HeaderBlocks(ex.Offset, ex.Count, version.Length);
                header.AddRange(more);
                if (beforeLoad is not null)
                {
                    await beforeLoad(more).ConfigureAwait(false);
                }
                await LoadAsync(io, version, services, activity, stream, more, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task LoadAsync(IByteSource io, SourceVersion version, SourceServices services, SourceActivity? activity, SparseStream stream,
        List<ByteRange> ranges, CancellationToken ct)
    {
        if (ranges.Count == 0)
        {
            return;
        }
        ReadOnlyMemory<byte>[] bytes;
        if (services.Blocks is { } blocks)
        {
            bytes = await blocks.ReadAsync(io, version, ranges, activity, ct).ConfigureAwait(false);
        }
        else
        {
            bytes = new ReadOnlyMemory<byte>[ranges.Count];
            for (int i = 0; i < ranges.Count; i++)
            {
                var buffer = new byte[ranges[i].Length];
                await io.ReadAsync(ranges[i].Offset, buffer, version, ct).ConfigureAwait(false);
                activity?.For(io.Uri).AddFetched(1, buffer.Length);
                bytes[i] = buffer;
            }
        }
        for (int i = 0; i < ranges.Count; i++)
        {
            stream.Add(ranges[i].Offset, bytes[i]);
        }
    }

    /// <summary>The 16 KiB-aligned blocks covering [offset, offset + count), clipped to the object.</summary>
    private static List<ByteRange> HeaderBlocks(long offset, long count, long length)
    {
        var blocks = new List<ByteRange>();
        long first = offset / HeaderBlock, last = Math.Max(offset, offset + count - 1) / HeaderBlock;
        for (long b = first; b <= last && b * HeaderBlock < length; b++)
        {
            long start = b * HeaderBlock;
            blocks.Add(new ByteRange(start, (int)Math.Min(HeaderBlock, length - start)));
        }
        return blocks;
    }

    private static bool CoversRequest(Coordinates request) =>
        request.Contains("lat") && request.Contains("lon");

    private static void CheckRequest(Coordinates request)
    {
        foreach (var dim in (ReadOnlySpan<string>)["lat", "lon"])
        {
            if (!request.Contains(dim))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{dim}' dim, which the raster has (request dims: {string.Join(", ", request.Dims)})");
            }
        }
    }

    public override DataArray Evaluate(NodeContext context)
    {
        if (_uri.IsRemote)
        {
            return EvaluateRemoteAsync(context).GetAwaiter().GetResult();
        }
        var request = context.Request;
        CheckRequest(request);
        string path = _source;
        FileStream stream;
        try
        {
            Pipelines.InputFile.EnsureRegular(path, "raster");
            stream = OpenShared(path);
        }
        catch (InvalidDataException ex)
        {
            throw new NodeEvaluationException(ex.Message);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NodeEvaluationException($"raster file not found: '{path}'" + (Directory.Exists(path) ? " (it is a directory)" : ""));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeEvaluationException($"cannot open raster file '{path}': {ex.Message}");
        }
        using (stream)
        {
            try
            {
                using var reader = GeoTiffReader.Open(stream);
                return Read(reader, request, context.CancellationToken, withBounds: true);
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
            {
                throw new NodeEvaluationException($"cannot read GeoTIFF '{path}': {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is OutOfMemoryException)
            {
                throw new NodeEvaluationException($"cannot read GeoTIFF '{path}': it needs more memory than is available", ex);
            }
        }
    }

    // withBounds: whether the output carries the whole file's bounds as PODPAC's DataSource output does (nearest's
    // respect_bounds reads them); not for one tile of a tile set, whose bounds are not the source's.
    private DataArray Read(GeoTiffReader reader, Coordinates request, CancellationToken ct, bool withBounds)
    {
        var info = reader.Info;
        if (_band > info.Bands)
        {
            throw new InvalidDataException($"band {_band} does not exist; the file has {info.Bands} band{(info.Bands == 1 ? "" : "s")}");
        }
        var (row0, rows, col0, cols) = Window(info, request);
        var values = reader.ReadWindow(_band, row0, rows, col0, cols, ct);
        ReplaceMissing(values, info.NoDataSample);
        // QUIRK (SEMANTICS §15): PODPAC's Rasterio does not transform its output back to the request's CRS; its points
        // stay in the file's CRS (Interpolate transforms the request instead).
        string fileCrs = CrsOverride ?? info.Crs;
        string crs = CoordinateTransform.Needed(fileCrs, request.Crs) ? fileCrs : request.Crs;
        var coords = new Coordinates([info.LatAxis().Slice(row0, rows), info.LonAxis().Slice(col0, cols)], crs);
        var attrs = withBounds && !CoordinateTransform.Needed(fileCrs, request.Crs)
            ? new Dictionary<string, string>
            {
                [Interpolation.StackedNearest.BoundsAttr] = Interpolation.StackedNearest.FormatBounds([info.LatAxis(), info.LonAxis()]),
                // PODPAC's Rasterio indexes by slice unless prefer_overviews, which PodCache does not take.
                [Interpolation.GridResampler.IndexTypeAttr] = Interpolation.GridResampler.SliceIndex,
            }
            : null;
        return new DataArray(coords, values, attrs).TransposeToRequest(request);
    }

    /// <summary>The file's rows and columns that cover the request (SEMANTICS §4).</summary>
    private (int Row0, int Rows, int Col0, int Cols) Window(GeoTiffInfo info, Coordinates request)
    {
        var local = SourceRequest.For(request.Select(request.Dims.Where(d => d is "lat" or "lon")), CrsOverride ?? info.Crs).Request;
        var rows = Selection.Outer(info.LatAxis(), local["lat"]);
        var cols = Selection.Outer(info.LonAxis(), local["lon"]);
        return (rows.Length > 0 ? rows[0] : 0, rows.Length, cols.Length > 0 ? cols[0] : 0, cols.Length);
    }

    /// <summary>
    /// PODPAC: <c>data[isin(data, nan_vals)] = nan_val</c>, with the file's nodata among the nan_vals (a NaN cell is
    /// never "in" them).
    /// </summary>
    private void ReplaceMissing(double[] values, double? noData)
    {
        if (_nanVals.Length == 0 && noData is null)
        {
            return;
        }
        double nd = noData ?? double.NaN;
        var nanVals = _nanVals;
        double nanVal = _nanVal;
        foreach (ref var v in values.AsSpan())
        {
            if (v == nd || (nanVals.Length > 0 && !double.IsNaN(v) && Array.IndexOf(nanVals, v) >= 0))
            {
                v = nanVal;
            }
        }
    }

    private static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.RandomAccess);
}
