using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Stats;

public class GroupReduceNodeTests
{
    private const double Nan = double.NaN;

    // Six times over two years × lat 0, 1; lat 1 is NaN in January 2020 and all of February.
    private const string Times = """["2019-01-05", "2019-01-20", "2019-02-03", "2020-01-15", "2020-02-29", "2020-12-31"]""";

    private static string Pipeline(string node, string attrs) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": [[1, 10], [2, 20], [3, NaN], [4, NaN], [0, NaN], [6, 60]],
                "coordinates": {"coords": [{"name": "time", "values": {{{Times}}} }, {"name": "lat", "values": [0, 1]}]} } },
          "g": {"node": "{{{node}}}", "attrs": { {{{attrs}}} }, "inputs": {"source": "a", "coordinates_source": "a"}}
        }
        """;

    private static readonly string Request = $$$"""{"coords": [{"name": "time", "values": {{{Times}}}}, {"name": "lat", "values": [0, 1]}]}""";

    private static async Task<DataArray> EvalAsync(string node, string attrs, string? coords = null)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        return (await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(node, attrs)), Coordinates.Parse(coords ?? Request))).Output!;
    }

    private static void AssertValues(double[] expected, DataArray actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual.Values[i];
            Assert.True(e.Equals(a) || Math.Abs(e - a) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
        }
    }

    [Theory]
    [InlineData("mean", new[] { 7.0 / 3, 15, 1.5, Nan, 6, 60 })]
    [InlineData("MEAN", new[] { 7.0 / 3, 15, 1.5, Nan, 6, 60 })]
    [InlineData("sum", new[] { 7.0, 30, 3, 0, 6, 60 })]
    [InlineData("count", new[] { 3.0, 2, 2, 0, 1, 1 })]
    [InlineData("prod", new[] { 8.0, 200, 0, 1, 6, 60 })]
    [InlineData("max", new[] { 4.0, 20, 3, Nan, 6, 60 })]
    [InlineData("std", new[] { 1.247219128924647, 5, 1.5, Nan, 0, 0 })]
    [InlineData("all", new[] { 1.0, 1, 0, 1, 1, 1 })]
    [InlineData("any", new[] { 1.0, 1, 1, 1, 1, 1 })]
    public async Task Evaluate_ByMonth_GroupsBothYears(string fn, double[] expected)
    {
        var output = await EvalAsync("algorithm.GroupReduce", $"\"groupby\": \"month\", \"reduce_fn\": \"{fn}\"");

        Assert.Equal(new[] { "time", "lat" }, output.Dims);
        Assert.Null(output.Coordinates["time"].Unit);
        Assert.Equal(new[] { 1.0, 2.0, 12.0 }, output.Coordinates["time"].Points.ToArray());
        AssertValues(expected, output);
    }

    [Fact]
    public async Task Evaluate_DayOfYear_LeapYearsDec31IsDay366_TimeKeepsItsPlace()
    {
        var output = await EvalAsync("core.algorithm.stats.DayOfYear", "\"reduce_fn\": \"min\"",
            $$$"""{"coords": [{"name": "lat", "values": [0, 1]}, {"name": "time", "values": {{{Times}}}}]}""");

        Assert.Equal(new[] { "lat", "time" }, output.Dims);
        Assert.Equal(new[] { 5.0, 15, 20, 34, 60, 366 }, output.Coordinates["time"].Points.ToArray());
        AssertValues([1, 4, 2, 3, 0, 6, 10, Nan, 20, Nan, Nan, 60], output);
    }

    [Fact]
    public async Task Evaluate_WeekOfYear_IsoWeeks()
    {
        var output = await EvalAsync("algorithm.GroupReduce", "\"groupby\": \"WeekOfYear\", \"reduce_fn\": \"count\"");

        // 2019-01-05 is ISO week 1, 2019-01-20 week 3, 2019-02-03 week 5, 2020-01-15 week 3, 2020-02-29 week 9, 2020-12-31 week 53.
        Assert.Equal(new[] { 1.0, 3, 5, 9, 53 }, output.Coordinates["time"].Points.ToArray());
        AssertValues([1, 1, 2, 1, 1, 0, 1, 0, 1, 1], output);
    }

    [Fact]
    public async Task Evaluate_SourceWithoutTime_IsAnEvaluationError()
    {
        const string pipeline = """
            {"sin": {"node": "algorithm.SinCoords"},
             "g": {"node": "algorithm.DayOfYear", "attrs": {"reduce_fn": "mean"}, "inputs": {"source": "sin"}}}
            """;
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));

        var ex = await Assert.ThrowsAsync<PipelineException>(() =>
            runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline), Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}]}""")));

        Assert.Contains(ex.Errors, e => e.Path == "g" && e.Message.Contains("time"));
    }

    [Theory]
    [InlineData("algorithm.GroupReduce", "\"groupby\": \"season\", \"reduce_fn\": \"mean\"", "g.attrs.groupby", "season")]
    [InlineData("algorithm.GroupReduce", "\"groupby\": \"year\", \"reduce_fn\": \"mean\"", "g.attrs.groupby", "must be one of")]
    [InlineData("algorithm.GroupReduce", "\"reduce_fn\": \"mean\"", "g.attrs.groupby", "")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"mode\"", "g.attrs.reduce_fn", "must be one of")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"1\"", "g.attrs.reduce_fn", "must be one of")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"max, min\"", "g.attrs.reduce_fn", "must be one of")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"custom\"", "g.attrs.reduce_fn", "Python")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"mean\", \"custom_reduce_fn\": \"f\"", "g.attrs.custom_reduce_fn", "Python")]
    [InlineData("algorithm.DayOfYear", "\"reduce_fn\": \"mean\", \"groupby\": \"month\"", "g.attrs.groupby", "")]
    public void Parse_BadAttrs_ReportTheAttrPath(string node, string attrs, string path, string fragment)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(node, attrs)));

        Assert.Contains(ex.Errors, e => e.Path == path && e.Message.Contains(fragment));
    }

    [Fact]
    public void Types_GroupReductions_AreExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Algorithms.Stats.GroupReduceNode.GroupReduceType.ExtentDependent);
        Assert.True(PodCache.Runtime.Nodes.Algorithms.Stats.GroupReduceNode.DayOfYearType.ExtentDependent);
    }
}
