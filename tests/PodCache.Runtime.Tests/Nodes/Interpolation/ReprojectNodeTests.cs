using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

/// <summary>
/// <c>algorithm.Reproject</c>'s attrs, keys and planned source coordinates. Its values against PODPAC are in the
/// conformance cases 042 and 145–148.
/// </summary>
public sealed class ReprojectNodeTests
{
    private const string Grid = """{"coords": [{"name": "lat", "start": 0, "stop": 40, "step": 20}, {"name": "lon", "start": 0, "stop": 60, "step": 30}]}""";

    private static string Pipeline(string attrs) =>
        "{\"s\": {\"node\": \"algorithm.SinCoords\"}, \"r\": {\"node\": \"algorithm.Reproject\", \"attrs\": " + attrs
        + ", \"inputs\": {\"source\": \"s\"}}}";

    private static double[] Values(Coordinates1D axis) => Enumerable.Range(0, axis.Size).Select(i => axis[i]).ToArray();

    private static string Quoted(string json) => System.Text.Json.JsonSerializer.Serialize(json);

    [Fact]
    public void CoordinatesAsAJsonString_KeyAsTheObject()
    {
        var asObject = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("{\"coordinates\": " + Grid + "}"));
        var asString = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("{\"coordinates\": " + Quoted(Grid) + "}"));
        var other = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("{\"coordinates\": " + Grid.Replace("\"step\": 20", "\"step\": 10") + "}"));

        Assert.Equal(new NodeKeys(asObject).NodeKey("r"), new NodeKeys(asString).NodeKey("r"));
        Assert.NotEqual(new NodeKeys(asObject).NodeKey("r"), new NodeKeys(other).NodeKey("r"));
    }

    [Theory]
    [InlineData("{}", "r.attrs.coordinates")]
    [InlineData("{\"coordinates\": \"{not json\"}", "r.attrs.coordinates")]
    [InlineData("{\"coordinates\": {\"coords\": [{\"name\": \"lat\", \"start\": 0}]}}", "r.attrs.coordinates.coords[0]")]
    [InlineData("{\"coordinates\": {\"coords\": [{\"name\": \"lat\", \"values\": [1]}], \"crs\": \"EPSG:2193\"}}", "r.attrs.coordinates.crs")]
    [InlineData("{\"coordinates\": " + Grid + ", \"interpolation\": \"cubic_spline\"}", "r.attrs.interpolation")]
    [InlineData("{\"coordinates\": " + Grid + ", \"reproject_dims\": 3}", "r.attrs.reproject_dims")]
    public void BadAttrs_ReportTheirPath(string attrs, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(attrs)));

        Assert.Contains(ex.Errors, e => e.Path.StartsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SourceIsAskedForTheReprojectionPointsAroundTheRequest_ThenTheRequestsOtherDims()
    {
        const string Attrs = """
            {"coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 100, "step": 10}, {"name": "lon", "start": 0, "stop": 100, "step": 10},
                {"name": "time", "values": ["2020-01-01"]}]}, "reproject_dims": ["lat", "lon"], "interpolation": "bilinear"}
            """;
        var p = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(Attrs));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 24));
        var request = Coordinates.Parse(
            """{"coords": [{"name": "time", "values": ["2021-05-01", "2021-05-02"]}, {"name": "lat", "start": 21, "stop": 39, "step": 6}, {"name": "lon", "start": 50, "stop": 50, "step": 1}]}""");

        var plan = Plan.Build(p, new NodeKeys(p), "r", request);
        var run = await runner.RunAsync(p, request);

        var asked = plan.ByRef["s"].Request;
        Assert.Equal(["lat", "lon", "time"], asked.Dims);
        Assert.Equal([20.0, 30.0, 40.0], Values(asked["lat"]));
        Assert.Equal([50.0], Values(asked["lon"]));
        Assert.Equal(Values(request["time"]), Values(asked["time"]));
        Assert.Equal(request.Dims, run.Output!.Dims);
        Assert.Equal(request.Shape, run.Output.Shape);
    }

    [Fact]
    public async Task RequestOutsideTheReprojectionGrid_GivesNaN()
    {
        var p = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("{\"coordinates\": " + Grid + "}"));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 24));

        var run = await runner.RunAsync(p, Coordinates.Parse(
            """{"coords": [{"name": "lat", "values": [60, 70]}, {"name": "lon", "values": [100]}]}"""));

        Assert.Equal([2, 1], run.Output!.Shape);
        Assert.All(run.Output.Data, v => Assert.True(double.IsNaN(v)));
    }
}
