using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PodCache.Cli.Tests.Server;

public class ServerValidationTests
{
    private const string SinPipeline = """
        {"sin": {"node": "algorithm.SinCoords"},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin"}, "attrs": {"eqn": "A * 2"}}}
        """;

    private const string Coords = """{"coords": [{"name": "lat", "start": 0, "stop": 4, "step": 1}, {"name": "lon", "values": [1, 2]}]}""";

    [Fact]
    public async Task PostRun_MalformedJson_400AtTheRoot()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync("""{"pipeline": {"sin": """);
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal([""], TestServer.ErrorPaths(p));
        Assert.Contains("malformed JSON", p["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRun_BodyNotAnObject_400()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync("[1, 2]");
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal([""], TestServer.ErrorPaths(p));
    }

    [Fact]
    public async Task PostRun_MissingMembersAndUnknownKey_EveryProblemNamed()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync("""{"pipelines": {}}""");
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["coordinates", "pipeline", "pipelines"], TestServer.ErrorPaths(p).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PostRun_UnknownNode_400AtNode()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body(SinPipeline, Coords, node: "nope"));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["node"], TestServer.ErrorPaths(p));
        Assert.Contains("'nope'", p["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRun_InvalidPipeline_400AtThePathInTheBody()
    {
        await using var s = await TestServer.StartAsync();
        string bad = SinPipeline.Replace("A * 2", "A * C", StringComparison.Ordinal).Replace("algorithm.SinCoords", "algorithm.NoSuchNode", StringComparison.Ordinal);
        using var r = await s.PostRunAsync(TestServer.Body(bad, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        var paths = TestServer.ErrorPaths(p);
        Assert.Contains(paths, x => x.StartsWith("pipeline.sin", StringComparison.Ordinal));
        Assert.All(paths, x => Assert.StartsWith("pipeline.", x));
    }

    [Fact]
    public async Task PostRun_UnknownVariable_400AtTheEquation()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body(SinPipeline.Replace("A * 2", "A * C", StringComparison.Ordinal), Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["pipeline.out.attrs.eqn"], TestServer.ErrorPaths(p));
    }

    [Fact]
    public async Task PostRun_BadCoordinates_400AtTheAxis_AndPipelineProblemsToo()
    {
        await using var s = await TestServer.StartAsync();
        string badCoords = """{"coords": [{"name": "lat", "start": 0, "stop": 4, "step": "one"}, {"name": "depth", "values": [1]}]}""";
        string badPipeline = SinPipeline.Replace("A * 2", "A * C", StringComparison.Ordinal);
        using var r = await s.PostRunAsync(TestServer.Body(badPipeline, badCoords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        var paths = TestServer.ErrorPaths(p);
        Assert.Contains(paths, x => x.StartsWith("coordinates.coords[0]", StringComparison.Ordinal));
        Assert.Contains(paths, x => x.StartsWith("coordinates.coords[1]", StringComparison.Ordinal));
        Assert.Contains("pipeline.out.attrs.eqn", paths);
    }

    [Fact]
    public async Task PostRun_DuplicateMember_400AtItsPath()
    {
        await using var s = await TestServer.StartAsync();
        string dup = """{"sin": {"node": "algorithm.SinCoords"}, "sin": {"node": "algorithm.SinCoords"}}""";
        using var r = await s.PostRunAsync(TestServer.Body(dup, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["pipeline.sin"], TestServer.ErrorPaths(p));
    }

    [Fact]
    public async Task PostRun_ErrorWhileRunning_400AtTheNode()
    {
        await using var s = await TestServer.StartAsync();
        string raster = """{"r": {"node": "data.Raster", "attrs": {"source": "/nonexistent/podcache/missing.tif"}}}""";
        using var r = await s.PostRunAsync(TestServer.Body(raster, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.All(TestServer.ErrorPaths(p), x => Assert.StartsWith("pipeline.r", x));
    }

    [Fact]
    public async Task PostRun_NotJson_415()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.Client.PostAsync("v1/runs", new StringContent(TestServer.Body(SinPipeline, Coords), Encoding.UTF8, "text/plain"));
        await TestServer.AssertProblemAsync(r, 415);
    }

    [Fact]
    public async Task PostRun_BodyOverTheLimit_413()
    {
        await using var s = await TestServer.StartAsync(maxBodyBytes: 1024);
        string big = TestServer.Body(SinPipeline, Coords) + new string(' ', 4096);
        using var r = await s.PostRunAsync(big);
        var p = await TestServer.AssertProblemAsync(r, 413);
        Assert.Contains("1024", p["detail"]!.GetValue<string>());

        // Under the limit the same server answers normally.
        using var ok = await s.PostRunAsync(TestServer.Body(SinPipeline, Coords));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task PostRun_ChunkedBodyOverTheLimit_413()
    {
        await using var s = await TestServer.StartAsync(maxBodyBytes: 1024);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(TestServer.Body(SinPipeline, Coords) + new string(' ', 4096))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var r = await s.Client.SendAsync(request);
        await TestServer.AssertProblemAsync(r, 413);
    }

    [Theory]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    [InlineData("zzcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    public async Task Entries_BadKey_400AtKey(string key)
    {
        await using var s = await TestServer.StartAsync();
        foreach (var path in new[] { $"v1/entries/{key}", $"v1/entries/{key}/data" })
        {
            using var r = await s.Client.GetAsync(path);
            var p = await TestServer.AssertProblemAsync(r, 400);
            Assert.Equal(["key"], TestServer.ErrorPaths(p));
        }
    }

    [Fact]
    public async Task Entries_UnknownKey_404()
    {
        await using var s = await TestServer.StartAsync();
        string key = new('a', 64);
        using var r1 = await s.Client.GetAsync($"v1/entries/{key}");
        await TestServer.AssertProblemAsync(r1, 404);
        using var r2 = await s.Client.GetAsync($"v1/entries/{key}/data");
        await TestServer.AssertProblemAsync(r2, 404);
    }

    [Fact]
    public async Task Runs_UnknownRunNodeOrFormat_404Or400()
    {
        await using var s = await TestServer.StartAsync();
        var manifest = await s.PostRunOkAsync(TestServer.Body(SinPipeline, Coords));
        string runId = manifest["runId"]!.GetValue<string>();

        using (var r = await s.Client.GetAsync("v1/runs/20260101T000000Z-00000000"))
        {
            await TestServer.AssertProblemAsync(r, 404);
        }
        using (var r = await s.Client.GetAsync("v1/runs/..%2F..%2Fetc/nodes/out"))
        {
            await TestServer.AssertProblemAsync(r, 404);
        }
        using (var r = await s.Client.GetAsync("v1/runs/20260101T000000Z-00000000/nodes/out"))
        {
            await TestServer.AssertProblemAsync(r, 404);
        }
        using (var r = await s.Client.GetAsync($"v1/runs/{runId}/nodes/nope"))
        {
            var p = await TestServer.AssertProblemAsync(r, 404);
            Assert.Contains("'nope'", p["detail"]!.GetValue<string>());
        }
        using (var r = await s.Client.GetAsync($"v1/runs/{runId}/nodes/out?format=xml"))
        {
            var p = await TestServer.AssertProblemAsync(r, 400);
            Assert.Equal(["format"], TestServer.ErrorPaths(p));
        }
    }

    [Fact]
    public async Task GetNode_GeoTiffOfA1DResult_400AtFormat()
    {
        await using var s = await TestServer.StartAsync();
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("014-shared-subgraph-composition"));
        using var r = await s.Client.GetAsync($"v1/runs/{manifest["runId"]}/nodes/Mean?format=geotiff");
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["format"], TestServer.ErrorPaths(p));
    }

    [Fact]
    public async Task UnknownRouteOrMethod_ProblemDetails()
    {
        await using var s = await TestServer.StartAsync();
        using var r404 = await s.Client.GetAsync("v1/nothing-here");
        await TestServer.AssertProblemAsync(r404, 404);
        using var r405 = await s.Client.DeleteAsync("v1/runs");
        await TestServer.AssertProblemAsync(r405, 405);
    }

    [Theory]
    [InlineData("""{"s": {"node": "algorithm.SinCoords"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A + C"}}}""")]
    [InlineData("""{"a": {"node": "algorithm.SinCoords", "colour": 7}, "m": {"node": "algorithm.Arithmetic", "inputs": {"A": "ghost"}, "attrs": {"eqn": "A"}}}""")]
    [InlineData("""{"s": {"node": "algorithm.SinCoords"}, "m": {"node": "algorithm.Mean", "inputs": {"source": "s.source"}}}""")]
    [InlineData("""{"nodes": {"a": {"node": "algorithm.SinCoords"}}}""")]
    public async Task PostRun_ParseError_IsAtPipelineDotTheCliPath(string pipeline)
    {
        // The CLI names the path into the pipeline file as written; the body holds that file under "pipeline".
        var cli = Assert.Throws<PodCache.Runtime.Pipelines.PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline));
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body(pipeline, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(cli.Errors.Select(e => "pipeline." + e.Path), TestServer.ErrorPaths(p));
        Assert.DoesNotContain(TestServer.ErrorPaths(p), x => x.StartsWith("pipeline.nodes.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostRun_NodeProblemFoundWhileRunning_IsInThePipelineToo()
    {
        // Parses; planning finds the request lacks the node's 'alt' dim. The runtime marks the error as being in the
        // pipeline document (not by its spelling), and the server places it under "pipeline".
        const string Pipeline = """{"arr": {"node": "data.Array", "attrs": {"source": [1], "coordinates": {"coords": [{"name": "alt", "values": [5]}]}}}}""";
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body(Pipeline, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["pipeline.arr"], TestServer.ErrorPaths(p));
        Assert.Contains("the request has no", p["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
