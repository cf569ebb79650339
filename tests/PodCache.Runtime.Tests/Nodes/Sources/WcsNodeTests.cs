using System.Globalization;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Sources;

namespace PodCache.Runtime.Tests.Nodes.Sources;

/// <summary>data.WCS against a real MapServer (mapserv CGI) serving a GDAL-written GeoTIFF.</summary>
public sealed class WcsNodeTests : IClassFixture<MapServerWcs>
{
    private readonly MapServerWcs _wcs;

    public WcsNodeTests(MapServerWcs wcs) => _wcs = wcs;

    private static PipelineRunner Runner(ISourceAccessPolicy? policy = null)
    {
        var io = new SourceIO(new HttpSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) });
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero);
        var cache = TieredCache.InMemory(1L << 26);
        return new PipelineRunner(cache, new RunnerOptions { SourceServices = new SourceServices(io, versions, new BlockCache(cache)), Sources = policy });
    }

    private Pipeline WcsPipeline(string extraAttrs = "", string? source = null, string layer = "elev") => Pipeline.Parse(
        "{\"w\": {\"node\": \"data.WCS\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(source ?? _wcs.Url.AbsoluteUri) +
        ", \"layer\": " + JsonSerializer.Serialize(layer) + extraAttrs + "}}}");

    private static string N(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static Coordinates Grid(double lat0, double latStep, int lats, double lon0, double lonStep, int lons, string crs = "EPSG:4326") =>
        Coordinates.Parse($$"""
            {"coords": [{"name": "lat", "start": {{N(lat0)}}, "stop": {{N(lat0 + (latStep * (lats - 1)))}}, "size": {{lats}}},
                        {"name": "lon", "start": {{N(lon0)}}, "stop": {{N(lon0 + (lonStep * (lons - 1)))}}, "size": {{lons}}}], "crs": "{{crs}}"}
            """);

    /// <summary>15 x 22 points strictly inside source pixels (never within 0.1 pixel of an edge), at another resolution.</summary>
    private Coordinates Request4326()
    {
        var c = Grid(39.995, -0.0501, 15, -105.995, 0.0375, 22);
        foreach (var lat in c["lat"].Points.ToArray())
        {
            foreach (var lon in c["lon"].Points.ToArray())
            {
                Assert.True(_wcs.EdgeDistance(lat, lon) > 0.1, $"test grid point ({lat}, {lon}) is too near a pixel edge");
            }
        }
        return c;
    }

    [Fact]
    public async Task Wcs_UniformGrid_EqualsGdalNearestAtThosePoints_OnOneGetCoverage()
    {
        var request = Request4326();
        int before = _wcs.GetCoverageCount;
        var run = await Runner().RunAsync(WcsPipeline(), request);

        var output = run.Output!;
        Assert.Equal(["lat", "lon"], output.Coordinates.Dims);
        Assert.Equal(request["lat"].Points.ToArray(), output.Coordinates["lat"].Points.ToArray());
        Assert.Equal(request["lon"].Points.ToArray(), output.Coordinates["lon"].Points.ToArray());
        var expected = _wcs.GdalNearest(request["lat"].Points.ToArray(), request["lon"].Points.ToArray());
        Assert.Equal(expected, output.Values.ToArray());
        Assert.Equal(1, _wcs.GetCoverageCount - before);
        string query = _wcs.Queries.Last();
        Assert.Contains("Coverage=elev", query, StringComparison.Ordinal);
        Assert.Contains("width=22", query, StringComparison.Ordinal);
        Assert.Contains("height=15", query, StringComparison.Ordinal);
        Assert.Contains("crs=EPSG%3A4326", query, StringComparison.Ordinal);
        Assert.Contains("format=geotiff", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wcs_AscendingLatAndTransposedRequest_ComeBackInTheRequestsOrder()
    {
        var c = Request4326();
        var lat = c["lat"].Points.ToArray().Reverse().ToArray();
        var lon = c["lon"].Points.ToArray();
        var request = Coordinates.Parse($$"""
            {"coords": [{"name": "lon", "start": {{N(lon[0])}}, "stop": {{N(lon[^1])}}, "size": {{lon.Length}}},
                        {"name": "lat", "start": {{N(lat[0])}}, "stop": {{N(lat[^1])}}, "size": {{lat.Length}}}], "crs": "EPSG:4326"}
            """);
        var run = await Runner().RunAsync(WcsPipeline(), request);

        var output = run.Output!;
        Assert.Equal(["lon", "lat"], output.Coordinates.Dims);
        var expected = _wcs.GdalNearest(output.Coordinates["lat"].Points.ToArray(), lon);
        for (int i = 0; i < lon.Length; i++)
        {
            for (int j = 0; j < lat.Length; j++)
            {
                Assert.Equal(expected[(j * lon.Length) + i], output[i, j]);
            }
        }
    }

    private const double R = 6378137;

    private static double X(double lon) => R * lon * Math.PI / 180;

    private static double Y(double lat) => R * Math.Log(Math.Tan((Math.PI / 4) + (lat * Math.PI / 360)));

    private static double Lon(double x) => x / R * 180 / Math.PI;

    private static double Lat(double y) => Math.Atan(Math.Sinh(y / R)) * 180 / Math.PI;

    /// <summary>5 x 18 EPSG:3857 points whose lat/lon lie inside source pixels (never within 0.15 pixel of an edge).</summary>
    private Coordinates Request3857()
    {
        double y0 = Y(39.695), y1 = Y(39.561), x0 = X(-105.995), x1 = X(-105.995 + (0.0375 * 17));
        var request = Grid(y0, (y1 - y0) / 4, 5, x0, (x1 - x0) / 17, 18, "EPSG:3857");
        foreach (var y in request["lat"].Points.ToArray())
        {
            foreach (var x in request["lon"].Points.ToArray())
            {
                Assert.True(_wcs.EdgeDistance(Lat(y), Lon(x)) > 0.15, $"test point ({Lat(y)}, {Lon(x)}) is too near a pixel edge");
            }
        }
        return request;
    }

    [Fact]
    public async Task Wcs_RequestInEpsg3857_ToALayerAskedInEpsg3857_IsReprojectedByTheServer_AndEqualsGdalAtThosePoints()
    {
        var request = Request3857();

        var run = await Runner().RunAsync(WcsPipeline(", \"crs\": \"EPSG:3857\""), request);

        var output = run.Output!;
        var lats = request["lat"].Points.ToArray().Select(Lat).ToArray();
        var lons = request["lon"].Points.ToArray().Select(Lon).ToArray();
        Assert.Equal(_wcs.GdalNearest(lats, lons), output.Values.ToArray());
        Assert.Contains("crs=EPSG%3A3857", _wcs.Queries.Last(), StringComparison.Ordinal);
        Assert.Equal(request["lat"].Points.ToArray(), output.Coordinates["lat"].Points.ToArray());
        Assert.Equal(request["lon"].Points.ToArray(), output.Coordinates["lon"].Points.ToArray());
    }

    [Fact]
    public async Task Wcs_RequestInEpsg4326_ToALayerAskedInEpsg3857_IsTransformedToMetres_AndComesBackInDegrees()
    {
        // lon -> x is linear, and two rows are always evenly spaced, so this request stays a uniform grid in EPSG:3857 (more
        // rows would not: y is not linear in lat, and PODPAC then reads the layer's native grid, which PodCache refuses).
        var request = Grid(39.695, -0.0501, 2, -105.995, 0.0375, 18);
        int before = _wcs.GetCoverageCount;

        var run = await Runner().RunAsync(WcsPipeline(", \"crs\": \"EPSG:3857\""), request);

        var output = run.Output!;
        Assert.Equal(_wcs.GdalNearest(request["lat"].Points.ToArray(), request["lon"].Points.ToArray()), output.Values.ToArray());
        Assert.Equal(request["lat"][1], output.Coordinates["lat"][1], 1e-9);
        Assert.Equal(1, _wcs.GetCoverageCount - before);
        Assert.Contains("crs=EPSG%3A3857", _wcs.Queries.Last(), StringComparison.Ordinal);
        for (int j = 0; j < 18; j++)
        {
            Assert.Equal(request["lon"][j], output.Coordinates["lon"][j], 1e-9);
        }
    }

    [Fact]
    public async Task Wcs_RequestNotUniformInTheLayersCrs_IsAClearErrorBeforeAnyRequest()
    {
        int before = _wcs.Queries.Count;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(WcsPipeline(), Request3857()));

        Assert.Contains("w", ex.Message, StringComparison.Ordinal);
        Assert.Contains("uniform", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, _wcs.Queries.Count);
    }

    [Theory]
    [InlineData(100, 4)] // lat chunk 15 (whole), lon 100 // 15 = 6: 4 chunks along lon
    [InlineData(40, 11)] // lon 40 // 15 = 2: 11 two-column chunks
    public async Task Wcs_MaxSize_IssuesPodpacsChunks_AndCompositesThemIdentically(int maxSize, int requests)
    {
        var request = Request4326();
        var whole = (await Runner().RunAsync(WcsPipeline(), request)).Output!;
        int before = _wcs.GetCoverageCount;

        var chunked = (await Runner().RunAsync(WcsPipeline($", \"max_size\": {maxSize}"), request)).Output!;

        Assert.Equal(requests, _wcs.GetCoverageCount - before);
        Assert.Equal(whole.Values.ToArray(), chunked.Values.ToArray());
        Assert.Equal(whole.Coordinates, chunked.Coordinates);
    }

    [Fact]
    public async Task Wcs_MaxSizeGivingOneColumnChunks_MapServersMisplacedGeoTiff_IsRefused()
    {
        // PODPAC's chunk shape for max_size 10 is 10 x 1. MapServer 8 answers a WIDTH=1 GetCoverage with a GeoTIFF of the
        // right size in the wrong place (its pixel-centre extents divide by WIDTH - 1), which must not be composited.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(WcsPipeline(", \"max_size\": 10"), Request4326()));

        Assert.Contains("w", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_wcs.Url.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.Contains("asked for the bbox", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>Service unavailable<br></body></html>", "not a GeoTIFF")]
    [InlineData("II*\u0000garbage that is no TIFF directory", "cannot read the GetCoverage GeoTIFF")]
    public async Task Wcs_ServerAnsweringSomethingElse_IsAnErrorNamingTheUrl(string body, string message)
    {
        await using var server = await RangeHttpServer.StartAsync();
        server.Put("/wcs", System.Text.Encoding.Latin1.GetBytes(body));
        string source = server.UrlOf("/wcs").AbsoluteUri;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(WcsPipeline(source: source), Request4326()));

        Assert.Contains("w", ex.Message, StringComparison.Ordinal);
        Assert.Contains(source, ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wcs_ServerAnsweringAGeoTiffOfAnotherSize_IsRefused()
    {
        // A server that ignores WIDTH/HEIGHT and sends its whole 40 x 30 file.
        await using var server = await RangeHttpServer.StartAsync();
        server.Put("/wcs", await File.ReadAllBytesAsync(_wcs.SourceTiff));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(WcsPipeline(source: server.UrlOf("/wcs").AbsoluteUri), Request4326()));

        Assert.Contains("asked for 22x15 pixels, the server sent 40x30", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wcs_UnknownLayer_TheServersServiceException_IsAClearErrorNamingTheUrlAndLayer()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner().RunAsync(WcsPipeline(layer: "no_such_layer"), Request4326()));

        Assert.Contains("w", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_wcs.Url.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_layer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidParameterValue", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wcs_UrlTheConfigurationDoesNotAllow_IsRefusedAtTheAttr_BeforeAnyRequest()
    {
        int before = _wcs.Queries.Count;
        var policy = SourceAccessPolicy.Create(null, ["https://data.example.org/"]);

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner(policy).RunAsync(WcsPipeline(), Request4326()));

        Assert.Contains("w.attrs.source", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, _wcs.Queries.Count);
    }

    [Fact]
    public async Task Wcs_Unreachable_IsASourceFailureNamingTheUrlWithoutCredentials()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string source = $"http://user:secret@127.0.0.1:{port}/wcs?map=x.map&token=hunter2";

        var ex = await Assert.ThrowsAsync<SourceException>(() => Runner().RunAsync(WcsPipeline(source: source), Request4326()));

        Assert.Contains($"127.0.0.1:{port}/wcs", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsInvalidInput);
    }

    [Theory]
    [InlineData(", \"version\": \"1.1.1\"", "w.attrs.version")]
    [InlineData(", \"format\": \"png\"", "w.attrs.format")]
    [InlineData(", \"max_size\": 0", "w.attrs.max_size")]
    [InlineData(", \"max_size\": 2.5", "w.attrs.max_size")]
    [InlineData(", \"crs\": \"EPSG:99999\"", "w.attrs.crs")]
    [InlineData(", \"username\": \"me\", \"password\": \"pw\"", "w.attrs.username")]
    [InlineData(", \"wcs_kwargs\": {\"a\": [1]}", "w.attrs.wcs_kwargs.a")]
    [InlineData(", \"colour\": 1", "w.attrs.colour")]
    public void Parse_BadAttr_IsAPipelineErrorAtThatAttr(string attrs, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => WcsPipeline(attrs));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotAnHttpSource_IsAPipelineErrorAtTheSourceAttr()
    {
        var ex = Assert.Throws<PipelineException>(() => WcsPipeline(source: "/data/x.tif"));

        Assert.Contains("w.attrs.source", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data.WCS")]
    [InlineData("core.data.ogc.WCS")]
    [InlineData("podpac.data.WCS")]
    public void Parse_PodpacAliases_ResolveToDataWcs(string name)
    {
        var pipeline = Pipeline.Parse("{\"w\": {\"node\": \"" + name + "\", \"attrs\": {\"source\": \"https://h.example/wcs\", \"layer\": \"x\"}}}");

        Assert.Equal("data.WCS", pipeline["w"].Type.Name);
    }
}
