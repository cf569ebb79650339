using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Stats;

public class ResampleReduceNodeTests
{
    private const double Nan = double.NaN;

    private static string Pipeline(string times, string values, string attrs) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": {{{values}}},
                "coordinates": {"coords": [{"name": "time", "values": {{{times}}} }]} } },
          "r": {"node": "core.algorithm.stats.ResampleReduce", "attrs": { {{{attrs}}} }, "inputs": {"source": "a"}}
        }
        """;

    private static async Task<DataArray> EvalAsync(string times, string values, string attrs)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        return (await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(times, values, attrs)),
            Coordinates.Parse($$$"""{"coords": [{"name": "time", "values": {{{times}}}}]}"""))).Output!;
    }

    private static string[] Labels(DataArray a)
    {
        var axis = a.Coordinates["time"];
        return Enumerable.Range(0, axis.Size).Select(i => axis.FormatPoint(axis[i])[..10]).ToArray();
    }

    private static void AssertValues(double[] expected, DataArray actual) => AssertValues(expected, actual.Values.ToArray());

    private static void AssertValues(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"cell {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private const string Days = """["2020-01-02", "2020-01-03", "2020-01-04", "2020-01-09", "2020-02-01"]""";

    [Fact]
    public async Task Evaluate_FixedDays_BinsFromMidnightOfTheFirstDay_EmptyBinNaN_AllNaNSumZero()
    {
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, NaN]", "\"resample\": \"2D\", \"reduce_fn\": \"sum\"");

        Assert.Equal(16, output.Length);
        Assert.Equal(new[] { "2020-01-02", "2020-01-04", "2020-01-06", "2020-01-08" }, Labels(output)[..4]);
        Assert.Equal("2020-02-01", Labels(output)[^1]);
        AssertValues([3, 0, Nan, 4], output.Values[..4].ToArray());
        Assert.Equal(0.0, output.Values[^1]);
    }

    [Fact]
    public async Task Evaluate_EmptyBin_NaNEvenForCount()
    {
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, NaN]", "\"resample\": \"2D\", \"reduce_fn\": \"count\"");

        AssertValues([2, 0, Nan, 1], output.Values[..4].ToArray());
    }

    [Fact]
    public async Task Evaluate_MonthEnd_LabelledByTheLastDay()
    {
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, 5]", "\"resample\": \"M\", \"reduce_fn\": \"mean\"");

        Assert.Equal(new[] { "2020-01-31", "2020-02-29" }, Labels(output));
        AssertValues([7.0 / 3, 5], output);
    }

    [Theory]
    [InlineData("MS", new[] { "2020-01-01", "2020-02-01" })]
    [InlineData("QS", new[] { "2020-01-01" })]
    [InlineData("Q", new[] { "2020-03-31" })]
    [InlineData("A", new[] { "2020-12-31" })]
    [InlineData("YS", new[] { "2020-01-01" })]
    public async Task Evaluate_AnchoredCalendarBins_Labels(string freq, string[] labels)
    {
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, 5]", $"\"resample\": \"{freq}\", \"reduce_fn\": \"max\"");

        Assert.Equal(labels, Labels(output));
    }

    [Fact]
    public async Task Evaluate_Weekly_WeeksEndingOnSunday()
    {
        // 2020-01-05 and 2020-01-12 are Sundays; the week to 01-19 holds no time; 2020-02-01 (Saturday) ends on 02-02.
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, 5]", "\"resample\": \"W\", \"reduce_fn\": \"max\"");

        Assert.Equal(new[] { "2020-01-05", "2020-01-12", "2020-01-19", "2020-01-26", "2020-02-02" }, Labels(output));
        AssertValues([2, 4, Nan, Nan, 5], output);
    }

    [Fact]
    public async Task Evaluate_WeeklyAnchoredMonday()
    {
        var output = await EvalAsync(Days, "[1, 2, NaN, 4, 5]", "\"resample\": \"W-MON\", \"reduce_fn\": \"min\"");

        Assert.Equal("2020-01-06", Labels(output)[0]);
        Assert.Equal(1.0, output.Values[0]);
    }

    [Fact]
    public async Task Evaluate_Hours_FinerUnitLabels()
    {
        var output = await EvalAsync("""["2020-01-01T01:00:00", "2020-01-01T07:00:00", "2020-01-01T23:00:00"]""", "[1, 2, 3]",
            "\"resample\": \"6H\", \"reduce_fn\": \"sum\"");

        var axis = output.Coordinates["time"];
        Assert.Equal(new[] { "2020-01-01T00:00:00", "2020-01-01T06:00:00", "2020-01-01T12:00:00", "2020-01-01T18:00:00" },
            Enumerable.Range(0, axis.Size).Select(i => axis.FormatPoint(axis[i])).ToArray());
        AssertValues([1, 2, Nan, 3], output);
    }

    [Theory]
    [InlineData("\"resample\": \"3X\", \"reduce_fn\": \"sum\"", "r.attrs.resample")]
    [InlineData("\"resample\": \"2BM\", \"reduce_fn\": \"sum\"", "r.attrs.resample")]
    [InlineData("\"resample\": \"0M\", \"reduce_fn\": \"sum\"", "r.attrs.resample")]
    [InlineData("\"resample\": \"0D\", \"reduce_fn\": \"sum\"", "r.attrs.resample")]
    [InlineData("\"resample\": \"D\", \"reduce_fn\": \"avg\"", "r.attrs.reduce_fn")]
    [InlineData("\"reduce_fn\": \"sum\"", "r.attrs.resample")]
    public void Parse_BadAttrs_ReportTheAttrPath(string attrs, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(Days, "[1, 2, 3, 4, 5]", attrs)));

        Assert.Contains(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public async Task Evaluate_NumericTime_IsAnEvaluationError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => EvalAsync("[1, 2, 3]", "[1, 2, 3]", "\"resample\": \"D\", \"reduce_fn\": \"sum\""));

        Assert.Contains(ex.Errors, e => e.Path == "r" && e.Message.Contains("datetimes"));
    }

    [Fact]
    public void Type_ResampleReduce_IsExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Algorithms.Stats.ResampleReduceNode.Type.ExtentDependent);
    }
}
