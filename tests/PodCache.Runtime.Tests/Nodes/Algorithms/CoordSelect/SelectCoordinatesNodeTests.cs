using PodCache.Runtime.Pipelines;
using static PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect.CoordSelectTesting;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect;

public class SelectCoordinatesNodeTests
{
    private static string Pipeline(string attrs, string source = "a") => $$$"""
        {
          {{{DailyArray}}},
          "sin": {"node": "algorithm.SinCoords"},
          "s": {"node": "algorithm.SelectCoordinates", "attrs": { {{{attrs}}} }, "inputs": {"source": "{{{source}}}"}}
        }
        """;

    private const string Request = """{"coords": [{"name": "time", "values": ["2020-01-09"]}, {"name": "lat", "values": [5, 6]}]}""";

    [Fact]
    public void Modified_OneValueAndUniform_ReplaceTheRequestDims()
    {
        var c = Modified(Pipeline("\"time\": [\"2020-01-02T12:00:00\"], \"lat\": [0, 1, 0.25]"), "s", Request);

        Assert.Equal(new[] { "2020-01-02T12:00:00" }, Times(c["time"]));
        Assert.Equal(TimeUnit.Second, c["time"].Unit);
        Assert.True(c["lat"].IsUniform);
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public void Modified_TwoBounds_SourcePointsInside()
    {
        var c = Modified(Pipeline("\"time\": [\"2020-01-02T12:00:00\", \"2020-01-05\"]"), "s", Request);

        Assert.Equal(new[] { "2020-01-03T00:00:00", "2020-01-04T00:00:00", "2020-01-05T00:00:00" }, Times(c["time"]));
        Assert.Equal(new[] { 5.0, 6.0 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public void Modified_SameValueTwice_TwoCopies()
    {
        var c = Modified(Pipeline("\"lat\": [3, 3]", "sin"), "s", Request);

        Assert.Equal(new[] { 3.0, 3.0 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public async Task Run_SubstituteEvalCoords_PutsTheRequestBackByPosition()
    {
        var run = await RunAsync(Pipeline("\"lat\": [3, 3], \"substitute_eval_coords\": true", "sin"),
            """{"coords": [{"name": "lat", "values": [10, 20]}, {"name": "lon", "values": [45]}]}""");

        var output = run.Output!;
        Assert.Equal(new[] { 10.0, 20.0 }, output.Coordinates["lat"].Points.ToArray());
        double expected = Math.Sin(Math.PI * 3 / 90) * Math.Sin(Math.PI * 45 / 90);
        Assert.Equal(expected, output.Values[0], 14);
        Assert.Equal(expected, output.Values[1], 14);
    }

    [Fact]
    public async Task Run_SubstituteEvalCoordsWithOtherSize_IsAnEvaluationError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("\"lat\": [1, 3, 1], \"substitute_eval_coords\": true", "sin"),
            """{"coords": [{"name": "lat", "values": [10, 20]}]}"""));

        Assert.Contains(ex.Errors, e => e.Path == "s" && e.Message.Contains("sizes must match"));
    }

    [Theory]
    [InlineData("\"time\": [\"2020-13-45\"]", "s.attrs.time[0]", "ISO datetime")]
    [InlineData("\"time\": [\"2020-01-01\", 5]", "s.attrs.time", "numbers or both ISO datetimes")]
    [InlineData("\"time\": [\"2020-01-01\", \"2020-01-05\", \"daily\"]", "s.attrs.time[2]", "time delta")]
    [InlineData("\"lon\": [1, 2, 3, 4]", "s.attrs.lon", "4 items")]
    [InlineData("\"substitute_eval_coords\": \"yes\"", "s.attrs.substitute_eval_coords", "")]
    public void Parse_BadAttrs_ReportTheAttrPath(string attrs, string path, string fragment)
    {
        var ex = ParseFails(Pipeline(attrs));

        Assert.Contains(ex.Errors, e => e.Path == path && e.Message.Contains(fragment));
    }

    [Fact]
    public async Task Run_TimeValueOnANumericDim_IsAnEvaluationError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("\"lat\": [\"2020-01-01\"]", "sin"),
            """{"coords": [{"name": "lat", "values": [10]}]}"""));

        Assert.Contains(ex.Errors, e => e.Path == "s" && e.Message.Contains("numbers"));
    }

    [Fact]
    public void Type_SelectCoordinates_IsExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Algorithms.CoordSelect.SelectCoordinatesNode.Type.ExtentDependent);
    }
}
