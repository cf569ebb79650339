using System.Net;
using System.Text.Json.Nodes;
using PodCache.Server;
using PodCache.Server.Endpoints;
using PodCache.Cache.Keys;
using PodCache.Runtime;
using PodCache.Runtime.Serialization;

namespace PodCache.Cli.Tests.Server;

public class ServerRunTests
{
    public static IEnumerable<object[]> Cases() => RunCommandTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PostRun_ConformanceCase_OutputMatchesPodpac(string name)
    {
        await using var s = await TestServer.StartAsync();
        var manifest = await s.PostRunOkAsync(s.CaseBodyWithData(name));
        string runId = manifest["runId"]!.GetValue<string>();
        string output = manifest["output"]!.GetValue<string>();

        using var r = await s.Client.GetAsync($"v1/runs/{runId}/nodes/{output}?format=json");
        string json = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, json);
        var problems = Comparison.Compare(File.ReadAllText(Path.Combine(TestServer.CaseDir(name), "expected.json")), json);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task PostRun_Twice_SecondReportsHitRamAndComputesNothing()
    {
        await using var s = await TestServer.StartAsync();
        string body = TestServer.CaseBody("014-shared-subgraph-composition");

        var first = await s.PostRunOkAsync(body);
        var stats1 = await s.GetJsonAsync("v1/stats");
        using var secondResponse = await s.PostRunAsync(body);
        var second = JsonNode.Parse(await secondResponse.Content.ReadAsStringAsync())!.AsObject();
        var stats2 = await s.GetJsonAsync("v1/stats");

        string output = first["output"]!.GetValue<string>();
        int computed = first["nodes"]!.AsObject().Count(n => n.Value!["status"]!.GetValue<string>() == "computed");
        Assert.True(computed > 0);
        Assert.Equal("computed", first["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.Equal("hit:ram", second["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.Equal("hit:ram", secondResponse.Headers.GetValues(RunEndpoints.StatusHeader).Single());
        Assert.DoesNotContain(second["nodes"]!.AsObject(), n => n.Value!["status"]!.GetValue<string>() == "computed");
        Assert.Equal(first["nodes"]![output]!["resultKey"]!.GetValue<string>(), second["nodes"]![output]!["resultKey"]!.GetValue<string>());
        Assert.NotEqual(first["runId"]!.GetValue<string>(), second["runId"]!.GetValue<string>());

        // Every computation counts, also those a manifest does not list (SinCoords is computed at the request and
        // at the extent Convolution grows it to, and the manifest shows one of the two).
        Assert.True(stats1["computed"]!.GetValue<long>() >= computed, stats1.ToJsonString());
        Assert.Equal(stats1["computed"]!.GetValue<long>(), stats2["computed"]!.GetValue<long>());
        Assert.Equal(2, stats2["runs"]!.GetValue<long>());
        Assert.True(stats2["hits"]!["ram"]!.GetValue<long>() >= 1);
        Assert.True(stats2["tiers"]!["disk"]!["entries"]!.GetValue<long>() > 0);
        Assert.True(stats2["tiers"]!["ram"]!["maxBytes"]!.GetValue<long>() > 0);
        Assert.NotNull(stats2["tiers"]!["ram"]!["hits"]);
        Assert.NotNull(stats2["tiers"]!["disk"]!["misses"]);
        Assert.Equal("Up", stats2["member"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRun_ManifestHasSpecShape_AndGetRunReturnsIt()
    {
        await using var s = await TestServer.StartAsync();
        using var post = await s.PostRunAsync(TestServer.CaseBody("008-convolution-mean-sincoords"));
        var manifest = JsonNode.Parse(await post.Content.ReadAsStringAsync())!.AsObject();
        string runId = manifest["runId"]!.GetValue<string>();

        Assert.Equal("application/json", post.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/v1/runs/" + runId, post.Headers.Location?.OriginalString);
        Assert.Equal("Convolution", manifest["output"]!.GetValue<string>());
        Assert.NotNull(manifest["pipeline"]!["SinCoords"]);
        Assert.NotNull(manifest["coordinates"]!["coords"]);
        foreach (var (_, n) in manifest["nodes"]!.AsObject())
        {
            Assert.True(Key.TryParse(n!["nodeKey"]!.GetValue<string>(), out _));
            Assert.True(Key.TryParse(n["resultKey"]!.GetValue<string>(), out _));
            Assert.NotNull(n["node"]);
            Assert.NotNull(n["seconds"]);
            Assert.NotNull(n["bytes"]);
        }

        var fetched = await s.GetJsonAsync("v1/runs/" + runId);
        Assert.Equal(runId, fetched["runId"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(manifest["nodes"], fetched["nodes"]), fetched.ToJsonString());
        // Saved like the CLI's runs (behind the response; stopping the member finishes the saving), so another
        // process can open it too.
        await s.Service.DisposeAsync();
        var get = await CliHarness.RunAsync("get", runId, "--cache-dir", s.CacheDir, "--format", "json");
        Assert.True(get.ExitCode == 0, get.Stderr);
        var problems = Comparison.Compare(File.ReadAllText(Path.Combine(TestServer.CaseDir("008-convolution-mean-sincoords"), "expected.json")), get.Stdout);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task PostRun_NodeField_EvaluatesThatNode()
    {
        await using var s = await TestServer.StartAsync();
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("010-min-max-broadcast", node: "Min"));
        Assert.Equal("Min", manifest["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetNode_AllFormats_RoundTrip()
    {
        await using var s = await TestServer.StartAsync();
        const string name = "008-convolution-mean-sincoords";
        string expected = File.ReadAllText(Path.Combine(TestServer.CaseDir(name), "expected.json"));
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody(name));
        string node = $"v1/runs/{manifest["runId"]}/nodes/Convolution";

        using (var r = await s.Client.GetAsync(node + "?format=msgpack"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(new DataArrayCodec().ContentType, r.Content.Headers.ContentType?.MediaType);
            byte[] bytes = await r.Content.ReadAsByteArrayAsync();
            var array = (DataArray)new DataArrayCodec().Decode(new MemoryStream(bytes), bytes.Length);
            var problems = Comparison.Compare(expected, DataArrayJson.ToJson(array));
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        string tif = Path.Combine(s.CacheDir, "..", "out.tif");
        using (var r = await s.Client.GetAsync(node + "?format=geotiff"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/tiff", r.Content.Headers.ContentType?.MediaType);
            byte[] bytes = await r.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 5 * 6 * 8, $"{bytes.Length} bytes");
            Assert.True(bytes[..4].SequenceEqual(new byte[] { 0x49, 0x49, 0x2A, 0x00 }) || bytes[..4].SequenceEqual(new byte[] { 0x4D, 0x4D, 0x00, 0x2A }));
            await File.WriteAllBytesAsync(tif, bytes);
        }
        // Read the GeoTIFF back through a raster source at the same coordinates: the same numbers.
        string rasterPipeline = new JsonObject { ["r"] = new JsonObject { ["node"] = "data.Raster", ["attrs"] = new JsonObject { ["source"] = Path.GetFullPath(tif) } } }.ToJsonString();
        var back = await s.PostRunOkAsync(TestServer.Body(rasterPipeline, File.ReadAllText(Path.Combine(TestServer.CaseDir(name), "coords.json"))));
        using (var r = await s.Client.GetAsync($"v1/runs/{back["runId"]}/nodes/r?format=json"))
        {
            // The raster source answers in the file's own (north-up) order, so compare cell by label.
            var actual = ByLabel(JsonNode.Parse(await r.Content.ReadAsStringAsync())!);
            var wanted = ByLabel(JsonNode.Parse(expected)!);
            Assert.Equal(wanted.Count, actual.Count);
            foreach (var (label, value) in wanted)
            {
                Assert.True(actual.TryGetValue(label, out var got), $"no cell at {label}");
                Assert.True(double.IsNaN(value) ? double.IsNaN(got) : Comparison.Close(value, got), $"{label}: expected {value}, got {got}");
            }
        }

        using (var r = await s.Client.GetAsync(node + "?format=png"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
            byte[] bytes = await r.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        }

        using (var r = await s.Client.GetAsync(node))
        {
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
            var problems = Comparison.Compare(expected, await r.Content.ReadAsStringAsync());
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
    }

    /// <summary>The cells of a 2-D lat/lon result in the conformance JSON shape, by (lat, lon) label.</summary>
    private static Dictionary<(double Lat, double Lon), double> ByLabel(JsonNode array)
    {
        Assert.Equal("lat", array["dims"]![0]!.GetValue<string>());
        var lats = array["coords"]!["lat"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var lons = array["coords"]!["lon"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var cells = new Dictionary<(double, double), double>();
        for (int i = 0; i < lats.Length; i++)
        {
            for (int j = 0; j < lons.Length; j++)
            {
                var v = array["values"]![i]![j];
                cells[(lats[i], lons[j])] = v is null ? double.NaN : v.GetValue<double>();
            }
        }
        return cells;
    }

    [Fact]
    public async Task GetNode_Evicted_RecomputedAndSaysSo()
    {
        await using var s = await TestServer.StartAsync();
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("014-shared-subgraph-composition"));
        var key = Key.Parse(manifest["nodes"]!["Convolution"]!["resultKey"]!.GetValue<string>());

        using (var r = await s.Client.GetAsync($"v1/runs/{manifest["runId"]}/nodes/Convolution"))
        {
            Assert.StartsWith("hit:", r.Headers.GetValues(RunEndpoints.StatusHeader).Single());
        }
        await s.Service.Stack.Cache.DeleteAsync(key);
        using (var r = await s.Client.GetAsync($"v1/runs/{manifest["runId"]}/nodes/Convolution"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("computed", r.Headers.GetValues(RunEndpoints.StatusHeader).Single());
        }
    }

    [Fact]
    public async Task Entries_ProvenanceAndData_OfAComputedNode()
    {
        await using var s = await TestServer.StartAsync();
        const string name = "008-convolution-mean-sincoords";
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody(name));
        string key = manifest["nodes"]!["Convolution"]!["resultKey"]!.GetValue<string>();

        var entry = await s.GetJsonAsync($"v1/entries/{key}");
        Assert.Equal(key, entry["key"]!.GetValue<string>());
        Assert.Equal("disk", entry["tier"]!.GetValue<string>());
        Assert.Equal("Convolution", entry["provenance"]!["node"]!.GetValue<string>());
        Assert.NotNull(entry["provenance"]!["pipeline"]!["SinCoords"]);
        Assert.NotNull(entry["provenance"]!["coordinates"]);
        Assert.True(entry["sizeBytes"]!.GetValue<long>() > 0);

        using var r = await s.Client.GetAsync($"v1/entries/{key}/data");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(new DataArrayCodec().ContentType, r.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ram", r.Headers.GetValues(EntryEndpoints.TierHeader).Single());
        byte[] bytes = await r.Content.ReadAsByteArrayAsync();
        var array = (DataArray)new DataArrayCodec().Decode(new MemoryStream(bytes), bytes.Length);
        var problems = Comparison.Compare(File.ReadAllText(Path.Combine(TestServer.CaseDir(name), "expected.json")), DataArrayJson.ToJson(array));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Entries_RamOnlyEntry_DescribedFromRam()
    {
        await using var s = await TestServer.StartAsync();
        string pipeline = """{"sin": {"node": "algorithm.SinCoords", "cache": {"tiers": ["ram"]}}}""";
        string coords = """{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "values": [1, 2]}]}""";
        var manifest = await s.PostRunOkAsync(TestServer.Body(pipeline, coords));
        string key = manifest["nodes"]!["sin"]!["resultKey"]!.GetValue<string>();

        var entry = await s.GetJsonAsync($"v1/entries/{key}");
        Assert.Equal("ram", entry["tier"]!.GetValue<string>());
        Assert.Equal("sin", entry["provenance"]!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task EntryDataClient_FetchesAnotherMembersPayload_WithTheToken()
    {
        await using var s = await TestServer.StartAsync(apiToken: "members-token");
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("008-convolution-mean-sincoords"));
        var key = Key.Parse(manifest["nodes"]!["Convolution"]!["resultKey"]!.GetValue<string>());
        using var http = new HttpClient();
        var withToken = new ServerOptions { ApiToken = "members-token" };
        var withoutToken = new ServerOptions();

        byte[] bytes = await new EntryDataClient(http, withToken).FetchAsync(s.Server.BaseAddress, key, -1, CancellationToken.None);
        var array = (DataArray)new DataArrayCodec().Decode(new MemoryStream(bytes), bytes.Length);
        Assert.Equal([5, 6], array.Shape.ToArray());

        await Assert.ThrowsAsync<InvalidDataException>(() => new EntryDataClient(http, withToken).FetchAsync(s.Server.BaseAddress, key, bytes.Length + 1, CancellationToken.None));
        var unauthorized = await Assert.ThrowsAsync<HttpRequestException>(() => new EntryDataClient(http, withoutToken).FetchAsync(s.Server.BaseAddress, key, -1, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        var missing = await Assert.ThrowsAsync<HttpRequestException>(() => new EntryDataClient(http, withToken).FetchAsync(s.Server.BaseAddress, Key.Hash("nothing"), -1, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task NoSaveRuns_RunsServedFromMemoryAndNoManifestFiles()
    {
        await using var s = await TestServer.StartAsync(saveRuns: false);
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("003-sincoords-descending"));
        var fetched = await s.GetJsonAsync($"v1/runs/{manifest["runId"]}");
        Assert.Equal(manifest["runId"]!.GetValue<string>(), fetched["runId"]!.GetValue<string>());
        Assert.Null((await s.GetJsonAsync("v1/stats"))["runManifests"]);
        await s.Service.DisposeAsync();
        Assert.False(Directory.Exists(Path.Combine(s.CacheDir, "runs")) && Directory.EnumerateFiles(Path.Combine(s.CacheDir, "runs")).Any());
    }
}
