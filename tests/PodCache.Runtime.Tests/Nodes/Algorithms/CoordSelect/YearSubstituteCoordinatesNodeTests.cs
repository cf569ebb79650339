using static PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect.CoordSelectTesting;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect;

public class YearSubstituteCoordinatesNodeTests
{
    private static string Pipeline(string attrs) => $$$"""
        {
          {{{DailyArray}}},
          "y": {"node": "core.algorithm.coord_select.YearSubstituteCoordinates", "attrs": { {{{attrs}}} }, "inputs": {"source": "a"}}
        }
        """;

    [Fact]
    public void Modified_MovesIntoTheYear_Feb29BecomesFeb28_InMicroseconds()
    {
        var c = Modified(Pipeline("\"year\": \"2019\""), "y",
            """{"coords": [{"name": "time", "values": ["2024-02-29T06:30:00", "2021-07-04T00:00:00"]}, {"name": "lat", "values": [0]}]}""");

        Assert.Equal(TimeUnit.Microsecond, c["time"].Unit);
        Assert.Equal(new[] { "2019-02-28T06:30:00", "2019-07-04T00:00:00" }, Times(c["time"]));
        Assert.Equal(new[] { 0.0 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public async Task Run_Default_OutputCarriesTheSubstitutedTimes()
    {
        string pipeline = Pipeline("\"year\": \"2020\"");

        var run = await RunAsync(pipeline, """{"coords": [{"name": "time", "values": ["2023-01-04"]}, {"name": "lat", "values": [1]}]}""");

        Assert.Equal(new[] { "2020-01-04T00:00:00" }, Times(run.Output!.Coordinates["time"]));
        Assert.Equal(new[] { 31.0 }, run.Output.Values.ToArray());
    }

    [Fact]
    public async Task Run_SubstituteEvalCoords_OutputCarriesTheRequestTimes()
    {
        var run = await RunAsync(Pipeline("\"year\": \"2020\", \"substitute_eval_coords\": true"),
            """{"coords": [{"name": "time", "values": ["2023-01-04"]}, {"name": "lat", "values": [1]}]}""");

        Assert.Equal(new[] { "2023-01-04T00:00:00" }, Times(run.Output!.Coordinates["time"]));
        Assert.Equal(new[] { 31.0 }, run.Output.Values.ToArray());
    }

    [Theory]
    [InlineData("\"year\": \"19\"", "y.attrs.year")]
    [InlineData("\"year\": \"2019-06\"", "y.attrs.year")]
    [InlineData("\"year\": 2019", "y.attrs.year")]
    [InlineData("", "y.attrs.year")]
    public void Parse_BadYear_ReportsTheAttrPath(string attrs, string path)
    {
        var ex = ParseFails(Pipeline(attrs));

        Assert.Contains(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public void Type_YearSubstituteCoordinates_IsExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Algorithms.CoordSelect.YearSubstituteCoordinatesNode.Type.ExtentDependent);
    }
}
