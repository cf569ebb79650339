using System.Globalization;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

/// <summary>
/// The edge behaviour of each interpolation method and interpolator (SEMANTICS §10), through Interpolate over a
/// data.Array; the expected numbers follow from PODPAC's rules (and match PODPAC on the conformance cases 016-024,
/// 160-180).
/// </summary>
public sealed class InterpolationMethodsTests
{
    private const double Nan = double.NaN;

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Axis(string name, double[] values) => $$$"""{"name": "{{{name}}}", "values": [{{{string.Join(", ", values.Select(F))}}}]}""";

    private static string Uniform(string name, double start, double stop, double step) =>
        $$$"""{"name": "{{{name}}}", "start": {{{F(start)}}}, "stop": {{{F(stop)}}}, "step": {{{F(step)}}}}""";

    private static string Grid(params string[] axes) => $$$"""{"coords": [{{{string.Join(", ", axes)}}}]}""";

    private static string Pipeline2D(double[,] values, string coords, string interpolation)
    {
        var rows = Enumerable.Range(0, values.GetLength(0))
            .Select(i => "[" + string.Join(", ", Enumerable.Range(0, values.GetLength(1)).Select(j => double.IsNaN(values[i, j]) ? "NaN" : F(values[i, j]))) + "]");
        return $$$"""
            {
              "a": {"node": "data.Array", "attrs": {"source": [{{{string.Join(", ", rows)}}}], "coordinates": {{{coords}}}}},
              "i": {"node": "interpolators.Interpolate", "attrs": {"interpolation": {{{interpolation}}}}, "inputs": {"source": "a"}},
              "podpac_output_node": "i"
            }
            """;
    }

