using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PodCache.Runtime.Raster;

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
    private readonly string _source;
    private readonly int _band;
    private readonly double[] _nanVals;
    private readonly double _nanVal;
    private readonly bool _hashToken;

    private RasterNode(string source, int band, double[] nanVals, double nanVal, bool hashToken)
    {
        _source = source;
        _band = band;
        _nanVals = nanVals;
        _nanVal = nanVal;
        _hashToken = hashToken;
    }

    public static NodeType Type { get; } = new(
        "data.Raster",
        ["data.Rasterio", "core.data.rasterio_source.Rasterio", "data.rasterio_source.Rasterio"],
        1,
        [
            new AttrSpec("source", AttrType.String, required: true),
            new AttrSpec("band", AttrType.Number, JsonValue.Create(1)),
            new AttrSpec("nan_vals", AttrType.NumberList, new JsonArray()),
            new AttrSpec("nan_val", AttrType.Number, JsonValue.Create(double.NaN)),
            new AttrSpec("version_token", AttrType.Choice, "mtime", choices: ["mtime", "hash"]),
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
        string written = source;
        if (string.IsNullOrWhiteSpace(source) || source.Contains('\0', StringComparison.Ordinal))
        {
            ctx.Error("source", "must be a file path");
        }
        else if (!source.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                // The file is its resolved path, not its spelling: `dem.tif` run from two folders is two sources, and
                // `./dem.tif`, `dem.tif` and the absolute path are one. The NodeKey hashes this path (plus the version
                // token), so it replaces the spelling in the attrs.
                source = Path.GetFullPath(source);
                ctx.Attrs["source"] = source;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                ctx.Error("source", $"is not a valid file path: {ex.Message}");
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
        // Declared as written: the access policy resolves it itself (and tells a URL from a file).
        ctx.DeclareSource("source", written);
        return new RasterNode(source, (int)band, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val"),
            ctx.GetString("version_token") == "hash");
    }

    /// <summary>
    /// <c>mtime:LENGTH:TICKS</c> (UTC last-write ticks) or <c>sha256:HEX</c>; <c>missing</c> when there is no such file
    /// (evaluation then fails naming the path), <c>unreadable</c> when it cannot be read.
    /// </summary>
    public override string? ResolveSourceVersion()
    {
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

    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        foreach (var dim in (ReadOnlySpan<string>)["lat", "lon"])
        {
            if (!request.Contains(dim))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{dim}' dim, which the raster has (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        if (!CrsNames.AreEquivalent(request.Crs, "EPSG:4326"))
        {
            throw new NodeEvaluationException(
                $"the request's CRS '{request.Crs}' is not EPSG:4326; CRS transforms are not supported");
        }
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
                return Read(reader, request, context.CancellationToken);
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

    private DataArray Read(GeoTiffReader reader, Coordinates request, CancellationToken ct)
    {
        var info = reader.Info;
        if (_band > info.Bands)
        {
            throw new InvalidDataException($"band {_band} does not exist; the file has {info.Bands} band{(info.Bands == 1 ? "" : "s")}");
        }
        var lat = info.LatAxis();
        var lon = info.LonAxis();
        var rows = Selection.Outer(lat, request["lat"]);
        var cols = Selection.Outer(lon, request["lon"]);
        int row0 = rows.Length > 0 ? rows[0] : 0, col0 = cols.Length > 0 ? cols[0] : 0;
        var values = reader.ReadWindow(_band, row0, rows.Length, col0, cols.Length, ct);
        ReplaceMissing(values, info.NoDataSample);
        var coords = new Coordinates([lat.Slice(row0, rows.Length), lon.Slice(col0, cols.Length)], request.Crs);
        return new DataArray(coords, values).TransposeToRequest(request);
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
