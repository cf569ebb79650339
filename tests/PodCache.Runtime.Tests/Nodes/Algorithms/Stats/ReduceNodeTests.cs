using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Stats;

public class ReduceNodeTests
{
    private const double Nan = double.NaN;
    private const double Inf = double.PositiveInfinity;

    // lat 0..2 × lon 0..3; row 1 is all NaN (the data of conformance case 011).
    private const string Holes = """
        [[1, NaN, 3, 4],
         [NaN, NaN, NaN, NaN],
         [2, 5, NaN, 7]]
        """;

    // lat 0..1 × lon 0..2 with infinities.
    private const string Infinities = """
        [[1, Infinity, 3],
         [Infinity, -Infinity, NaN]]
        """;

    private const string LatLon = """{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "start": 0, "stop": 3, "step": 1}]}""";
    private const string LatLon23 = """{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""";

    private static string ArrayCoords(int nlat, int nlon) =>
        $$$"""{"coords": [{"name": "lat", "start": 0, "stop": {{{nlat - 1}}}, "step": 1}, {"name": "lon", "start": 0, "stop": {{{nlon - 1}}}, "step": 1}]}""";

    private static string Pipeline(string node, string dimsJson, string source, int nlat = 3, int nlon = 4) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": {{{source}}}, "coordinates": {{{ArrayCoords(nlat, nlon)}}}}},
          "r": {"node": "{{{node}}}", "attrs": {"dims": {{{dimsJson}}}}, "inputs": {"source": "a"}},
          "podpac_output_node": "r"
        }
        """;

    private static async Task<PipelineRun> RunAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        return await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline), Coordinates.Parse(coords));
    }

    private static async Task<DataArray> EvalAsync(string node, string dimsJson, string source = Holes, string coords = LatLon,
        int nlat = 3, int nlon = 4) =>
        (await RunAsync(Pipeline(node, dimsJson, source, nlat, nlon), coords)).Output!;

    private static void AssertValues(double[] expected, DataArray actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual.Values[i];
            if (double.IsNaN(e))
            {
                Assert.True(double.IsNaN(a), $"cell {i}: expected NaN, got {a}");
            }
            else
            {
                Assert.True(e == a || Math.Abs(e - a) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
            }
        }
    }

    [Theory]
    [InlineData("algorithm.Min", new[] { 1.0, Nan, 2.0 })]
    [InlineData("algorithm.Max", new[] { 4.0, Nan, 7.0 })]
    [InlineData("algorithm.Sum", new[] { 8.0, 0.0, 14.0 })]
    [InlineData("algorithm.Count", new[] { 3.0, 0.0, 3.0 })]
    [InlineData("algorithm.Mean", new[] { 8.0 / 3, Nan, 14.0 / 3 })]
    [InlineData("algorithm.Variance", new[] { 14.0 / 9, Nan, 38.0 / 9 })]
    [InlineData("algorithm.StandardDeviation", new[] { 1.247219128924647, Nan, 2.0548046676563256 })]
    [InlineData("algorithm.Median", new[] { 3.0, Nan, 5.0 })]
    public async Task Evaluate_OverLonWithNaNAndAllNaNRow_SkipsNaN(string node, double[] expected)
    {
        var output = await EvalAsync(node, "\"lon\"");

        Assert.Equal(new[] { "lat" }, output.Dims);
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, output.Coordinates["lat"].Points.ToArray());
        AssertValues(expected, output);
    }

    [Theory]
    [InlineData("algorithm.Min", new[] { 1.0, 5.0, 3.0, 4.0 })]
    [InlineData("algorithm.Max", new[] { 2.0, 5.0, 3.0, 7.0 })]
    [InlineData("algorithm.Sum", new[] { 3.0, 5.0, 3.0, 11.0 })]
    [InlineData("algorithm.Count", new[] { 2.0, 1.0, 1.0, 2.0 })]
    [InlineData("algorithm.Mean", new[] { 1.5, 5.0, 3.0, 5.5 })]
    [InlineData("algorithm.Variance", new[] { 0.25, 0.0, 0.0, 2.25 })]
    [InlineData("algorithm.StandardDeviation", new[] { 0.5, 0.0, 0.0, 1.5 })]
    [InlineData("algorithm.Median", new[] { 1.5, 5.0, 3.0, 5.5 })]
    public async Task Evaluate_OverOuterDimLat_ReducesColumns(string node, double[] expected)
    {
        var output = await EvalAsync(node, "[\"lat\"]");

        Assert.Equal(new[] { "lon" }, output.Dims);
        AssertValues(expected, output);
    }

    [Theory]
    [InlineData("algorithm.Min", 1.0)]
    [InlineData("algorithm.Max", 7.0)]
    [InlineData("algorithm.Sum", 22.0)]
    [InlineData("algorithm.Count", 6.0)]
    [InlineData("algorithm.Mean", 22.0 / 6)]
    [InlineData("algorithm.Variance", 35.0 / 9)]
    [InlineData("algorithm.StandardDeviation", 1.9720265943665387)]
    [InlineData("algorithm.Median", 3.5)]
    public async Task Evaluate_DimsNull_ReducesEverythingToZeroD(string node, double expected)
    {
        var output = await EvalAsync(node, "null");

        Assert.Equal(0, output.Rank);
        Assert.Empty(output.Dims);
        AssertValues([expected], output);
    }

    [Theory]
    [InlineData("algorithm.Min", new[] { 1.0, -Inf })]
    [InlineData("algorithm.Max", new[] { Inf, Inf })]
    [InlineData("algorithm.Sum", new[] { Inf, Nan })]
    [InlineData("algorithm.Count", new[] { 2.0, 0.0 })]
    [InlineData("algorithm.Mean", new[] { Inf, Nan })]
    [InlineData("algorithm.Variance", new[] { Nan, Nan })]
    [InlineData("algorithm.StandardDeviation", new[] { Nan, Nan })]
    [InlineData("algorithm.Median", new[] { 3.0, Nan })]
    public async Task Evaluate_WithInfinities_FollowsIeeeAndCountsFiniteOnly(string node, double[] expected)
    {
        var output = await EvalAsync(node, "\"lon\"", Infinities, LatLon23, nlat: 2, nlon: 3);

        AssertValues(expected, output);
    }

    [Theory]
    [InlineData("algorithm.Min")]
    [InlineData("algorithm.Max")]
    [InlineData("algorithm.Sum")]
    [InlineData("algorithm.Mean")]
    [InlineData("algorithm.Median")]
    public async Task Evaluate_DimsNotInRequest_ReturnsInputUnchanged(string node)
    {
        var output = await EvalAsync(node, "[\"time\", \"alt\"]");

        Assert.Equal(new[] { "lat", "lon" }, output.Dims);
        // Even Sum keeps NaN cells NaN here: xarray's reduction over no axes is the identity.
        AssertValues([1, Nan, 3, 4, Nan, Nan, Nan, Nan, 2, 5, Nan, 7], output);
    }

    [Fact]
    public async Task Evaluate_CountWithNoDimsLeft_GivesOneForFiniteCells()
    {
        var output = await EvalAsync("algorithm.Count", "\"time\"", Infinities, LatLon23, nlat: 2, nlon: 3);

        AssertValues([1, 0, 1, 0, 0, 0], output);
    }

    [Theory]
    [InlineData("algorithm.Variance")]
    [InlineData("algorithm.StandardDeviation")]
    public async Task Evaluate_VarianceWithNoDimsLeft_GivesZeroOrNaN(string node)
    {
        var output = await EvalAsync(node, "\"time\"", Infinities, LatLon23, nlat: 2, nlon: 3);

        AssertValues([0, Nan, 0, Nan, Nan, Nan], output);
    }

    [Fact]
    public async Task Evaluate_UnknownNameBesideKnownOne_ReducesOnlyTheRequestDim()
    {
        var output = await EvalAsync("algorithm.Sum", "[\"time\", \"lon\"]");

        Assert.Equal(new[] { "lat" }, output.Dims);
        AssertValues([8, 0, 14], output);
    }

    [Fact]
    public async Task NodeKey_DimsAsStringOrOneElementList_IsTheSame()
    {
        var asString = await RunAsync(Pipeline("algorithm.Mean", "\"lon\"", Holes), LatLon);
        var asList = await RunAsync(Pipeline("algorithm.Mean", "[\"lon\"]", Holes), LatLon);
        var asNull = await RunAsync(Pipeline("algorithm.Mean", "null", Holes), LatLon);

        Assert.Equal(asString.Nodes["r"].NodeKey, asList.Nodes["r"].NodeKey);
        Assert.NotEqual(asString.Nodes["r"].NodeKey, asNull.Nodes["r"].NodeKey);
    }

    [Fact]
    public async Task NodeKey_DimsOmittedOrNull_IsTheSame()
    {
        const string omitted = """
            {
              "a": {"node": "data.Array", "attrs": {"source": [1, 2], "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}]}}},
              "r": {"node": "algorithm.Sum", "inputs": {"source": "a"}}
            }
            """;
        const string explicitNull = """
            {
              "a": {"node": "data.Array", "attrs": {"source": [1, 2], "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}]}}},
              "r": {"node": "core.algorithm.stats.Sum", "attrs": {"dims": null}, "inputs": {"source": "a"}}
            }
            """;
        const string coords = """{"coords": [{"name": "lat", "values": [0, 1]}]}""";

        var a = await RunAsync(omitted, coords);
        var b = await RunAsync(explicitNull, coords);

        Assert.Equal(a.Nodes["r"].NodeKey, b.Nodes["r"].NodeKey);
        AssertValues([3], a.Output!);
    }

    [Theory]
    [InlineData("algorithm.stats.Median")]
    [InlineData("core.algorithm.stats.Median")]
    public void Parse_LongAliases_ResolveToTheCanonicalType(string alias)
    {
        var p = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(alias, "null", Holes));

        Assert.Equal("algorithm.Median", p["r"].Type.Name);
    }

    [Fact]
    public async Task Evaluate_ReducedDimInTheMiddle_TransposesToContiguousLanes()
    {
        // v[lat i, lon j, alt k] = 6i + 2j + k.
        const string pipeline = """
            {
              "a": {"node": "data.Array", "attrs": {
                "source": [[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, 11]]],
                "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1, 2]},
                                           {"name": "alt", "values": [0, 1]}]}}},
              "sum": {"node": "algorithm.Sum", "attrs": {"dims": "lon"}, "inputs": {"source": "a"}},
              "median": {"node": "algorithm.Median", "attrs": {"dims": ["alt", "lat"]}, "inputs": {"source": "a"}}
            }
            """;
        const string coords = """
            {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1, 2]}, {"name": "alt", "values": [0, 1]}]}
            """;
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var p = PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline);

        var sum = (await runner.RunAsync(p, Coordinates.Parse(coords), "sum")).Output!;
        var median = (await runner.RunAsync(p, Coordinates.Parse(coords), "median")).Output!;

        Assert.Equal(new[] { "lat", "alt" }, sum.Dims);
        AssertValues([6, 9, 24, 27], sum);
        Assert.Equal(new[] { "lon" }, median.Dims);
        AssertValues([3.5, 5.5, 7.5], median);
    }

    [Fact]
    public async Task Evaluate_RequestDimTheSourceLacks_IsAnErrorNamingTheNode()
    {
        const string coords = """
            {"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "start": 0, "stop": 3, "step": 1},
                        {"name": "time", "values": ["2020-01-01"]}]}
            """;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("algorithm.Sum", "null", Holes), coords));

        Assert.Contains(ex.Errors, e => e.Path == "nodes.r" && e.Message.Contains("'time'"));
    }

    [Theory]
    [InlineData("\"depth\"", "not a dim")]
    [InlineData("[]", "1 to 4")]
    [InlineData("[\"lat\", \"lon\", \"time\", \"alt\", \"lat\"]", "1 to 4")]
    [InlineData("[\"lat\", \"lat\"]", "twice")]
    [InlineData("3", "must be null")]
    public void Parse_BadDims_ReportsTheAttrPath(string dimsJson, string fragment)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("algorithm.Min", dimsJson, Holes)));

        Assert.Contains(ex.Errors, e => e.Path == "nodes.r.attrs.dims" && e.Message.Contains(fragment));
    }

    [Fact]
    public void Type_Reductions_AreExtentDependent()
    {
        Assert.All(PodCache.Runtime.Nodes.Algorithms.Stats.ReduceNode.Types, t => Assert.True(t.ExtentDependent, t.Name));
        Assert.Equal(8, PodCache.Runtime.Nodes.Algorithms.Stats.ReduceNode.Types.Select(t => t.Name).Distinct().Count());
    }
}
