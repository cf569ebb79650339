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

        Assert.Contains(ex.Errors, e => e.Path == "r" && e.Message.Contains("'time'"));
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

        Assert.Contains(ex.Errors, e => e.Path == "r.attrs.dims" && e.Message.Contains(fragment));
    }

    [Fact]
    public void Type_Reductions_AreExtentDependent()
    {
        Assert.All(PodCache.Runtime.Nodes.Algorithms.Stats.ReduceNode.Types, t => Assert.True(t.ExtentDependent, t.Name));
        Assert.Equal(11, PodCache.Runtime.Nodes.Algorithms.Stats.ReduceNode.Types.Select(t => t.Name).Distinct().Count());
    }

    private static string PercentilePipeline(string dimsJson, string? percentileJson, string source = Holes, int nlat = 3, int nlon = 4) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": {{{source}}}, "coordinates": {{{ArrayCoords(nlat, nlon)}}}}},
          "r": {"node": "core.algorithm.stats.Percentile", "attrs": {"dims": {{{dimsJson}}}{{{(percentileJson is null ? "" : ", \"percentile\": " + percentileJson)}}}}, "inputs": {"source": "a"}},
          "podpac_output_node": "r"
        }
        """;

    [Theory]
    // Row 0 holds 1, 3, 4 and row 2 holds 2, 5, 7: position p/100·2 between order statistics, numpy's lerp.
    [InlineData(25, new[] { 2.0, Nan, 3.5 })]
    [InlineData(50, new[] { 3.0, Nan, 5.0 })]
    [InlineData(0, new[] { 1.0, Nan, 2.0 })]
    [InlineData(100, new[] { 4.0, Nan, 7.0 })]
    [InlineData(90, new[] { 3.8, Nan, 6.6 })]
    public async Task Evaluate_PercentileOverLon_InterpolatesBetweenOrderStatistics(double percentile, double[] expected)
    {
        var run = await RunAsync(PercentilePipeline("\"lon\"", percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)), LatLon);

        Assert.Equal(new[] { "lat" }, run.Output!.Dims);
        AssertValues(expected, run.Output);
    }

    [Fact]
    public async Task Evaluate_PercentileWithInfinity_NaNWhereANeighbourIsInfinite()
    {
        // Row 0 sorted is 1, 3, inf: p0 reads 1 alone, p50 lerps 3..inf (inf·0 = NaN), p100 is inf − inf; numpy gives the same.
        foreach (var (p, expected) in new[] { (0, 1.0), (50, Nan), (100, Nan) })
        {
            var run = await RunAsync(PercentilePipeline("\"lon\"", p.ToString(System.Globalization.CultureInfo.InvariantCulture), Infinities, 2, 3), LatLon23);

            AssertValues([expected, Nan], run.Output!);
        }
    }

    [Fact]
    public async Task Evaluate_PercentileDefault_EqualsMedian()
    {
        var percentile = (await RunAsync(PercentilePipeline("[\"lat\"]", null), LatLon)).Output!;
        var median = await EvalAsync("algorithm.Median", "[\"lat\"]");

        AssertValues(median.Values.ToArray(), percentile);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100.5")]
    [InlineData("NaN")]
    public void Parse_PercentileOutOfRange_ReportsTheAttrPath(string percentileJson)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(PercentilePipeline("null", percentileJson)));

        Assert.Contains(ex.Errors, e => e.Path == "r.attrs.percentile" && e.Message.Contains("between 0 and 100"));
    }

    [Fact]
    public void Parse_PercentileNotANumber_ReportsTheAttrPath()
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(PercentilePipeline("null", "\"high\"")));

        Assert.Contains(ex.Errors, e => e.Path == "r.attrs.percentile");
    }

    [Fact]
    public async Task Evaluate_SkewAndKurtosisOverLon_PopulationMoments()
    {
        var skew = await EvalAsync("algorithm.Skew", "\"lon\"");
        var kurtosis = await EvalAsync("core.algorithm.stats.Kurtosis", "[\"lon\"]");

        // Row 0: 1, 3, 4 (mean 8/3, m2 14/9, m3 −20/27, m4 98/27); row 2: 2, 5, 7 (mean 14/3, m2 38/9, m3 −56/27, m4 722/27).
        AssertValues([-20.0 / 27 / Math.Pow(14.0 / 9, 1.5), Nan, -56.0 / 27 / Math.Pow(38.0 / 9, 1.5)], skew);
        AssertValues([98.0 / 27 / (14.0 / 9 * (14.0 / 9)) - 3, Nan, 722.0 / 27 / (38.0 / 9 * (38.0 / 9)) - 3], kurtosis);
        Assert.Equal(-0.3818017741606059, skew.Values[0], 12);
        Assert.Equal(-1.5, kurtosis.Values[2], 12);
    }

    [Theory]
    [InlineData("algorithm.Skew")]
    [InlineData("algorithm.Kurtosis")]
    public async Task Evaluate_SkewKurtosisConstantSingleOrInfinite_NaN(string node)
    {
        // Row 0: 5, 5, 5 (constant); row 1: 7 and two NaN (one value); row 2: 1, inf, 3.
        const string data = "[[5, 5, 5], [7, NaN, NaN], [1, Infinity, 3]]";
        var output = await EvalAsync(node, "\"lon\"", data, ArrayCoords(3, 3), 3, 3);

        AssertValues([Nan, Nan, Nan], output);
    }

    [Fact]
    public async Task Evaluate_KurtosisOfTwoDistinctValues_MinusTwo()
    {
        const string data = "[[1, 3, NaN, 1, 3]]";
        var output = await EvalAsync("algorithm.Kurtosis", "\"lon\"", data, ArrayCoords(1, 5), 1, 5);

        AssertValues([-2.0], output);
    }

    [Theory]
    [InlineData("core.algorithm.stats.Percentile", false)]
    [InlineData("algorithm.Skew", true)]
    [InlineData("algorithm.Kurtosis", true)]
    public async Task Evaluate_DimsNotInRequest_NothingReducedPercentileKeepsSkewKurtosisNaN(string node, bool allNaN)
    {
        var output = await EvalAsync(node, "[\"time\"]");

        Assert.Equal(new[] { "lat", "lon" }, output.Dims);
        var holes = new[] { 1, Nan, 3, 4, Nan, Nan, Nan, Nan, 2, 5, Nan, 7 };
        AssertValues(allNaN ? Enumerable.Repeat(Nan, 12).ToArray() : holes, output);
    }
}
