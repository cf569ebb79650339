using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes.Interpolation;
using PodCache.Runtime.Nodes.Sources;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Datalib;

/// <summary>
/// <c>datalib.terraintiles.TerrainTiles</c> and <c>TerrainTilesComposite</c>: the AWS Open Data elevation tiles
/// (GeoTIFFs in EPSG:3857 at <c>s3://BUCKET/geotiff/Z/X/Y.tif</c>) that a request touches, read through the block
/// cache and merged as PODPAC's <c>TileCompositorRaw</c> does (by label: the union of the tiles' points, the first tile
/// that has a value wins). TerrainTiles then interpolates the mosaic to the request (<c>interpolation</c>, default
/// nearest), as PODPAC's <c>InterpolationMixin</c> does; TerrainTilesComposite returns the mosaic on the tiles' own
/// points. The zoom is <see cref="AutoZoom"/>'s when <c>zoom</c> is -1.
/// </summary>
/// <remarks>
/// Which tiles are read depends on the request, so the node's version token is resolved per run from the tiles its
/// requests touch (<see cref="Node.SourceVersionDependsOnRequest"/>): a re-published tile means new keys downstream,
/// unchanged tiles mean hits. The per-tile versions of a token are remembered so the reads ask for exactly the bytes
/// the key was computed with.
/// </remarks>
internal sealed class TerrainTilesNode : Node
{
    /// <summary>The most tiles one evaluation reads; more means the zoom is far too fine for the request.</summary>
    internal const int MaxTiles = 256;

    /// <summary>The tile formats PODPAC names; only geotiff holds elevations PODPAC (and PodCache) evaluates.</summary>
    private static readonly string[] Formats = ["geotiff", "terrarium", "normal"];

    /// <summary>
    /// PODPAC's <c>ZOOM_SIZES</c>: metres per pixel at each zoom, as PODPAC lists them. The first entry is not the
    /// zoom-0 size (that is 78,271.5) but PODPAC's value, kept because <see cref="AutoZoom"/> follows PODPAC's rule.
    /// </summary>
    internal static readonly double[] ZoomSizes =
    [
        8271.5169531233, 39135.75848200978, 19567.87924100587, 9783.939620502935, 4891.969810250487, 2445.9849051252454,
        1222.9924525636013, 611.4962262818025, 305.7481131408976, 152.8740565714275, 76.43702828571375, 38.218514142856876,
        19.109257072407146, 9.554628536203573, 4.777314268103609,
    ];

    internal const int MaxZoom = 14;

    private readonly string _bucket;
    private readonly int _zoom;
    private readonly InterpolationDefinition? _interpolation;

    /// <summary>Per version token handed out, the token of each tile it covers (a bounded memo; see the remarks).</summary>
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _tileTokens = new(StringComparer.Ordinal);

    private TerrainTilesNode(string bucket, int zoom, InterpolationDefinition? interpolation)
    {
        _bucket = bucket;
        _zoom = zoom;
        _interpolation = interpolation;
    }

    public static NodeType Type { get; } = Define("TerrainTiles", interpolates: true);

    public static NodeType CompositeType { get; } = Define("TerrainTilesComposite", interpolates: false);

    private static NodeType Define(string cls, bool interpolates)
    {
        List<AttrSpec> attrs =
        [
            new AttrSpec("zoom", AttrType.Number, JsonValue.Create(-1)),
            new AttrSpec("tile_format", AttrType.Choice, "geotiff", choices: Formats),
            new AttrSpec("bucket", AttrType.String, "elevation-tiles-prod"),
            // PODPAC serialises it; nothing reads it there either (the tiles come from the request).
            new AttrSpec("urls", AttrType.StringList, new JsonArray()),
            new AttrSpec("anon", AttrType.Bool, JsonValue.Create(true)),
        ];
        if (interpolates)
        {
            attrs.Add(InterpolationDefinition.Attr());
        }
        return new NodeType(
            $"datalib.terraintiles.{cls}",
            DatalibNames.Aliases("terraintiles", cls),
            1,
            [.. attrs],
            InputSpec.None,
            // The zoom, so the tiles, follow the request's step; a sub-grid can read other tiles.
            extentDependent: true,
            ctx => Build(ctx, interpolates));
    }

