using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using PodCache.Runtime.Json;
using PodCache.Runtime.Raster;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.WCS</c> (PODPAC 4's <c>podpac.core.data.ogc.WCS</c>): a layer of an OGC Web Coverage Service 1.0.0, fetched
/// with GetCoverage as a GeoTIFF on the request's own grid, so the server resamples (PODPAC's path for uniform
/// requests). The request is transformed into the layer's <c>crs</c> (default EPSG:4326) and must be a uniform (or
/// single-point) lat/lon grid there; the output carries the request's points, transformed back to its CRS.
/// <para>
/// As PODPAC's <c>_get_chunk</c>: BBOX is <c>minlon,minlat,maxlon,maxlat</c> of the pixel edges (centres ± step/2),
/// WIDTH/HEIGHT the lon/lat sizes, CRS the <c>crs</c> attr, FORMAT the <c>format</c> attr, INTERPOLATION a string
/// <c>interpolation</c>, plus <c>wcs_kwargs</c>. <c>max_size</c> tiles the (lat, lon) grid into chunks of at most that
/// many cells, PODPAC's chunk shape, one GetCoverage each. A ServiceExceptionReport, a body that is not a GeoTIFF, or a
/// GeoTIFF of another size, bbox or CRS than asked is an error naming the service URL.
/// </para>
/// </summary>
internal sealed class WcsNode : Node
{
    private const string Version100 = "1.0.0";

    private readonly SourceUri _uri;
    private readonly string _layer;
    private readonly string _format;
    private readonly string _crs;
    private readonly long? _maxSize;
    private readonly string? _interpolation;
    private readonly (string Name, string Value)[] _kwargs;
    private readonly double[] _nanVals;
    private readonly double _nanVal;

    private WcsNode(SourceUri uri, string layer, string format, string crs, long? maxSize, string? interpolation,
        (string, string)[] kwargs, double[] nanVals, double nanVal)
    {
        _uri = uri;
        _layer = layer;
        _format = format;
        _crs = crs;
        _maxSize = maxSize;
        _interpolation = interpolation;
        _kwargs = kwargs;
        _nanVals = nanVals;
        _nanVal = nanVal;
    }

    public static NodeType Type { get; } = new(
        "data.WCS",
        ["core.data.ogc.WCS", "podpac.data.WCS", "data.ogc.WCS", "podpac.core.data.ogc.WCS"],
        1,
        [
            new AttrSpec("source", AttrType.String, required: true),
            new AttrSpec("layer", AttrType.String, required: true),
            new AttrSpec("version", AttrType.String, Version100),
            new AttrSpec("format", AttrType.String, "geotiff"),
            new AttrSpec("crs", AttrType.String, "EPSG:4326"),
            new AttrSpec("max_size", AttrType.NullableNumber),
            new AttrSpec("interpolation", AttrType.Any),
            new AttrSpec("wcs_kwargs", AttrType.Object, new JsonObject()),
            new AttrSpec("allow_mock_client", AttrType.Bool, JsonValue.Create(false)),
            new AttrSpec("username", AttrType.NullableString),
            new AttrSpec("password", AttrType.NullableString),
            new AttrSpec("nan_vals", AttrType.NumberList, new JsonArray()),
            new AttrSpec("nan_val", AttrType.Number, JsonValue.Create(double.NaN)),
            new AttrSpec("boundary", AttrType.Object, new JsonObject()),
        ],
        InputSpec.None,
        extentDependent: true,
        Build);

    private static WcsNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string source = ctx.GetString("source")!;
        SourceUri? uri = null;
        if (SourceUri.SchemeOf(source) is not ("http" or "https"))
        {
            ctx.Error("source", "must be the service's http(s) URL (a WCS is reached over HTTP)");
        }
        else
        {
            try
            {
                uri = SourceUri.Parse(source);
                // The identity drops credentials and signature parameters, so a re-signed URL keeps its keys.
                ctx.Attrs["source"] = uri.Identity;
            }
            catch (FormatException ex)
            {
                ctx.Error("source", ex.Message);
            }
        }
        string layer = ctx.GetString("layer")!;
        if (string.IsNullOrWhiteSpace(layer))
        {
            ctx.Error("layer", "must name a coverage of the service (it is empty)");
        }
        if (ctx.GetString("version") != Version100)
        {
            ctx.Error("version", $"must be \"{Version100}\": PodCache speaks WCS 1.0.0 only (PODPAC's axis order for other versions depends on the CRS)");
        }
        string format = ctx.GetString("format")!.ToLowerInvariant();
        if (format is not ("geotiff" or "geotiff_byte"))
        {
            ctx.Error("format", $"must be \"geotiff\" or \"geotiff_byte\" (PODPAC's choices), not \"{ctx.GetString("format")}\"");
        }
        ctx.Attrs["format"] = format;
        string crs = ctx.GetString("crs")!;
        if (!SpatialReference.TryParse(crs, out _, out var crsError))
        {
            ctx.Error("crs", crsError!);
        }
        long? maxSize = null;
        if (ctx.GetNullableDouble("max_size") is { } m)
        {
            if (!(m >= 1 && m <= int.MaxValue && Math.Floor(m) == m))
            {
                ctx.Error("max_size", $"must be a whole number of cells from 1, or null, not {m.ToString(CultureInfo.InvariantCulture)}");
            }
            else
            {
                maxSize = (long)m;
            }
        }
        string? interpolation = ctx.Attrs["interpolation"] switch
        {
            null => null,
            // PODPAC sends only a string to the server; a dict or list (its InterpolationTrait forms) sends nothing.
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonObject or JsonArray => null,
            _ => Invalid(ctx, "interpolation", "must be null, a method string, or an interpolation definition (object or list)"),
        };
        var kwargs = new List<(string, string)>();
        foreach (var (name, value) in (JsonObject)ctx.Attrs["wcs_kwargs"]!)
        {
            if (value is JsonValue v && (v.TryGetValue<string>(out var text) || JsonNumbers.TryGetDouble(v, out _)))
            {
                kwargs.Add((name, text ?? Python(v)));
            }
            else
            {
                ctx.ErrorAt($"attrs.wcs_kwargs.{name}", "must be a string or a number (it is sent as a query parameter)");
            }
        }
        foreach (var secret in (ReadOnlySpan<string>)["username", "password"])
        {
            if (ctx.IsSet(secret))
            {
                // A credential in pipeline JSON would be hashed into keys and shown in manifests.
                ctx.Error(secret, "credentials do not belong in a pipeline; set PODCACHE_HTTP_HEADER_<HOST>=\"Authorization: Basic ...\" instead");
            }
        }
        if (ctx.Attrs["boundary"] is JsonObject { Count: > 0 })
        {
            ctx.Error("boundary", "must be empty ({}): per-dimension boundaries are not supported yet");
        }
        if (ctx.HasErrors)
        {
            return null;
        }
        ctx.DeclareSource("source", source);
        return new WcsNode(uri!, layer, format, crs, maxSize, interpolation, [.. kwargs], ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val"));
    }

    private static string? Invalid(NodeBuildContext ctx, string attr, string message)
    {
        ctx.Error(attr, message);
        return null;
    }

    private static string Python(JsonValue v) =>
        JsonNumbers.TryGetDouble(v, out var d) && Math.Floor(d) == d && Math.Abs(d) < 1e15
            ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : v.ToJsonString();

    /// <summary>
    /// A coverage carries no version a client can ask for (GetCapabilities' updateSequence is optional and rarely set):
    /// results are keyed by the request alone, so use the node's <c>cache.expires</c> for a layer that changes.
    /// </summary>
    public override string? ResolveSourceVersion() => "wcs:" + Version100;

    public override DataArray Evaluate(NodeContext context) => EvaluateAsync(context).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<DataArray> EvaluateAsync(NodeContext context)
    {
        var request = context.Request;
        foreach (var dim in (ReadOnlySpan<string>)["lat", "lon"])
        {
            if (!request.Contains(dim))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{dim}' dim, which the WCS layer has (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        var services = context.Sources ?? throw new NodeEvaluationException($"'{_uri.Display}' is remote, and this runner has no source services");
        // PODPAC transposes to (lat, lon), the response's order, and drops every other dim.
        var flat = new Coordinates([request["lat"], request["lon"]], request.Crs);
        var local = SourceRequest.For(flat, _crs);
        var lat = local.Request["lat"];
        var lon = local.Request["lon"];
        if (local.Stacked || !(lat.IsUniform || lat.Size == 1) || !(lon.IsUniform || lon.Size == 1))
        {
            throw new NodeEvaluationException(
                $"data.WCS serves requests that are uniform lat/lon grids in the layer's CRS ({_crs}); this one is not " +
                $"(lat {(lat.IsUniform ? "uniform" : "explicit")}, lon {(lon.IsUniform ? "uniform" : "explicit")}" +
                (local.Stacked ? ", not separable after the transform" : "") + "). PODPAC would read the layer's native grid from " +
                "DescribeCoverage, which PodCache does not: ask for a uniform grid");
        }
        var values = new double[checked(lat.Size * lon.Size)];
        if (values.Length > 0)
        {
            var (chunkRows, chunkCols) = ChunkShape(lat.Size, lon.Size);
            for (int r0 = 0; r0 < lat.Size; r0 += chunkRows)
            {
                for (int c0 = 0; c0 < lon.Size; c0 += chunkCols)
                {
                    int rows = Math.Min(chunkRows, lat.Size - r0), cols = Math.Min(chunkCols, lon.Size - c0);
                    var chunk = await GetChunkAsync(services, lat, r0, rows, lon, c0, cols, context.CancellationToken).ConfigureAwait(false);
                    for (int r = 0; r < rows; r++)
                    {
                        Array.Copy(chunk, r * cols, values, ((r0 + r) * lon.Size) + c0, cols);
                    }
                }
            }
        }
        ReplaceMissing(values);
        var coords = SourceRequest.Back(new Coordinates([lat, lon], _crs), request.Crs);
        return new DataArray(coords, values).TransposeToRequest(request);
    }

    /// <summary>PODPAC's chunk shape for <c>max_size</c>: each dim in (lat, lon) order takes what the cells before it leave.</summary>
    private (int Rows, int Cols) ChunkShape(int rows, int cols)
    {
        if (_maxSize is not { } max)
        {
            return (rows, cols);
        }
        static int Take(long max, long before, int n) => (max / before) switch
        {
            0 => 1,
            var r when r < n => (int)r,
            _ => n,
        };
        return (Take(max, 1, rows), Take(max, rows, cols));
    }

    private async Task<double[]> GetChunkAsync(SourceServices services, Coordinates1D lat, int r0, int rows, Coordinates1D lon, int c0, int cols,
        CancellationToken ct)
    {
        var (w, e) = Edges(lon, c0, cols);
        var (s, n) = Edges(lat, r0, rows);
        var bbox = (West: Math.Min(w, e), South: Math.Min(s, n), East: Math.Max(w, e), North: Math.Max(s, n));
        var url = CoverageUri(bbox, cols, rows);
        // A float64 band is 8 bytes a cell; twice that and a megabyte for headers, tags and an uncompressed layout.
        long maxBytes = (16L * rows * cols) + (1 << 20);
        var (body, contentType) = await services.IO.GetAsync(url, maxBytes, ct).ConfigureAwait(false);
        string where = $"WCS '{_uri.Display}' layer '{_layer}'";
        if (ServiceException(body) is { } exception)
        {
            throw new NodeEvaluationException($"{where}: the server refused the GetCoverage request: {exception}");
        }
        if (!IsTiff(body))
        {
            throw new NodeEvaluationException(
                $"{where}: the GetCoverage response is not a GeoTIFF (Content-Type {contentType ?? "none"}, {body.Length} bytes)");
        }
        double[] values;
        try
        {
            using var reader = GeoTiffReader.Open(new MemoryStream(body, writable: false));
            var info = reader.Info;
            Check(info, where, bbox, cols, rows);
            values = reader.ReadWindow(1, 0, rows, 0, cols, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
        {
            throw new NodeEvaluationException($"{where}: cannot read the GetCoverage GeoTIFF: {ex.Message}", ex);
        }
        // The server answers north-up and west-to-east; PODPAC flips it to the request's order.
        if (n > s)
        {
            for (int top = 0, bottom = rows - 1; top < bottom; top++, bottom--)
            {
                var a = values.AsSpan(top * cols, cols);
                var b = values.AsSpan(bottom * cols, cols);
                for (int j = 0; j < cols; j++)
                {
                    (a[j], b[j]) = (b[j], a[j]);
                }
            }
        }
        if (e < w)
        {
            for (int r = 0; r < rows; r++)
            {
                values.AsSpan(r * cols, cols).Reverse();
            }
        }
        return values;
    }

    /// <summary>
    /// PODPAC's bbox edges along one axis of a chunk: its first and last points ± half a step (so "low" and "high" follow
    /// the axis's direction), or the point itself for a one-point axis. A one-point chunk of a longer axis uses the
    /// axis's step (PODPAC's point bbox has no area, which servers refuse).
    /// </summary>
    private static (double Low, double High) Edges(Coordinates1D axis, int start, int count)
    {
        if (axis.Size == 1)
        {
            return (axis[0], axis[0]);
        }
        double step = (axis[axis.Size - 1] - axis[0]) / (axis.Size - 1);
        return (axis[start] - (step / 2), axis[start + count - 1] + (step / 2));
    }

    private SourceUri CoverageUri((double West, double South, double East, double North) bbox, int width, int height)
    {
        var query = new StringBuilder();
        void Add(string name, string value)
        {
            query.Append(query.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        Add("version", Version100);
        Add("request", "GetCoverage");
        Add("service", "WCS");
        Add("Coverage", _layer);
        Add("BBox", string.Join(',', new[] { bbox.West, bbox.South, bbox.East, bbox.North }.Select(R)));
        Add("crs", _crs);
        Add("format", _format);
        Add("width", width.ToString(CultureInfo.InvariantCulture));
        Add("height", height.ToString(CultureInfo.InvariantCulture));
        if (_interpolation is not null)
        {
            Add("interpolation", _interpolation);
        }
        foreach (var (name, value) in _kwargs)
        {
            Add(name, value);
        }
        var builder = new UriBuilder(_uri.HttpUri!);
        string existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length == 0 ? query.ToString() : existing + "&" + query;
        return SourceUri.Parse(builder.Uri.AbsoluteUri);
    }

    /// <summary>Python's <c>repr</c> of a float, what owslib's <c>makeString</c> writes: the shortest round-trip form.</summary>
    private static string R(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The code and text of the first ServiceException (1.0.0) or ExceptionText (OWS 1.1+) in an XML body, or null when
    /// the body is not such a report.
    /// </summary>
    internal static string? ServiceException(byte[] body)
    {
        int i = 0;
        while (i < body.Length && i < 1024 && (body[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || (i < 3 && body[i] is 0xEF or 0xBB or 0xBF)))
        {
            i++;
        }
        if (i >= body.Length || body[i] != (byte)'<')
        {
            return null;
        }
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1 << 20 };
            using var xml = System.Xml.XmlReader.Create(stream, settings);
            var doc = XDocument.Load(xml);
            var error = doc.Descendants().FirstOrDefault(x => x.Name.LocalName.Equals("ServiceException", StringComparison.OrdinalIgnoreCase)
                || x.Name.LocalName.Equals("ExceptionText", StringComparison.OrdinalIgnoreCase));
            if (error is null)
            {
                return null;
            }
            string code = error.Attribute("code")?.Value ?? error.Attribute("exceptionCode")?.Value ?? "";
            string text = string.Join(' ', error.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return code.Length > 0 ? $"{code}: {text}" : text;
        }
        catch (System.Xml.XmlException)
        {
            // Not an exception report (an HTML error page, say): reported as "not a GeoTIFF" with its Content-Type.
            return null;
        }
    }

    private static bool IsTiff(byte[] body) =>
        body.Length >= 8 && ((body[0] == 'I' && body[1] == 'I' && body[2] is 42 or 43 && body[3] == 0)
            || (body[0] == 'M' && body[1] == 'M' && body[2] == 0 && body[3] is 42 or 43));

    /// <summary>Refuses a response that is not the grid asked for: another size, CRS, band count, or bbox.</summary>
    private void Check(GeoTiffInfo info, string where, (double West, double South, double East, double North) bbox, int width, int height)
    {
        if (info.Width != width || info.Height != height)
        {
            throw new NodeEvaluationException($"{where}: asked for {width}x{height} pixels, the server sent {info.Width}x{info.Height}");
        }
        if (info.Bands != 1)
        {
            throw new NodeEvaluationException($"{where}: the coverage has {info.Bands} bands; data.WCS reads single-band layers");
        }
        if (CoordinateTransform.Needed(info.Crs, _crs))
        {
            throw new NodeEvaluationException($"{where}: asked for a coverage in {_crs}, the server sent one in {info.Crs}");
        }
        double west = info.LonStart - (info.LonStep / 2), east = west + (info.LonStep * width);
        double north = info.LatStart - (info.LatStep / 2), south = north + (info.LatStep * height);
        double tolX = bbox.East > bbox.West ? 1e-3 * (bbox.East - bbox.West) / width : 1e-9;
        double tolY = bbox.North > bbox.South ? 1e-3 * (bbox.North - bbox.South) / height : 1e-9;
        bool ok = Math.Abs(Math.Min(west, east) - bbox.West) <= tolX && Math.Abs(Math.Max(west, east) - bbox.East) <= tolX
            && Math.Abs(Math.Max(north, south) - bbox.North) <= tolY && Math.Abs(Math.Min(north, south) - bbox.South) <= tolY
            && info.LatStep < 0 && info.LonStep > 0;
        if (!ok && (bbox.East > bbox.West || bbox.North > bbox.South))
        {
            throw new NodeEvaluationException(
                $"{where}: asked for the bbox {R(bbox.West)},{R(bbox.South)},{R(bbox.East)},{R(bbox.North)} north-up, the server sent " +
                $"{R(Math.Min(west, east))},{R(Math.Min(north, south))},{R(Math.Max(west, east))},{R(Math.Max(north, south))}" +
                (info.LatStep < 0 ? "" : " south-up"));
        }
    }

    /// <summary>PODPAC: <c>data[isin(data, nan_vals)] = nan_val</c>. The GeoTIFF's nodata is not applied (PODPAC's WCS reads the raw band).</summary>
    private void ReplaceMissing(double[] values)
    {
        if (_nanVals.Length == 0)
        {
            return;
        }
        foreach (ref var v in values.AsSpan())
        {
            if (!double.IsNaN(v) && Array.IndexOf(_nanVals, v) >= 0)
            {
                v = _nanVal;
            }
        }
    }
}
