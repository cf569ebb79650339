using PodCache.Runtime.Nodes.Algorithms.CoordSelect;
using PodCache.Runtime.Pipelines;
using static PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect.CoordSelectTesting;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect;

public class TransformTimeUnitsNodeTests
{
    private static string Pipeline(string attrs) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": [10, 20, 30, 40, 50, 60, 70],
                "coordinates": {"coords": [{"name": "time", "values": [0, 1, 2, 3, 4, 5, 6]}]} } },
          "i": {"node": "interpolators.Interpolate", "attrs": {"interpolation": "nearest"}, "inputs": {"source": "a"}},
          "t": {"node": "algorithm.TransformTimeUnits", "attrs": { {{{attrs}}} }, "inputs": {"source": "i"}}
        }
        """;

    [Theory]
    [InlineData("2024-07-01T13:45:10", "dayofyear", 183)]
    [InlineData("2024-07-01T13:45:10", "dayofweek", 0)]
    [InlineData("2024-07-07T00:00:00", "weekday", 6)]
    [InlineData("2024-02-10T00:00:00", "daysinmonth", 29)]
    [InlineData("2024-08-10T00:00:00", "quarter", 3)]
    [InlineData("2021-01-03T00:00:00", "weekofyear", 53)]
    [InlineData("2021-01-04T00:00:00", "week", 1)]
    [InlineData("2024-07-01T13:45:10", "minute", 45)]
    [InlineData("2024-07-01T13:45:10", "second", 10)]
    [InlineData("2024-07-01T13:45:10", "year", 2024)]
    public void Field_MatchesPandas(string time, string field, double expected)
    {
        var t = DateTime.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, TransformTimeUnitsNode.Field(t, field));
    }

    [Fact]
    public void Modified_EvenlySpacedResult_IsAUniformAxisOfNumbers()
    {
        var c = Modified(Pipeline("\"time_units\": \"month\""), "t",
            """{"coords": [{"name": "time", "values": ["2021-03-10", "2021-04-02", "2021-05-20"]}]}""");

        Assert.Null(c["time"].Unit);
        Assert.True(c["time"].IsUniform);
        Assert.Equal(new[] { 3.0, 4.0, 5.0 }, c["time"].Points.ToArray());
    }

    [Fact]
    public async Task Run_DayOfWeek_RequestOrderAndDuplicatesKept()
    {
        var run = await RunAsync(Pipeline("\"time_units\": \"dayofweek\""),
            """{"coords": [{"name": "time", "values": ["2021-03-14", "2021-03-08", "2021-03-10", "2021-03-10"]}]}""");

        Assert.Equal(new[] { 6.0, 0.0, 2.0, 2.0 }, run.Output!.Coordinates["time"].Points.ToArray());
        Assert.Equal(new[] { 70.0, 10.0, 30.0, 30.0 }, run.Output.Values.ToArray());
    }

    [Fact]
    public async Task Run_NumericRequestTime_IsAnEvaluationError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("\"time_units\": \"month\""),
            """{"coords": [{"name": "time", "values": [1, 2]}]}"""));

        Assert.Contains(ex.Errors, e => e.Path == "t" && e.Message.Contains("datetimes"));
    }

    [Theory]
    [InlineData("\"time_units\": \"season\"", "numeric")]
    [InlineData("\"time_units\": \"weekday_name\"", "numeric")]
    [InlineData("\"time_units\": \"hours\"", "must be one of")]
    [InlineData("", "")]
    public void Parse_BadTimeUnits_ReportsTheAttrPath(string attrs, string fragment)
    {
        var ex = ParseFails(Pipeline(attrs));

        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.time_units" && e.Message.Contains(fragment));
    }

    [Fact]
    public void Type_TransformTimeUnits_IsExtentDependent()
    {
        Assert.True(TransformTimeUnitsNode.Type.ExtentDependent);
    }
}
