using System.Text;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>The runner and a cluster owner ask the policy about every declared source before touching any.</summary>
public sealed class SourceAccessCheckTests
{
    private const string Coords = """
        {"coords": [{"name": "lat", "start": 45, "stop": 40, "step": -1}, {"name": "lon", "start": -100, "stop": -95, "step": 1}], "crs": "EPSG:4326"}
        """;

    private static string RasterPipeline(string source) => $$$"""
        {"dem": {"node": "data.Raster", "attrs": {"source": {{{System.Text.Json.JsonSerializer.Serialize(source)}}} }},
         "sin": {"node": "algorithm.SinCoords"},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "dem", "B": "sin"}, "attrs": {"eqn": "A + B"}},
         "podpac_output_node": "out"}
        """;

    /// <summary>Refuses everything and records what it was asked.</summary>
    private sealed class RefuseAll : ISourceAccessPolicy
    {
        public List<string> Asked { get; } = [];

        public string? Refuse(string location)
        {
            Asked.Add(location);
            return "refused here";
        }
    }

    [Fact]
    public void Parse_RasterNode_DeclaresItsSourceAttr_AFileAsTheAbsolutePathItResolvesTo_AUrlAsWritten()
    {
        var pipeline = Pipeline.Parse(RasterPipeline("some/dem.tif"), baseDirectory: "/data/pipelines");

        Assert.Equal([new SourceReference("source", "/data/pipelines/some/dem.tif")], pipeline["dem"].Sources);
        Assert.Equal([new SourceReference("source", "https://h.example/x.tif?sig=1")],
            Pipeline.Parse(RasterPipeline("https://h.example/x.tif?sig=1"))["dem"].Sources);
        Assert.Empty(pipeline["sin"].Sources);
    }

    [Fact]
    public async Task RunAsync_PolicyRefuses_PipelineExceptionAtTheNodesAttr_BeforeTheFileIsTouched()
    {
        // A FIFO nobody writes: opening it, hashing it or even planning a read of it would block; refusing must not.
        string fifo = Path.Combine(Path.GetTempPath(), "podcache-fifo-" + Guid.NewGuid().ToString("N"));
        File.Delete(fifo);
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        try
        {
            var policy = new RefuseAll();
            var runner = new PipelineRunner(TieredCache.InMemory(1 << 20), new RunnerOptions { Sources = policy });

            var ex = await Assert.ThrowsAsync<PipelineException>(() =>
                runner.RunAsync(Pipeline.Parse(RasterPipeline(fifo)), Coordinates.Parse(Coords)).WaitAsync(TimeSpan.FromSeconds(30)));

            var error = Assert.Single(ex.Errors);
            Assert.Equal("dem.attrs.source", error.Path);
            Assert.Equal("refused here", error.Message);
            Assert.Equal([fifo], policy.Asked);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task RunAsync_RefusingPolicy_NodesWithoutSourcesStillRun()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 20), new RunnerOptions { Sources = new RefuseAll() });
        var run = await runner.RunAsync(Pipeline.Parse("""{"sin": {"node": "algorithm.SinCoords"}}"""), Coordinates.Parse(Coords));
        Assert.NotNull(run.Output);
    }

    [Fact]
    public void EvaluationRequestParse_OwnersPolicyRefuses_PipelineExceptionBeforeTheKeyIsComputed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "podcache-owner-" + Guid.NewGuid().ToString("N"), "dem.tif");
        var pipeline = Pipeline.Parse(RasterPipeline(missing));
        var coords = Coordinates.Parse(Coords);
        var keys = new NodeKeys(pipeline);
        var key = NodeKeys.ResultKey(keys.NodeKey("dem"), coords.Key);
        byte[] request = EvaluationRequest.Create("dem", coords, keys);

        // The requester allowed it; this owner does not.
        var ex = Assert.Throws<PipelineException>(() => EvaluationRequest.Parse(request, key, sources: new RefuseAll()));
        Assert.Equal("dem.attrs.source", Assert.Single(ex.Errors).Path);
        // Without a policy the same bytes are a valid request for that key.
        Assert.Equal("dem", EvaluationRequest.Parse(request, key).NodeRef);
        Assert.True(Encoding.UTF8.GetString(request).Contains("dem.tif", StringComparison.Ordinal));
    }
}
