using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Compositors;

public class TileCompositorNodeTests
{
    private static string Tile(string name, string source, string lat, string lon) =>
        $$$"""
        "{{{name}}}": {"node": "data.Array", "attrs": {"source": {{{source}}},
            "coordinates": {"coords": [{"name": "lat", "values": {{{lat}}} }, {"name": "lon", "values": {{{lon}}} }]} } }
        """;

    private static async Task<PipelineRun> RunAsync(string pipeline, string coords, bool subsetReuse = true)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26), new RunnerOptions { SubsetReuse = subsetReuse });
        return await runner.RunAsync(Pipeline.Parse(pipeline), Coordinates.Parse(coords));
    }

    private static void AssertValues(double[] expected, DataArray actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual.Values[i]), $"cell {i}: expected {expected[i]}, got {actual.Values[i]}");
        }
    }

    [Fact]
    public async Task SourceCoordinates_TheSourcesTheRequestDoesNotSelect_AreNeverEvaluated()
    {
        // Three lat tiles, each labelled by its lat in source_coordinates; a request at lat 10..11 selects the second
        // and, by the outer selection, the third (lat 20 is the next one beyond 11); the first (lat 0) is pruned.
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[1]]", "[0]", "[0]")}}},
              {{{Tile("b", "[[2], [3]]", "[10, 11]", "[0]")}}},
              {{{Tile("c", "[[4]]", "[20]", "[0]")}}},
              "t": {"node": "compositor.TileCompositor",
                    "attrs": {"source_coordinates": {"coords": [{"name": "lat", "values": [0, 10, 20]}]}},
                    "inputs": {"sources": ["a", "b", "c"]}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "lat", "values": [10, 11]}, {"name": "lon", "values": [0]}]}""");

        Assert.Equal(CacheStatus.Pruned, run.Nodes["a"].Status);
        Assert.Equal(CacheStatus.Computed, run.Nodes["b"].Status);
        Assert.Equal(CacheStatus.Computed, run.Nodes["c"].Status);
        AssertValues([2, 3], run.Output!);
    }

    [Fact]
    public async Task Run_OverlappingTiles_FirstWinsByLabelAndItsNaNsAreFilled()
    {
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[1, NaN, 3], [4, 5, Infinity]]", "[0, 1]", "[0, 1, 2]")}}},
              {{{Tile("b", "[[10, 20, 30], [40, 50, 60]]", "[0, 1]", "[1, 2, 3]")}}},
              "t": {"node": "compositor.TileCompositor", "inputs": {"sources": ["a", "b"]}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1, 2, 3]}]}""");

        var output = run.Output!;
        Assert.Equal(new[] { 0.0, 1.0, 2.0, 3.0 }, output.Coordinates["lon"].Points.ToArray());
        // Matched by label: a's lon 1 (NaN) takes b's first column; a's infinity is a value, not a gap.
        AssertValues([1, 10, 3, 30, 4, 5, double.PositiveInfinity, 60], output);
    }

    [Fact]
    public async Task Run_TilesOnDifferentGrids_UnionSortedAscendingEvenForADescendingRequest()
    {
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[7, 8], [9, 11]]", "[1.5, 0.5]", "[0, 1]")}}},
              {{{Tile("b", "[[1, 2], [3, 4]]", "[0, 1]", "[0, 1]")}}},
              "t": {"node": "core.compositor.tile_compositor.TileCompositor", "attrs": {"dims": [], "source_coordinates": null},
                    "inputs": {"sources": ["a", "b"]}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "lat", "values": [1.5, 1, 0.5, 0]}, {"name": "lon", "values": [0, 1]}]}""");

        var output = run.Output!;
        Assert.Equal(new[] { 0.0, 0.5, 1.0, 1.5 }, output.Coordinates["lat"].Points.ToArray());
        AssertValues([1, 2, 9, 11, 3, 4, 7, 8], output);
    }

    [Fact]
    public async Task Run_SameGridTiles_KeepTheirOrder()
    {
        // pandas returns an index unchanged when both sides are equal, so a descending grid stays descending.
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[NaN, 2], [3, NaN]]", "[1, 0]", "[0, 1]")}}},
              {{{Tile("b", "[[10, 20], [30, 40]]", "[1, 0]", "[0, 1]")}}},
              "t": {"node": "compositor.TileCompositorRaw", "inputs": {"sources": ["a", "b"]}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "lat", "values": [1, 0]}, {"name": "lon", "values": [0, 1]}]}""");

        Assert.Equal(new[] { 1.0, 0.0 }, run.Output!.Coordinates["lat"].Points.ToArray());
        AssertValues([10, 2, 3, 40], run.Output);
    }

    [Fact]
    public async Task Run_SourceLackingADim_IsBroadcastOverIt()
    {
        string pipeline = """
            {
              "lat": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
              "a": {"node": "data.Array", "attrs": {"source": [[NaN, 2], [3, NaN]],
                    "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [5, 6]}]}}},
              "t": {"node": "compositor.TileCompositor", "inputs": {"sources": ["a", "lat"]}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [5, 6]}]}""");

        AssertValues([0, 2, 3, 1], run.Output!);
    }

    [Fact]
    public async Task Run_AlignedSubGridOfExtentIndependentTiles_IsSlicedAndEqualsFresh()
    {
        const string pipeline = """
            {
              "sin": {"node": "algorithm.SinCoords"},
              "lat": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
              "t": {"node": "compositor.TileCompositor", "inputs": {"sources": ["sin", "lat"]}}
            }
            """;
        const string big = """{"coords": [{"name": "lat", "start": 40, "stop": 20, "step": -1}, {"name": "lon", "start": 0, "stop": 10, "step": 1}]}""";
        const string small = """{"coords": [{"name": "lat", "start": 35, "stop": 25, "step": -1}, {"name": "lon", "start": 2, "stop": 6, "step": 1}]}""";
        var p = Pipeline.Parse(pipeline);
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        await runner.RunAsync(p, Coordinates.Parse(big));

        var sub = await runner.RunAsync(p, Coordinates.Parse(small));
        var fresh = (await RunAsync(pipeline, small, subsetReuse: false)).Output!;

        Assert.Equal(0, sub.ComputedCount);
        Assert.Equal(fresh.Coordinates.Key, sub.Output!.Coordinates.Key);
        AssertValues(fresh.Values.ToArray(), sub.Output);
    }

    [Fact]
    public void Parse_SourceCoordinatesNotOnePerSource_ReportsTheAttrPath()
    {
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[1]]", "[0]", "[0]")}}},
              "t": {"node": "compositor.TileCompositor", "attrs": {"source_coordinates": {"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02"]}]}},
                    "inputs": {"sources": ["a"]}}
            }
            """;

        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));

        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.source_coordinates");
    }

    [Fact]
    public void Parse_SourceCoordinatesALoneSurrogateString_IsAPipelineError_NotACrash()
    {
        // Found by the pipeline fuzzer (seed 1ehNNxUTmWS8): a string that is not valid UTF-16 cannot be read as JSON.
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[1]]", "[0]", "[0]")}}},
              "t": {"node": "compositor.TileCompositor", "attrs": {"source_coordinates": "\ud800"}, "inputs": {"sources": ["a"]}}
            }
            """;

        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));

        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.source_coordinates" && e.Message.Contains("not coordinates JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BadDim_ReportsTheAttrPath()
    {
        string pipeline = $$$"""
            {
              {{{Tile("a", "[[1]]", "[0]", "[0]")}}},
              "t": {"node": "compositor.TileCompositor", "attrs": {"dims": ["depth"]}, "inputs": {"sources": ["a"]}}
            }
            """;

        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));

        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.dims" && e.Message.Contains("'depth'"));
    }

    [Fact]
    public void Type_TileCompositor_IsNotExtentDependent()
    {
        Assert.False(PodCache.Runtime.Nodes.Compositors.TileCompositorNode.Type.ExtentDependent);
    }
}