    private static TerrainTilesNode? Build(NodeBuildContext ctx, bool interpolates)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        double zoom = ctx.GetDouble("zoom");
        if (!(zoom == -1 || (zoom >= 0 && zoom <= MaxZoom && Math.Floor(zoom) == zoom)))
        {
            ctx.Error("zoom", $"must be -1 (chosen from the request's step) or a whole zoom level from 0 to {MaxZoom}, not {zoom}");
        }
        string format = ctx.GetString("tile_format")!;
        if (format != "geotiff")
        {
            ctx.Error("tile_format", $"'{format}' tiles are PNG-encoded and cannot be evaluated (PODPAC evaluates only 'geotiff' tiles too)");
        }
        string bucket = ctx.GetString("bucket")!;
        if (!IsBucketName(bucket))
        {
            ctx.Error("bucket", $"'{bucket}' is not an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-')");
        }
        var interpolation = interpolates ? InterpolationDefinition.Parse(ctx) : null;
        if (ctx.HasErrors)
        {
            return null;
        }
        ctx.DeclareSource("bucket", $"s3://{bucket}/geotiff/");
        return new TerrainTilesNode(bucket, (int)zoom, interpolation) { Anonymous = ctx.GetBool("anon") };
    }

    private bool Anonymous { get; init; }

    private static bool IsBucketName(string s) =>
        s.Length is >= 3 and <= 63 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);

    /// <summary>
    /// PODPAC's <c>_zoom</c>: <paramref name="zoom"/> when it is not -1; else, from the request in EPSG:3857, half the
    /// smallest lat/lon step (a uniform axis's step, else its smallest gap; single points and paired points give none)
    /// and the first zoom whose size is below it — the last zoom when none is, or when there is no step.
    /// </summary>
    internal static int AutoZoom(Coordinates request, int zoom)
    {
        if (zoom >= 0)
        {
            return zoom;
        }
        var latlon = LatLon(request);
        Coordinates mercator;
        try
        {
            mercator = CoordinateTransform.Needed(latlon.Crs, "EPSG:3857") ? CoordinateTransform.Transform(latlon, "EPSG:3857") : latlon;
        }
        catch (CrsTransformException)
        {
            // Not a grid in EPSG:3857: PODPAC's transform stacks lat and lon, which its step loop skips.
            return MaxZoom;
        }
        double step = double.PositiveInfinity;
        foreach (var axis in mercator.Axes)
        {
            if (axis.Size < 2)
            {
                continue;
            }
            if (axis is UniformCoordinates1D u)
            {
                step = Math.Min(step, Math.Abs(u.Step));
                continue;
            }
            var p = axis.Points;
            for (int i = 1; i < p.Length; i++)
            {
                step = Math.Min(step, Math.Abs(p[i] - p[i - 1]));
            }
        }
        if (double.IsPositiveInfinity(step))
        {
            return MaxZoom;
        }
        step /= 2;
        int z = 0;
        for (; z < ZoomSizes.Length; z++)
        {
            if (ZoomSizes[z] < step)
            {
                break;
            }
        }
        return Math.Min(z, MaxZoom);
    }

    /// <summary>
    /// PODPAC's <c>_get_tile_tuples</c>: the (x, y) tiles at <paramref name="zoom"/> that the request touches, y-major.
    /// A grid takes every tile of its EPSG:4326 bounding box (the extreme points, not cell edges); a request that is
    /// not a grid in EPSG:4326 takes each point's tile once. Tile numbers are clamped to the zoom's range, where PODPAC
    /// would ask for tiles that do not exist (beyond ±85.05° latitude).
    /// </summary>
    internal static List<(int X, int Y)> Tiles(Coordinates request, int zoom)
    {
        var latlon = LatLon(request);
        var wgs = SourceRequest.For(latlon, "EPSG:4326");
        var lat = wgs.Request["lat"];
        var lon = wgs.Request["lon"];
        var tiles = new List<(int, int)>();
        if (lat.Size == 0 || lon.Size == 0)
        {
            return tiles;
        }
        if (wgs.Stacked)
        {
            var seen = new HashSet<(int, int)>();
            for (int i = 0; i < lat.Size; i++)
            {
                var t = TileOf(lat[i], lon[i], zoom);
                if (seen.Add(t))
                {
                    tiles.Add(t);
                    if (tiles.Count > MaxTiles)
                    {
                        throw TooMany($"more than {MaxTiles:N0}", zoom);
                    }
                }
            }
            return tiles;
        }
        var (xmin, ymin) = TileOf(lat.Max, lon.Min, zoom);
        var (xmax, ymax) = TileOf(lat.Min, lon.Max, zoom);
        long count = (long)(xmax - xmin + 1) * (ymax - ymin + 1);
        if (count > MaxTiles)
        {
            throw TooMany($"{count:N0}", zoom);
        }
        for (int y = ymin; y <= ymax; y++)
        {
            for (int x = xmin; x <= xmax; x++)
            {
                tiles.Add((x, y));
            }
        }
        return tiles;
    }

    private static NodeEvaluationException TooMany(string count, int zoom) => new(
        $"the request touches {count} elevation tiles at zoom {zoom}; at most {MaxTiles} are read per request: use a lower zoom, or zoom -1 to choose it from the request's step");

    /// <summary>PODPAC's <c>_mercator</c> then <c>_mercator_to_tilespace</c>, its 1e-32 and truncation included.</summary>
    internal static (int X, int Y) TileOf(double lat, double lon, int zoom)
    {
        double xm = lon * Math.PI / 180;
        double ym = Math.Log(Math.Tan(0.25 * Math.PI + 0.5 * (lat * Math.PI / 180)) + 1e-32);
        double n = Math.Pow(2, zoom);
        int last = (int)n - 1;
        double x = n * (xm + Math.PI) / (2 * Math.PI);
        double y = n * (Math.PI - ym) / (2 * Math.PI);
        // Python's int() truncates toward zero.
        return (Clamp(x, last), Clamp(y, last));
    }

    private static int Clamp(double v, int last) => double.IsNaN(v) ? 0 : (int)Math.Clamp(Math.Truncate(v), 0, last);

    private static Coordinates LatLon(Coordinates request)
    {
        foreach (var dim in (ReadOnlySpan<string>)["lat", "lon"])
        {
            if (!request.Contains(dim))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{dim}' dim, which elevation tiles have (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        if (request.Axes.Any(a => a is StackedCoordinates1D))
        {
            throw new NodeEvaluationException("elevation tiles cannot be evaluated at stacked (point) coordinates yet; request a lat/lon grid");
        }
        return request.Select(request.Dims.Where(d => d is "lat" or "lon"));
    }

    private SourceUri TileUri(int zoom, (int X, int Y) tile) => SourceUri.Parse($"s3://{_bucket}/geotiff/{zoom}/{tile.X}/{tile.Y}.tif");

    private List<SourceUri> TileUris(Coordinates request)
    {
        int zoom = AutoZoom(request, _zoom);
        return Tiles(request, zoom).Select(t => TileUri(zoom, t)).ToList();
    }

    public override bool SourceVersionDependsOnRequest => true;

    /// <summary>Without the run's requests no tile set is known: a key computed so matches nothing.</summary>
    public override string? ResolveSourceVersion() => "unresolved";

    public override async ValueTask<string?> ResolveRequestSourceVersionAsync(IReadOnlyList<Coordinates> requests, SourceServices? sources,
        CancellationToken cancellationToken)
    {
        var services = sources ?? throw new NodeEvaluationException("elevation tiles are remote, and this runner has no source services");
        var uris = new SortedDictionary<string, SourceUri>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            foreach (var uri in TileUris(request))
            {
                uris.TryAdd(uri.Identity, uri);
            }
        }
        var list = uris.Values.ToArray();
        var tokens = new string[list.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => tokens[i] = (await services.Versions.ResolveAsync(list[i], Anonymous, ct).ConfigureAwait(false)).Token).ConfigureAwait(false);
        var text = new StringBuilder();
        var byTile = new Dictionary<string, string>(list.Length, StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            text.Append(list[i].Identity).Append('\t').Append(tokens[i]).Append('\n');
            byTile[list[i].Identity] = tokens[i];
        }
        string token = $"tiles:{list.Length}:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        if (_tileTokens.Count > 256)
        {
            _tileTokens.Clear();
        }
        _tileTokens[token] = byTile;
        return token;
    }

    public override ValueTask<DataArray> EvaluateAsync(NodeContext context) => new(EvaluateTilesAsync(context));

    public override DataArray Evaluate(NodeContext context) => EvaluateTilesAsync(context).GetAwaiter().GetResult();

    private async Task<DataArray> EvaluateTilesAsync(NodeContext context)
    {
        var request = context.Request;
        var latlon = LatLon(request);
        var services = context.Sources ?? throw new NodeEvaluationException("elevation tiles are remote, and this runner has no source services");
        var uris = TileUris(request);
        IReadOnlyDictionary<string, string>? known = null;
        if (context.SourceVersion is { } token)
        {
            _tileTokens.TryGetValue(token, out known);
        }
        var ct = context.CancellationToken;
        var parts = new DataArray?[uris.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, uris.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) =>
            {
                var uri = uris[i];
                // The version this run's key was computed with when this process computed it; otherwise (a cluster
                // member evaluating for another) the tile as it is now.
                var version = known is not null && known.TryGetValue(uri.Identity, out var t)
                    ? await services.Versions.ForTokenAsync(uri, Anonymous, t, c).ConfigureAwait(false)
                    : await services.Versions.ResolveAsync(uri, Anonymous, c).ConfigureAwait(false);
                var tile = RasterNode.Tile(uri, Anonymous);
                parts[i] = await tile.ReadRemoteAsync(latlon, version, services, context.Activity, c).ConfigureAwait(false);
            }).ConfigureAwait(false);
        var mosaic = Composite(parts!, latlon);
        return _interpolation is null ? mosaic : InterpolateNode.Resample(mosaic, request, _interpolation);
    }

    /// <summary>
    /// PODPAC's <c>combine_first</c> over the tiles in order: coordinates rounded to 6 decimals (as PODPAC's tile source
    /// does, so neighbouring tiles' rows line up), the union of each dim's points in ascending order, and each cell from
    /// the first tile that has a value there. The dims are the request's lat and lon, in its order.
    /// </summary>
    internal static DataArray Composite(IReadOnlyList<DataArray> tiles, Coordinates latlon)
    {
        var dims = latlon.Dims;
        string crs = tiles.Count > 0 ? tiles[0].Coordinates.Crs : latlon.Crs;
        var nonEmpty = tiles.Where(t => t.Length > 0).ToList();
        var union = new double[2][];
        for (int k = 0; k < 2; k++)
        {
            var points = new SortedSet<double>();
            foreach (var t in nonEmpty)
            {
                foreach (var p in t.Coordinates[dims[k]].Points)
                {
                    points.Add(Math.Round(p, 6));
                }
            }
            union[k] = [.. points];
        }
        int rows = union[0].Length, cols = union[1].Length;
        long cells = (long)rows * cols;
        if (cells > Execution.RuntimeLimits.Default.MaxCellsPerNode)
        {
            throw new NodeEvaluationException(
                $"the tiles' points covering the request would be {rows:N0} x {cols:N0}; at most {Execution.RuntimeLimits.Default.MaxCellsPerNode:N0} are held: use a lower zoom");
        }
        var values = new double[cells];
        values.AsSpan().Fill(double.NaN);
        foreach (var t in nonEmpty)
        {
            var aligned = t.TransposeToRequest(latlon);
            var r = aligned.Coordinates[dims[0]].Points;
            var c = aligned.Coordinates[dims[1]].Points;
            var ci = new int[c.Length];
            for (int j = 0; j < c.Length; j++)
            {
                ci[j] = Array.BinarySearch(union[1], Math.Round(c[j], 6));
            }
            var data = aligned.Data;
            for (int i = 0; i < r.Length; i++)
            {
                int ri = Array.BinarySearch(union[0], Math.Round(r[i], 6));
                int src = i * c.Length, dst = ri * cols;
                for (int j = 0; j < c.Length; j++)
                {
                    ref double cell = ref values[dst + ci[j]];
                    if (double.IsNaN(cell))
                    {
                        cell = data[src + j];
                    }
                }
            }
        }
        var coords = new Coordinates(
            [new ArrayCoordinates1D(dims[0], union[0]), new ArrayCoordinates1D(dims[1], union[1])], crs);
        return new DataArray(coords, values);
    }
}
