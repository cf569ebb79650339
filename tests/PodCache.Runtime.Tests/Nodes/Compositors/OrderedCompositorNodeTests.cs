using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Compositors;

public class OrderedCompositorNodeTests
{
    private const string Grid2x2 = """{"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1]}]}""";

    // An Array with a time dim: evaluating it at a lat/lon request throws, so it proves whether it was evaluated.
    private const string Poison = """
        "c": {"node": "data.Array", "attrs": {"source": [[[7], [7]], [[7], [7]]],
              "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1]},
                                         {"name": "time", "values": ["2020-01-01"]}]}}}
        """;

    private static string Array2x2(string name, string source) =>
        $$$"""
        "{{{name}}}": {"node": "data.Array", "attrs": {"source": {{{source}}}, "coordinates": {{{Grid2x2}}}}}
        """;

    private static async Task<PipelineRun> RunAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
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
    public async Task Run_FilledBySecondSource_NeverEvaluatesTheThird()
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, NaN], [3, Infinity]]")}}},
              {{{Array2x2("b", "[[10, 20], [NaN, 40]]")}}},
              {{{Poison}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a", "b", "c"]}}
            }
            """;

        var run = await RunAsync(pipeline, Grid2x2);

        AssertValues([1, 20, 3, 40], run.Output!);
        Assert.Equal(CacheStatus.Computed, run.Nodes["a"].Status);
        Assert.Equal(CacheStatus.Computed, run.Nodes["b"].Status);
        Assert.Equal(CacheStatus.Pruned, run.Nodes["c"].Status);
    }

    [Fact]
    public async Task Run_FirstSourceComplete_NeverEvaluatesTheRest()
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, 2], [3, 4]]")}}},
              {{{Poison}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a", "c"]}}
            }
            """;

        var run = await RunAsync(pipeline, Grid2x2);

        AssertValues([1, 2, 3, 4], run.Output!);
        Assert.Equal(CacheStatus.Pruned, run.Nodes["c"].Status);
    }

    [Fact]
    public async Task Run_CellsStillUnfilled_EvaluatesTheNextSource()
    {
        // Control for the early-stop tests: the poisoned source is reached here, and its error surfaces.
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, NaN], [3, Infinity]]")}}},
              {{{Array2x2("b", "[[10, NaN], [NaN, 40]]")}}},
              {{{Poison}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a", "b", "c"]}}
            }
            """;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(pipeline, Grid2x2));

        Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("time"));
    }

    [Fact]
    public async Task Run_NoSourceFinite_LeavesNaNAndNeverInfinity()
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[Infinity, NaN], [NaN, 1]]")}}},
              {{{Array2x2("b", "[[-Infinity, NaN], [2, 2]]")}}},
              "comp": {"node": "core.compositor.ordered_compositor.OrderedCompositor", "attrs": {"dims": [], "source_coordinates": null},
                       "inputs": {"sources": ["a", "b"]}}
            }
            """;

        var run = await RunAsync(pipeline, Grid2x2);

        AssertValues([double.NaN, double.NaN, 2, 1], run.Output!);
    }

    [Fact]
    public async Task Run_DescendingStoredArray_IsCopiedByPositionNotLabel()
    {
        // SEMANTICS §8 QUIRK: the Array answers in its own (descending) order and the compositor copies positionally,
        // so an ascending request gets the rows upside down.
        const string pipeline = """
            {
              "desc": {"node": "data.Array", "attrs": {"source": [[30], [20], [10], [0]],
                       "coordinates": {"coords": [{"name": "lat", "start": 3, "stop": 0, "step": -1}, {"name": "lon", "values": [0]}]}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["desc"]}}
            }
            """;
        const string coords = """{"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1}, {"name": "lon", "values": [0]}]}""";

        var run = await RunAsync(pipeline, coords);

        Assert.Equal(new[] { 0.0, 1, 2, 3 }, run.Output!.Coordinates["lat"].Points.ToArray());
        AssertValues([30, 20, 10, 0], run.Output);
    }

    [Fact]
    public async Task Run_SourceOfAnotherShape_IsAnError()
    {
        const string pipeline = """
            {
              "a": {"node": "data.Array", "attrs": {"source": [[1], [NaN], [3], [4]],
                    "coordinates": {"coords": [{"name": "lat", "values": [0, 1, 2, 3]}, {"name": "lon", "values": [0]}]}}},
              "b": {"node": "data.Array", "attrs": {"source": [[5], [6]],
                    "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0]}]}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a", "b"]}}
            }
            """;
        const string coords = """{"coords": [{"name": "lat", "values": [0, 1, 2, 3]}, {"name": "lon", "values": [0]}]}""";

        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(pipeline, coords));

        Assert.Contains(ex.Errors, e => e.Path == "comp" && e.Message.Contains("shape [2, 1]") && e.Message.Contains("[4, 1]"));
    }

    private const string WithTime = """
        {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1]}, {"name": "time", "values": ["2020-01-01", "2020-01-02"]}]}
        """;

    [Fact]
    public async Task Run_ExtraRequestDimWithoutDimsAttr_IsAnError()
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, 2], [3, 4]]")}}},
              "comp": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a"]}}
            }
            """;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(pipeline, WithTime));

        Assert.Contains(ex.Errors, e => e.Path == "comp" && e.Message.Contains("'dims'"));
    }

    [Fact]
    public async Task Run_DimsAttr_DropsExtraRequestDimsBeforeSourcesAreEvaluated()
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, NaN], [3, 4]]")}}},
              {{{Array2x2("b", "[[9, 2], [9, 9]]")}}},
              "comp": {"node": "compositor.OrderedCompositor", "attrs": {"dims": ["lat", "lon"]}, "inputs": {"sources": ["a", "b"]}}
            }
            """;
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var p = Pipeline.Parse(pipeline);

        var run = await runner.RunAsync(p, Coordinates.Parse(WithTime));
        var direct = await runner.RunAsync(p, Coordinates.Parse(Grid2x2), "a");

        Assert.Equal(new[] { "lat", "lon" }, run.Output!.Dims);
        AssertValues([1, 2, 3, 4], run.Output);
        // The source was asked for the request without 'time', so it shares the ResultKey of a plain lat/lon request.
        Assert.Equal(direct.Nodes["a"].ResultKey, run.Nodes["a"].ResultKey);
    }

    [Theory]
    [InlineData("\"source_coordinates\": {\"coords\": [{\"name\": \"time\", \"values\": [\"2020-01-01\", \"2020-01-02\", \"2020-01-03\"]}]}", "comp.attrs.source_coordinates")]
    [InlineData("\"source_coordinates\": {\"coords\": [{\"name\": \"time\", \"values\": [\"2020-01-01\", \"2020-01-02\"]}, {\"name\": \"lat\", \"values\": [1]}]}", "comp.attrs.source_coordinates")]
    [InlineData("\"source_coordinates\": {\"coords\": [{\"name\": \"time\"}]}", "comp.attrs.source_coordinates.coords[0]")]
    [InlineData("\"dims\": [\"depth\"]", "comp.attrs.dims")]
    [InlineData("\"dims\": \"lat\"", "comp.attrs.dims")]
    public void Parse_BadAttrs_ReportTheAttrPath(string attrs, string path)
    {
        string pipeline = $$$"""
            {
              {{{Array2x2("a", "[[1, 2], [3, 4]]")}}},
              {{{Array2x2("b", "[[1, 2], [3, 4]]")}}},
              "comp": {"node": "compositor.OrderedCompositor", "attrs": { {{{attrs}}} }, "inputs": {"sources": ["a", "b"]}}
            }
            """;

        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));

        Assert.Contains(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public void Type_Compositor_IsPointwiseSoNotExtentDependent()
    {
        Assert.False(PodCache.Runtime.Nodes.Compositors.OrderedCompositorNode.Type.ExtentDependent);
        Assert.Equal("compositor.OrderedCompositor",
            Pipeline.Parse($$$"""{ {{{Array2x2("a", "[[1, 2], [3, 4]]")}}}, "c": {"node": "compositor.ordered_compositor.OrderedCompositor", "inputs": {"sources": ["a"]}} }""")["c"].Type.Name);
    }
}
