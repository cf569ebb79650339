using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Runtime.Tests.Nodes.Sources;

namespace PodCache.Cli.Tests;

/// <summary>
/// <c>podcache run</c> over a data.WCS pipeline against a real MapServer: the values GDAL reads at the request's points,
/// a ServiceException (unknown layer) an error naming the URL with exit 2, a bad attr an error at its path with exit 2.
/// </summary>
[Collection("multi-process")]
public sealed class WcsCliTests : IClassFixture<MapServerWcs>, IDisposable
{
    private const string Coords = """
        {"coords": [{"name": "lat", "start": 39.995, "stop": 39.7445, "size": 6},
                    {"name": "lon", "start": -105.995, "stop": -105.695, "size": 9}], "crs": "EPSG:4326"}
        """;

    private readonly MapServerWcs _wcs;
    private readonly TempDir _tmp = new();

    public WcsCliTests(MapServerWcs wcs) => _wcs = wcs;

    public void Dispose() => _tmp.Dispose();

    private string[] Files(string name, string attrs)
    {
        string pipeline = "{\"w\": {\"node\": \"data.WCS\", \"attrs\": {\"source\": \"" + _wcs.Url.AbsoluteUri + "\"" + attrs + "}}}";
        return [_tmp.File($"p-{name}.json", pipeline), "--coords", _tmp.File($"c-{name}.json", Coords)];
    }

    private static string Describe(CliHarness.Result r) => $"exit {r.ExitCode}\nstdout:\n{r.Stdout}\nstderr:\n{r.Stderr}";

    [Fact]
    public async Task Run_WcsPipeline_PrintsTheValuesGdalReadsAtTheRequestsPoints()
    {
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("ok", ", \"layer\": \"elev\""), "--format", "json", "--cache-dir",
            Path.Combine(_tmp.Path, "cache")]);

        Assert.True(r.ExitCode == 0, Describe(r));
        var lats = Enumerable.Range(0, 6).Select(i => 39.995 - (0.0501 * i)).ToArray();
        var lons = Enumerable.Range(0, 9).Select(j => -105.995 + (0.0375 * j)).ToArray();
        var expected = _wcs.GdalNearest(lats, lons);
        var rows = JsonNode.Parse(r.Stdout)!["values"]!.AsArray();
        var actual = rows.SelectMany(row => row!.AsArray().Select(v => v!.GetValue<double>())).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Run_UnknownLayer_Exit2_NamingTheUrlAndTheServersException()
    {
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("bad-layer", ", \"layer\": \"nope\""), "--cache-dir", Path.Combine(_tmp.Path, "c2")]);

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Contains("w", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(_wcs.Url.AbsoluteUri, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("InvalidParameterValue", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadVersionAttr_Exit2_AtTheAttrsPath()
    {
        int before = _wcs.Queries.Count;
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("bad-version", ", \"layer\": \"elev\", \"version\": \"2.0.1\""), "--cache-dir",
            Path.Combine(_tmp.Path, "c3")]);

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Contains("w.attrs.version", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, _wcs.Queries.Count);
    }
}
