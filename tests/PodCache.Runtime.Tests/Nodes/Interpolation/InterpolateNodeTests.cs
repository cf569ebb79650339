using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

public class InterpolateNodeTests
{
    private const double Nan = double.NaN;

    // lat 0..3 step 1, one value per row: 10 × row.
    private const string LatArray = """
        "a": {"node": "data.Array", "attrs": {"source": [0, 10, 20, 30],
              "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1}]}}}
        """;

    private static string WithInterpolate(string array, string interpolateAttrs = "{}") => $$$"""
        {
          {{{array}}},
          "i": {"node": "interpolators.Interpolate", "attrs": {{{interpolateAttrs}}}, "inputs": {"source": "a"}},
          "podpac_output_node": "i"
        }
        """;

    private static async Task<DataArray> EvalAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await runner.RunAsync(Pipeline.Parse(pipeline), Coordinates.Parse(coords));
        return run.Output!;
    }

    private static void AssertValues(double[] expected, DataArray actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual.Values[i]), $"cell {i}: expected {expected[i]}, got {actual.Values[i]}");
        }
    }

    private static string LatValues(params double[] lats) =>
        $$$"""{"coords": [{"name": "lat", "values": [{{{string.Join(", ", lats.Select(l => l.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}}]}]}""";

    [Fact]
    public async Task Evaluate_UnevenSubsetSelected_UsesDistanceOnTheSubset()
    {
        // SEMANTICS §4 QUIRK: rows 0, 1 and 3 are selected; 2.5 then takes row 3, and -0.5 and 3.49 fall outside.
        var output = await EvalAsync(WithInterpolate(LatArray), LatValues(-0.5, 0, 0.5, 1.4, 2.5, 3.49));

        AssertValues([Nan, 0, 0, 10, 30, Nan], output);
        Assert.Equal(new[] { -0.5, 0, 0.5, 1.4, 2.5, 3.49 }, output.Coordinates["lat"].Points.ToArray());
    }

    [Fact]
    public async Task Evaluate_WholeGridSelected_ExactHalfStepTiesGoDown()
    {
        var output = await EvalAsync(WithInterpolate(LatArray), LatValues(-0.4, 0.2, 0.5, 1.4, 1.6, 2.5, 3.4, 3.6));

        AssertValues([0, 0, 0, 10, 20, 20, 30, Nan], output);
    }

    [Fact]
    public async Task Evaluate_FinerUniformRequest_HalfStepBelowIsNaNButHalfStepAboveIsEdge()
    {
        const string coords = """{"coords": [{"name": "lat", "start": -0.5, "stop": 3.5, "step": 0.5}]}""";

        var output = await EvalAsync(WithInterpolate(LatArray), coords);

        // -0.5 → index -0.5 → tie down → -1 (NaN); 3.5 → index 3.5 → tie down → 3 (edge).
        AssertValues([Nan, 0, 0, 10, 10, 20, 20, 30, 30], output);
    }

    [Fact]
    public async Task Evaluate_Case015Lon_FinerRequestOnCoarseUniformSource()
    {
        const string array = """
            "a": {"node": "data.Array", "attrs": {"source": [0, 1, 2, 3],
                  "coordinates": {"coords": [{"name": "lon", "start": 10, "stop": 40, "step": 10}]}}}
            """;
        const string coords = """{"coords": [{"name": "lon", "start": 5, "stop": 45, "step": 5}]}""";

        var output = await EvalAsync(WithInterpolate(array), coords);

        AssertValues([Nan, 0, 0, 1, 1, 2, 2, 3, 3], output);
    }

    [Fact]
    public async Task Evaluate_DescendingSource_ReturnsValuesInRequestOrder()
    {
        const string array = """
            "a": {"node": "data.Array", "attrs": {"source": [30, 20, 10, 0],
                  "coordinates": {"coords": [{"name": "lat", "start": 3, "stop": 0, "step": -1}]}}}
            """;

        var output = await EvalAsync(WithInterpolate(array), LatValues(0.4, 2.6));

        AssertValues([0, 30], output);
    }

    [Fact]
    public async Task Evaluate_RequestDimTheSourceLacks_IsDroppedFromTheOutput()
    {
        const string coords = """
            {"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02"]}, {"name": "lat", "values": [0.9, 2.2]}]}
            """;

        var output = await EvalAsync(WithInterpolate(LatArray), coords);

        Assert.Equal(new[] { "lat" }, output.Dims);
        AssertValues([10, 20], output);
    }

    [Fact]
    public async Task Evaluate_TimeDimInAnotherUnit_ComparesAtTheFinerUnit()
    {
        const string array = """
            "a": {"node": "data.Array", "attrs": {"source": [1, 2, 3],
                  "coordinates": {"coords": [{"name": "time",
                    "values": ["2020-06-01T00:00:00", "2020-06-01T06:00:00", "2020-06-01T12:00:00"]}]}}}
            """;
        const string coords = """
            {"coords": [{"name": "time", "values": ["2020-06-01T03:00", "2020-06-01T04:00", "2020-06-01T13:00", "2020-06-01T15:00"]}]}
            """;

        var output = await EvalAsync(WithInterpolate(array), coords);

        // 03:00 is an exact half step (tie down to 00:00); 15:00 is half a step above the last point (edge value).
        AssertValues([1, 2, 3, 3], output);
        Assert.Equal("2020-06-01T03:00:00", output.Coordinates["time"].FormatPoint(output.Coordinates["time"][0]));
    }

    [Fact]
    public async Task Evaluate_TwoSparseDims_SelectsASubsetPerDimThenRoundsOnIt()
    {
        const string array = """
            "a": {"node": "data.Array", "attrs": {"source": [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]],
                  "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1},
                                             {"name": "lon", "start": 10, "stop": 40, "step": 10}]}}}
            """;
        const string coords = """
            {"coords": [{"name": "lon", "values": [5, 25, 45]}, {"name": "lat", "values": [3.6, 1.5, 0.2]}]}
            """;

        var output = await EvalAsync(WithInterpolate(array), coords);

        // lon: the selector keeps columns 0 and 2 (lon 10, 30; 45 rounds to index 4 and is dropped), which are evenly
        // spaced with step 20: lon 5 → index -0.25 → column 0, 25 → 0.75 → column 2, 45 → 1.75 → 2 → NaN.
        // lat: rows 0 and 2 (3.6 rounds to 4, dropped; 1.5 keeps dn = 2): 3.6 → 1.8 → 2 → NaN, 1.5 → row 2, 0.2 → row 0.
        // The output follows the request's dims order (lon, lat).
        Assert.Equal(new[] { "lon", "lat" }, output.Dims);
        AssertValues([Nan, 20, 0, Nan, 22, 2, Nan, Nan, Nan], output);
    }

    [Fact]
    public async Task Evaluate_NoOverlap_IsNaNOnTheRequestGrid()
    {
        var output = await EvalAsync(WithInterpolate(LatArray), LatValues(10, 11, 12));

        Assert.Equal(new[] { 3 }, output.Shape);
        AssertValues([Nan, Nan, Nan], output);
    }

    [Fact]
    public async Task Evaluate_LongAliasWithDefaults_SameKeyAsShortName()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        string longForm = $$$"""
            {
              {{{LatArray}}},
              "i": {"node": "core.interpolation.interpolation.Interpolate",
                    "attrs": {"interpolation": "nearest", "source_id": ""}, "inputs": {"source": "a"}}
            }
            """;

        var a = await runner.RunAsync(Pipeline.Parse(WithInterpolate(LatArray)), Coordinates.Parse(LatValues(1.2)));
        var b = await runner.RunAsync(Pipeline.Parse(longForm), Coordinates.Parse(LatValues(1.2)));

        Assert.Equal(a.Nodes["i"].NodeKey, b.Nodes["i"].NodeKey);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), b.Nodes["i"].Status);
        AssertValues([10], b.Output!);
    }

    [Theory]
    [InlineData("{\"interpolation\": \"cubic_spline\"}", "i.attrs.interpolation")]
    [InlineData("{\"source_id\": 3}", "i.attrs.source_id")]
    [InlineData("{\"method\": \"nearest\"}", "i.attrs.method")]
    public void Parse_BadAttrs_ReportTheAttrPath(string attrs, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(WithInterpolate(LatArray, attrs)));

        Assert.Contains(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public void Type_Interpolate_IsExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Interpolation.InterpolateNode.Type.ExtentDependent);
    }
}
