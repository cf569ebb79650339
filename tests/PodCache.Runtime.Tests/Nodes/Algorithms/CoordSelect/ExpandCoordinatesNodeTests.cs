using PodCache.Cache;
using PodCache.Runtime.Pipelines;
using static PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect.CoordSelectTesting;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect;

public class ExpandCoordinatesNodeTests
{
    private static string Pipeline(string attrs, string inputs = "\"source\": \"a\"") => $$$"""
        {
          {{{DailyArray}}},
          "sin": {"node": "algorithm.SinCoords"},
          "e": {"node": "core.algorithm.coord_select.ExpandCoordinates", "attrs": { {{{attrs}}} }, "inputs": { {{{inputs}}} }}
        }
        """;

    private const string TwoDays = """{"coords": [{"name": "time", "values": ["2020-01-03", "2020-01-04"]}, {"name": "lat", "values": [1]}]}""";

    [Theory]
    [InlineData("\"lat\": [-1, 100000000, 0.5]")]             // one window of 2e8 points per request value
    [InlineData("\"time\": [\"0,D\", \"100000,D\", \"1,s\"]")]    // 8.6e9 seconds
    public async Task Run_AWindowOfBillionsOfPoints_IsRefusedBeforeAnyIsBuilt(string attrs)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline(attrs, "\"source\": \"sin\""),
            """{"coords": [{"name": "time", "values": ["2020-01-03", "2020-01-04"]}, {"name": "lat", "values": [1, 2]}]}"""));

        Assert.Contains(ex.Errors, e => e.Path == "e" && e.Message.Contains("points; at most 268,435,456", StringComparison.Ordinal));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
    }

    [Fact]
    public void Modified_TwoItems_SourceDaysInEachWindowConcatenatedWithDuplicates()
    {
        var c = Modified(Pipeline("\"time\": [\"-1,D\", \"1,D\"]"), "e", TwoDays);

        Assert.Equal(
            new[] { "2020-01-02T00:00:00", "2020-01-03T00:00:00", "2020-01-04T00:00:00", "2020-01-03T00:00:00", "2020-01-04T00:00:00", "2020-01-05T00:00:00" },
            Times(c["time"]));
        Assert.Equal(new[] { 1.0 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public void Modified_WindowPastTheSourceEnd_KeepsOnlyTheSourcePointsInside()
    {
        var c = Modified(Pipeline("\"time\": [\"0,D\", \"3,D\"]"), "e",
            """{"coords": [{"name": "time", "values": ["2020-01-09"]}, {"name": "lat", "values": [0]}]}""");

        Assert.Equal(new[] { "2020-01-09T00:00:00", "2020-01-10T00:00:00" }, Times(c["time"]));
    }

    [Fact]
    public void Modified_ThreeItemsNumeric_UniformWindowPerValue()
    {
        var c = Modified(Pipeline("\"lat\": [-1, 1, 0.5]", "\"source\": \"sin\""), "e",
            """{"coords": [{"name": "lat", "values": [10, 20]}, {"name": "lon", "values": [5]}]}""");

        Assert.Equal(new[] { 9, 9.5, 10, 10.5, 11, 19, 19.5, 20, 20.5, 21 }, c["lat"].Points.ToArray());
        Assert.Equal(new[] { 5.0 }, c["lon"].Points.ToArray());
    }

    [Fact]
    public void Modified_BoundsOnly_OneWindowFromFirstToLast()
    {
        var c = Modified(Pipeline("\"lat\": [-2, 1, 1], \"bounds_only\": true", "\"source\": \"sin\""), "e",
            """{"coords": [{"name": "lat", "values": [10, 11, 15]}]}""");

        Assert.Equal(new[] { 8.0, 9, 10, 11, 12, 13, 14, 15, 16 }, c["lat"].Points.ToArray());
    }

    [Fact]
    public void Modified_HourDeltasOnADayAxis_FinerUnit()
    {
        var c = Modified(Pipeline("\"time\": [\"-6,h\", \"6,h\", \"6,h\"]"), "e",
            """{"coords": [{"name": "time", "values": ["2020-01-03"]}, {"name": "lat", "values": [0]}]}""");

        Assert.Equal(TimeUnit.Hour, c["time"].Unit);
        Assert.Equal(new[] { "2020-01-02T18:00:00", "2020-01-03T00:00:00", "2020-01-03T06:00:00" }, Times(c["time"]));
    }

    [Fact]
    public void Modified_MonthDelta_ClampedToTheMonthEnd()
    {
        var c = Modified(Pipeline("\"time\": [\"-1,M\", \"0,D\", \"10,D\"]"), "e",
            """{"coords": [{"name": "time", "values": ["2020-03-31"]}, {"name": "lat", "values": [0]}]}""");

        // 2020-03-31 minus one month is 2020-02-29 (no Feb 31), in microseconds as PODPAC's nominal add gives.
        Assert.Equal(TimeUnit.Microsecond, c["time"].Unit);
        Assert.Equal("2020-02-29T00:00:00", Times(c["time"])[0]);
        Assert.Equal(4, c["time"].Size);
    }

    [Fact]
    public async Task Run_TwoItemsOverArray_ReturnsTheSourceDaysAndNeverEvaluatesCoordinatesSource()
    {
        string pipeline = $$$"""
            {
              {{{DailyArray}}},
              "cs": {"node": "data.Array", "attrs": {"source": [1, 2, 3],
                     "coordinates": {"coords": [{"name": "time", "values": ["2020-01-02", "2020-01-03", "2020-01-04"]}]} } },
              "e": {"node": "algorithm.ExpandCoordinates", "attrs": {"time": ["-1,D", "1,D"]}, "inputs": {"source": "a", "coordinates_source": "cs"}}
            }
            """;

        var run = await RunAsync(pipeline, """{"coords": [{"name": "time", "values": ["2020-01-04"]}, {"name": "lat", "values": [1]}]}""");

        // The window 01-03..01-05 selects from cs's days, which stop at 01-04.
        Assert.Equal(new[] { "2020-01-03T00:00:00", "2020-01-04T00:00:00" }, Times(run.Output!.Coordinates["time"]));
        Assert.Equal(new[] { 21.0, 31.0 }, run.Output.Values.ToArray());
        Assert.Equal(CacheStatus.Pruned, run.Nodes["cs"].Status);
    }

    [Fact]
    public async Task Run_WindowsMissTheSource_ErrorNamesTheDim()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("\"time\": [\"30,D\", \"40,D\"]"), TwoDays));

        Assert.Contains(ex.Errors, e => e.Path == "e" && e.Message.Contains("dim 'time'"));
    }

    [Fact]
    public async Task Run_NumberDeltaOnATimeAxis_IsAnEvaluationError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(Pipeline("\"time\": [-1, 1, 1]"), TwoDays));

        Assert.Contains(ex.Errors, e => e.Path == "e" && e.Message.Contains("time axis"));
    }

    [Theory]
    [InlineData("\"lat\": [1]", "e.attrs.lat", "1 item")]
    [InlineData("\"lat\": [1, 2, 3, 4]", "e.attrs.lat", "4 items")]
    [InlineData("\"lat\": 3", "e.attrs.lat", "must be a list")]
    [InlineData("\"time\": [\"-1,D\", \"soon\"]", "e.attrs.time[1]", "time delta")]
    [InlineData("\"time\": [\"-1,D\", \"1,D\"], \"bounds_only\": true", "e.attrs.time", "bounds_only")]
    [InlineData("\"alt\": [0, 1]", "e.attrs.alt", "no 'alt' dim")]
    [InlineData("\"bounds_only\": 1", "e.attrs.bounds_only", "")]
    public void Parse_BadAttrs_ReportTheAttrPath(string attrs, string path, string fragment)
    {
        var ex = ParseFails(Pipeline(attrs));

        Assert.Contains(ex.Errors, e => e.Path == path && e.Message.Contains(fragment));
    }

    [Fact]
    public void Parse_TwoItemsOverANodeWithoutCoordinates_ReportsTheAttrPath()
    {
        var ex = ParseFails(Pipeline("\"lat\": [-1, 1]", "\"source\": \"sin\""));

        Assert.Contains(ex.Errors, e => e.Path == "e.attrs.lat" && e.Message.Contains("0 coordinate sets"));
    }

    [Fact]
    public void Parse_UnknownInput_ListsTheOptionalOne()
    {
        var ex = ParseFails(Pipeline("", "\"source\": \"a\", \"other\": \"a\""));

        Assert.Contains(ex.Errors, e => e.Path == "e.inputs.other" && e.Message.Contains("coordinates_source"));
    }

    [Fact]
    public void Parse_LookupAttrsNamingAWholeNode_IsTheOptionalInput()
    {
        string pipeline = $$$"""
            {
              {{{DailyArray}}},
              "cs": {"node": "data.Array", "attrs": {"source": [1, 2, 3],
                     "coordinates": {"coords": [{"name": "time", "values": ["2020-01-02", "2020-01-03", "2020-01-04"]}]} } },
              "e": {"node": "algorithm.ExpandCoordinates", "attrs": {"time": ["-1,D", "1,D"]}, "inputs": {"source": "a"},
                    "lookup_attrs": {"coordinates_source": "cs"}}
            }
            """;

        var c = Modified(pipeline, "e", TwoDays);

        // Windows 01-02..01-04 and 01-03..01-05 select from cs's days (01-02..01-04), not from a's.
        Assert.Equal(new[] { "2020-01-02T00:00:00", "2020-01-03T00:00:00", "2020-01-04T00:00:00", "2020-01-03T00:00:00", "2020-01-04T00:00:00" },
            Times(c["time"]));
    }

    [Fact]
    public void Type_ExpandCoordinates_IsExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Algorithms.CoordSelect.ExpandCoordinatesNode.Type.ExtentDependent);
    }
}