    private static string Pipeline1D(double[] values, string coords, string interpolation) => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": [{{{string.Join(", ", values.Select(v => double.IsNaN(v) ? "NaN" : F(v)))}}}], "coordinates": {{{coords}}}}},
          "i": {"node": "interpolators.Interpolate", "attrs": {"interpolation": {{{interpolation}}}}, "inputs": {"source": "a"}},
          "podpac_output_node": "i"
        }
        """;

    private static async Task<DataArray> EvalAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await runner.RunAsync(Pipeline.Parse(pipeline), Coordinates.Parse(coords));
        return run.Output!;
    }

    private static void AssertClose(double[] expected, DataArray actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual.Values[i];
            Assert.True(double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(e - a) <= tol * Math.Max(1, Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
        }
    }

    // A cubic in lat: not-a-knot splines reproduce cubics exactly.
    private static double Cubic(double x) => 0.5 * x * x * x - 2 * x * x + x - 3;

    private static readonly double[] Lat0To7 = [0, 1, 2, 3, 4, 5, 6, 7];

    [Fact]
    public async Task Cubic_ReproducesACubicExactly_AndIsNaNOutside()
    {
        var values = Lat0To7.Select(Cubic).ToArray();
        var output = await EvalAsync(Pipeline1D(values, Grid(Uniform("lat", 0, 7, 1)), "\"cubic\""), Grid(Axis("lat", [0.3, 2.5, 6.9, 7.0, 7.2])));

        AssertClose([Cubic(0.3), Cubic(2.5), Cubic(6.9), Cubic(7.0), Nan], output, 1e-10);
    }

    [Fact]
    public async Task Cubic_OneNaNAmongTheSelectedValues_MakesEveryOutputNaN()
    {
        var values = Lat0To7.Select(Cubic).ToArray();
        values[6] = Nan;

        // Requests 1.5 and 2 select rows 0..3 only; 4.5 adds rows 3..6, which hold the NaN: every output is NaN (QUIRK).
        var near = await EvalAsync(Pipeline1D(values, Grid(Uniform("lat", 0, 7, 1)), "\"cubic\""), Grid(Axis("lat", [1.5, 2.0])));
        var both = await EvalAsync(Pipeline1D(values, Grid(Uniform("lat", 0, 7, 1)), "\"cubic\""), Grid(Axis("lat", [1.5, 4.5])));

        Assert.False(double.IsNaN(near.Values[0]));
        AssertClose([Nan, Nan], both);
    }

    [Fact]
    public async Task Cubic_FewerThanFourSelectedPoints_IsAnError()
    {
        var ex = await Assert.ThrowsAsync<PipelineException>(() => EvalAsync(
            Pipeline1D([1, 2, 3], Grid(Uniform("lat", 0, 2, 1)), "\"cubic\""), Grid(Axis("lat", [0.5]))));

        Assert.Contains("at least 4", ex.Message);
    }

    [Fact]
    public async Task Linear_OnGridPointUsesTheIntervalBelow_SoTheNaNBelowPoisonsIt()
    {
        // Source 0..3 with a NaN at 1 (selected through 1.5): the first point 0.0 uses [0, 1] and the on-grid 2.0
        // uses [1, 2], both NaN even at zero weight; 3.0 uses [2, 3].
        var output = await EvalAsync(Pipeline1D([0, Nan, 20, 30], Grid(Uniform("lat", 0, 3, 1)), "\"linear\""), Grid(Axis("lat", [0.0, 1.5, 2.0, 2.5, 3.0])));

        AssertClose([Nan, Nan, Nan, 25, 30], output);

        // Without 1.5 the NaN row is not selected at all, and the points interpolate across it.
        var skipped = await EvalAsync(Pipeline1D([0, Nan, 20, 30], Grid(Uniform("lat", 0, 3, 1)), "\"linear\""), Grid(Axis("lat", [0.0, 2.0, 2.5, 3.0])));
        AssertClose([0, 20, 25, 30], skipped);
    }

    [Fact]
    public async Task ScipyGrid_IntervalChoiceDecidesWhichNaNRowCounts()
    {
        // NaN in row lat 0 only: an on-grid lat 1 uses [1, 2] for ScipyGrid (clean) but [0, 1] for Xarray (NaN).
        var values = new double[,] { { Nan, Nan }, { 10, 11 }, { 20, 21 } };
        string coords = Grid(Uniform("lat", 0, 2, 1), Uniform("lon", 0, 1, 1));
        string request = Grid(Axis("lat", [0.5, 1.0, 1.5]), Axis("lon", [0.5]));

        var grid = await EvalAsync(Pipeline2D(values, coords, """{"method": "bilinear", "interpolators": ["ScipyGrid"]}"""), request);
        var xarray = await EvalAsync(Pipeline2D(values, coords, "\"bilinear\""), request);

        AssertClose([Nan, 10.5, 15.5], grid);
        AssertClose([Nan, Nan, 15.5], xarray);
    }

    [Fact]
    public async Task Rasterio_ClampsWithinHalfAPixel_NaNPastTheOuterEdge_HalfOpen()
    {
        var values = new double[,] { { 0, 1 }, { 10, 11 } };
        string coords = Grid(Uniform("lat", 0, 1, 1), Uniform("lon", 0, 1, 1));

        var output = await EvalAsync(Pipeline2D(values, coords, """{"method": "bilinear", "interpolators": ["RasterioInterpolator"]}"""),
            Grid(Uniform("lat", -0.5, 1.5, 0.5), Uniform("lon", 0, 1, 1)));

        // lat -0.5 is the first pixel edge (in, clamped to row 0), -0.25.. inside, 1.5 the last edge (out).
        AssertClose([0, 1, 0, 1, 5, 6, 10, 11, Nan, Nan], output);
    }

    [Fact]
    public async Task Rasterio_NaNPixel_IsLeftOutAndTheOtherWeightsRenormalised()
    {
        var values = new double[,] { { 0, 10 }, { 20, Nan } };
        string coords = Grid(Uniform("lat", 0, 1, 1), Uniform("lon", 0, 1, 1));

        var output = await EvalAsync(Pipeline2D(values, coords, """{"method": "bilinear", "interpolators": ["RasterioInterpolator"]}"""),
            Grid(Uniform("lat", 0.25, 0.75, 0.5), Uniform("lon", 0.25, 0.75, 0.5)));

        // (0.25, 0.25): weights 9/16 (0), 3/16 (10), 3/16 (20); the NaN's 1/16 is left out and the rest divided by
        // 15/16. (0.25, 0.75) and (0.75, 0.25) lose the NaN's 3/16. (0.75, 0.75) lies in the NaN pixel itself.
        AssertClose([(3 * 10 + 3 * 20) / 15.0, (9 * 10 + 1 * 20) / 13.0, (1 * 10 + 9 * 20) / 13.0, Nan], output, 1e-12);
    }

    [Fact]
    public async Task Rasterio_UnevenSource_CannotBeHandled()
    {
        var values = new double[,] { { 0, 1 }, { 2, 3 }, { 4, 5 } };
        string coords = Grid(Axis("lat", [0, 1, 3]), Uniform("lon", 0, 1, 1));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => EvalAsync(
            Pipeline2D(values, coords, """{"method": "bilinear", "interpolators": ["RasterioInterpolator"]}"""),
            Grid(Uniform("lat", 0.5, 2.5, 0.5), Uniform("lon", 0, 1, 0.5))));

        Assert.Contains("can't be handled", ex.Message);
        Assert.Contains("evenly spaced", ex.Message);
    }

    [Fact]
    public async Task Nearest_SpatialToleranceAndRespectBoundsFalse_ClampThenDropFarPoints()
    {
        const string interpolation = """{"method": "nearest", "params": {"spatial_tolerance": 0.3, "respect_bounds": false}}""";

        var output = await EvalAsync(Pipeline1D([0, 10, 20, 30], Grid(Uniform("lat", 0, 3, 1)), interpolation),
            Grid(Axis("lat", [-0.25, -0.5, 1.2, 1.4, 3.3, 3.31])));

        // -0.25 clamps to row 0 (0.25 away: kept); -0.5 is 0.5 away; 1.4 is 0.4 from 1; 3.31 is 0.31 from 3.
        AssertClose([0, Nan, 10, Nan, 30, Nan], output);
    }

    [Theory]
    [InlineData("-infinity", new[] { 0.0, 10, 10, 20, 20 })]
    [InlineData("+infinity", new[] { 10.0, 10, 20, 20, 30 })]
    [InlineData("unbiased", new[] { 0.0, 10, 20, 20, 20 })]
    public async Task Nearest_AmbiguousRounding_DecidesHalfStepTies(string rounding, double[] expected)
    {
        string interpolation = $$$"""{"method": "nearest", "params": {"ambiguous_rounding": "{{{rounding}}}"}}""";

        // A finer uniform request selects the whole grid, so the ties are decided on evenly spaced points.
        var output = await EvalAsync(Pipeline1D([0, 10, 20, 30], Grid(Uniform("lat", 0, 3, 1)), interpolation), Grid(Uniform("lat", 0.5, 2.5, 0.5)));

        AssertClose(expected, output);
    }

    [Fact]
    public async Task Nearest_TimeTolerance_InHoursOnADailySource()
    {
        string coords = Grid("""{"name": "time", "values": ["2020-01-01", "2020-01-02", "2020-01-03"]}""");
        const string interpolation = """{"method": "nearest", "params": {"time_tolerance": "6,h"}}""";

        var output = await EvalAsync(Pipeline1D([1, 2, 3], coords, interpolation),
            Grid("""{"name": "time", "values": ["2020-01-01T05:00:00", "2020-01-01T07:00:00", "2020-01-02T18:00:00"]}"""));

        AssertClose([1, Nan, 3], output);
    }

    [Fact]
    public async Task None_ReturnsTheSourcePointsInsideTheRequest()
    {
        var output = await EvalAsync(Pipeline1D([0, 10, 20, 30, 40], Grid(Uniform("lat", 0, 4, 1)), "\"none\""), Grid(Axis("lat", [3.5, 0.5, 2.0])));

        Assert.Equal(new[] { 1.0, 2, 3 }, output.Coordinates["lat"].Points.ToArray());
        AssertClose([10, 20, 30], output);
    }

    [Fact]
    public async Task NearestPreview_StridesTheSourceByTheRequestStep()
    {
        var values = Enumerable.Range(0, 9).Select(i => (double)i).ToArray();

        // Step 2.5 over step 1 strides by round(2.5) = 2: rows 0, 2, 4, 6, 8; 5 is a tie between 4 and 6 -> 4.
        var output = await EvalAsync(Pipeline1D(values, Grid(Uniform("lat", 0, 8, 1)), "\"nearest_preview\""),
            Grid(Uniform("lat", 0, 7.5, 2.5)));

        AssertClose([0, 2, 4, 8], output);
    }

    [Fact]
    public async Task ListForm_TimeNearestThenSpaceLinear()
    {
        const string pipeline = """
            {
              "a": {"node": "data.Array", "attrs": {"source": [[0, 10], [100, 110]],
                    "coordinates": {"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02"]}, {"name": "lat", "values": [0, 1]}]}}},
              "i": {"node": "interpolators.Interpolate", "attrs": {"interpolation": [
                    {"method": "nearest", "dims": ["time"]}, {"method": "linear", "dims": ["lat"]}]}, "inputs": {"source": "a"}},
              "podpac_output_node": "i"
            }
            """;

        var output = await EvalAsync(pipeline,
            """{"coords": [{"name": "time", "values": ["2020-01-01T20:00:00"]}, {"name": "lat", "values": [0.25, 0.5]}]}""");

        AssertClose([102.5, 105], output);
    }

    [Fact]
    public async Task Reproject_AcceptsAnInterpolationDict()
    {
        const string pipeline = """
            {
              "a": {"node": "data.Array", "attrs": {"source": [0, 10, 20, 30, 40, 50],
                    "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 5, "step": 1}]}}},
              "r": {"node": "algorithm.Reproject", "attrs": {"coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 5, "step": 1}]},
                    "interpolation": {"method": "linear"}}, "inputs": {"source": "a"}},
              "podpac_output_node": "r"
            }
            """;

        var output = await EvalAsync(pipeline, Grid(Axis("lat", [1.25, 3.5])));

        AssertClose([12.5, 35], output);
    }

    [Fact]
    public void Grown_AddsStepsAtBothEnds()
    {
        var uniform = PodCache.Runtime.Nodes.Interpolation.InterpolateNode.Grown(UniformCoordinates1D.FromStep("lat", 1, 3, 1), 2);
        var values = PodCache.Runtime.Nodes.Interpolation.InterpolateNode.Grown(new ArrayCoordinates1D("lat", [0, 1, 3]), 2);

        Assert.Equal(new[] { -1.0, 0, 1, 2, 3, 4, 5 }, uniform.Points.ToArray());
        Assert.Equal(new[] { -2.0, -1, 0, 1, 3, 5, 7 }, values.Points.ToArray());
    }

    [Fact]
    public async Task Rasterio_BilinearOntoACoarserRequest_IsRefused()
    {
        var values = new double[,] { { 0, 1, 2, 3 }, { 10, 11, 12, 13 }, { 20, 21, 22, 23 }, { 30, 31, 32, 33 } };
        string coords = Grid(Uniform("lat", 0, 3, 1), Uniform("lon", 0, 3, 1));

        // Step 1.5 over the selected rows 0..3 (step 1): GDAL would widen its kernel.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => EvalAsync(
            Pipeline2D(values, coords, """{"method": "bilinear", "interpolators": ["RasterioInterpolator"]}"""),
            Grid(Uniform("lat", 0, 3, 1.5), Uniform("lon", 0.5, 2.5, 0.5))));

        Assert.Contains("coarser", ex.Message);
    }

    [Fact]
    public async Task None_NoSourcePointInAnEmptyDim_KeepsTheOtherDimsSelection()
    {
        var values = new double[,] { { 0, 1 }, { 10, 11 }, { 20, 21 } };
        string coords = Grid(Uniform("lat", 0, 2, 1), Uniform("lon", 0, 1, 1));

        // lon -0.7 lies below the source: no lon point; lat keeps its inner selection 1, 2.
        var output = await EvalAsync(Pipeline2D(values, coords, "\"none\""), Grid(Axis("lat", [0.5, 2.5]), Axis("lon", [-0.7])));

        Assert.Equal(new[] { 2, 0 }, output.Shape);
        Assert.Equal(new[] { 1.0, 2 }, output.Coordinates["lat"].Points.ToArray());
    }

    [Fact]
    public async Task None_BoundsBetweenTwoPoints_TakesTheNearerOne()
    {
        // No source point lies in [1.2, 1.3]: PODPAC's select still picks the nearest (rounded), here 1.
        var output = await EvalAsync(Pipeline1D([0, 10, 20, 30], Grid(Uniform("lat", 0, 3, 1)), "\"none\""), Grid(Axis("lat", [1.2, 1.3])));

        Assert.Equal(new[] { 1.0 }, output.Coordinates["lat"].Points.ToArray());
        AssertClose([10], output);
    }

    [Fact]
    public async Task Nearest_RequestOutsideTheSource_SelectsFromTheWholeArray()
    {
        var source = Pipeline1D([0, 10, 20, 30], Grid(Uniform("lat", 0, 3, 1)), "\"nearest\"");

        // -0.4 selects row 0 and 3.3 row 3 (3.6 selects nothing): on rows {0, 3}, evenly spaced by 3, 3.6 rounds to
        // row 3 (QUIRK) and -0.4 to row 0, though neither lies in the request's own bounds' source points.
        var spread = await EvalAsync(source, Grid(Axis("lat", [-0.4, 3.3, 3.6])));
        // Without 3.3 only row 0 is selected; one point is matched by distance within the source's bounds: NaN.
        var single = await EvalAsync(source, Grid(Axis("lat", [-0.4, 3.6])));

        AssertClose([0, 30, 30], spread);
        AssertClose([Nan, Nan], single);
    }

    [Fact]
    public async Task Cubic_FineRequestInsideOneInterval_UsesTheRowsBeyondIt()
    {
        // A not-a-knot spline through rows 2..7 (what PODPAC reads for 4.1..4.9) differs from one through 3..6 only.
        var values = Enumerable.Range(0, 10).Select(i => Math.Sin(i * 0.9) + 0.05 * i * i).ToArray();
        var wide = await EvalAsync(Pipeline1D(values, Grid(Uniform("lat", 0, 9, 1)), "\"cubic\""), Grid(Uniform("lat", 4.1, 4.9, 0.2)));
        var narrow = await EvalAsync(Pipeline1D(values[3..7], Grid(Uniform("lat", 3, 6, 1)), "\"cubic\""), Grid(Uniform("lat", 4.1, 4.9, 0.2)));

        // PODPAC's numbers (case 221).
        AssertClose([0.31968094, 0.26006634, 0.22514203, 0.21896418, 0.24558895], wide, 1e-7);
        Assert.NotEqual(wide.Values[2], narrow.Values[2]);
    }

    [Fact]
    public async Task Array_HourlyRequestOnDailySource_TruncatesTheBoundsToDays()
    {
        const string pipeline = """
            {"a": {"node": "data.Array", "attrs": {"source": [0, 1, 2, 3],
                   "coordinates": {"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]}]}}}}
            """;

        var output = await EvalAsync(pipeline, Grid("""{"name": "time", "values": ["2020-01-01T17:00:00", "2020-01-02T05:00:00"]}"""));

        AssertClose([0, 1], output);
    }

    [Fact]
    public async Task Array_Output_CarriesTheWholeBoundsAndItsUnevenDims()
    {
        const string pipeline = """
            {"a": {"node": "data.Array", "attrs": {"source": [[0, 1], [2, 3], [4, 5]],
                   "coordinates": {"coords": [{"name": "lat", "values": [0, 1, 3]}, {"name": "lon", "start": 0, "stop": 1, "step": 1}]}}}}
            """;

        var output = await EvalAsync(pipeline, Grid(Axis("lat", [0.2, 0.8]), Axis("lon", [0.0])));

        Assert.Equal("lat", output.Attrs[PodCache.Runtime.Nodes.Interpolation.GridResampler.UnevenAttr]);
        Assert.Contains("\"lat\":[0,3]", output.Attrs[PodCache.Runtime.Nodes.Interpolation.StackedNearest.BoundsAttr]);
    }
}
