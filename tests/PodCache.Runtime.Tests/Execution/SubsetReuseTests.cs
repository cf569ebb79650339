using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class SubsetReuseTests
{
    private const string Smooth = """
        {"sin": {"node": "algorithm.SinCoords"},
         "lat": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
         "conv": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "conv", "L": "lat"}, "attrs": {"eqn": "A * 100 + L"}}}
        """;

    private const string Numbered = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "idx"}, "attrs": {"eqn": "A + B"}}}
        """;

    private static readonly Coordinates Big = Coordinates.Parse("""
        {"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.5}, {"name": "lon", "start": -130, "stop": -60, "step": 0.5}]}
        """);

    private static readonly Coordinates Small = Coordinates.Parse("""
        {"coords": [{"name": "lat", "start": 50, "stop": 30.5, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}
        """);

    private static async Task<DataArray> Fresh(Pipeline p, Coordinates c) =>
        (await new PipelineRunner(TieredCache.InMemory(1 << 26), new RunnerOptions { SubsetReuse = false }).RunAsync(p, c)).Output!;

    private static void AssertClose(DataArray expected, DataArray actual)
    {
        Assert.Equal(expected.Dims, actual.Dims);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Coordinates.Key, actual.Coordinates.Key);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected.Values[i], a = actual.Values[i];
            Assert.True(Math.Abs(e - a) <= Math.Max(1e-12, 1e-9 * Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
        }
    }

    [Fact]
    public async Task Run_AlignedSubGrid_OfExtentIndependentPipeline_IsSlicedNotComputed()
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);

        var sub = await runner.RunAsync(p, Small);

        Assert.Equal(0, sub.ComputedCount);
        Assert.Equal("hit:ram", sub.Nodes["out"].Status);
        AssertClose(await Fresh(p, Small), sub.Output!);
    }

    [Fact]
    public async Task Run_SubGridOfArangePipeline_IsRecomputedNotSliced()
    {
        var p = Pipeline.Parse(Numbered);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);

        var sub = await runner.RunAsync(p, Small);

        Assert.Equal("computed", sub.Nodes["out"].Status);
        Assert.Equal("computed", sub.Nodes["idx"].Status);
        // The sin branch alone is extent-independent, so it is sliced.
        Assert.Equal("hit:ram", sub.Nodes["sin"].Status);
        var fresh = await Fresh(p, Small);
        AssertClose(fresh, sub.Output!);
        Assert.Equal(0, fresh.Values[0] - Math.Sin(Math.PI * 50 / 90) * Math.Sin(Math.PI * -120 / 90), 12);
    }

    [Theory]
    [InlineData("""{"coords": [{"name": "lat", "start": 50.25, "stop": 30.25, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 50, "stop": 30, "step": -1}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "values": [50, 49.5, 49]}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 70, "stop": 50, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 30, "stop": 50, "step": 0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    public async Task Run_NotAnAlignedSubGrid_Computed(string coords)
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);
        var c = Coordinates.Parse(coords);

        var sub = await runner.RunAsync(p, c);

        Assert.Equal("computed", sub.Nodes["out"].Status);
        AssertClose(await Fresh(p, c), sub.Output!);
    }

    [Fact]
    public async Task Run_TransposedSubGrid_SlicedAndTransposed()
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);
        var c = Coordinates.Parse("""{"coords": [{"name": "lon", "start": -120, "stop": -100, "step": 0.5}, {"name": "lat", "start": 50, "stop": 30, "step": -0.5}]}""");

        var sub = await runner.RunAsync(p, c);

        Assert.Equal("hit:ram", sub.Nodes["out"].Status);
        Assert.Equal(["lon", "lat"], sub.Output!.Dims);
        AssertClose(await Fresh(p, c), sub.Output!);
    }

    [Fact]
    public void TryMap_TransposedDims_FindsOffsets()
    {
        var small = Coordinates.Parse("""{"coords": [{"name": "lon", "start": -120, "stop": -100, "step": 0.5}, {"name": "lat", "start": 50, "stop": 30, "step": -0.5}]}""");
        Assert.True(SubsetReuse.TryMap(Big, small, out var offsets));
        Assert.Equal(20, offsets["lat"]);
        Assert.Equal(20, offsets["lon"]);
    }
}
