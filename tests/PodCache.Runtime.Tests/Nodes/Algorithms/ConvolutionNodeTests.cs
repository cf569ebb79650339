using System.Globalization;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms;

public class ConvolutionNodeTests
{
    private static string Json(double[] values) =>
        "[" + string.Join(", ", values.Select(v => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static string Json(double[,] values) =>
        "[" + string.Join(", ", Enumerable.Range(0, values.GetLength(0)).Select(i =>
            Json(Enumerable.Range(0, values.GetLength(1)).Select(j => values[i, j]).ToArray()))) + "]";

    private static string Uniform(string dim, double start, double stop, double step) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"name": "{{dim}}", "start": {{start}}, "stop": {{stop}}, "step": {{step}} }""");

    private static string Values(string dim, params double[] values) => $$"""{"name": "{{dim}}", "values": {{Json(values)}} }""";

    private static string Coords(params string[] axes) => $$"""{"coords": [{{string.Join(", ", axes)}}]}""";

    /// <summary>A Convolution with <paramref name="attrs"/> over SinCoords.</summary>
    private static string SinPipeline(string attrs) => $$"""
        {
          "s": {"node": "algorithm.SinCoords"},
          "c": {"node": "algorithm.Convolution", "attrs": {{attrs}}, "inputs": {"source": "s"} },
          "podpac_output_node": "c"
        }
        """;

    /// <summary>A Convolution with <paramref name="attrs"/> over a data.Array on lat (0, 1, ...) [× lon (0, 1, ...)].</summary>
    private static string ArrayPipeline(string source, string attrs, int nlat, int nlon = 0)
    {
        string coords = nlon == 0
            ? Coords(Uniform("lat", 0, nlat - 1, 1))
            : Coords(Uniform("lat", 0, nlat - 1, 1), Uniform("lon", 0, nlon - 1, 1));
        return $$"""
            {
              "a": {"node": "data.Array", "attrs": {"source": {{source}}, "coordinates": {{coords}} } },
              "c": {"node": "algorithm.Convolution", "attrs": {{attrs}}, "inputs": {"source": "a"} },
              "podpac_output_node": "c"
            }
            """;
    }

    private static async Task<DataArray> RunAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await runner.RunAsync(Pipeline.Parse(pipeline), Coordinates.Parse(coords));
        return run.Output!;
    }

    private static Coordinates Grown(string attrs, string coords)
    {
        var node = Pipeline.Parse(SinPipeline(attrs))["c"].Implementation;
        return node.PlanInputs(Coordinates.Parse(coords), ["source"])["source"];
    }

    private static void AssertPoints(double[] expected, Coordinates1D axis)
    {
        Assert.Equal(expected.Length, axis.Size);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - axis[i]) <= 1e-12, $"point {i}: expected {expected[i]}, got {axis[i]}");
        }
    }

    private static void AssertValues(double[] expected, DataArray actual, double tolerance = 1e-12)
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
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
            }
        }
    }

    private static PipelineException ParseError(string pipeline) =>
        Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));

    // ---- growth (PlanInputs) ----

    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 2, 1)]
    [InlineData(5, 3, 2)]
    [InlineData(6, 3, 2)]
    [InlineData(7, 4, 3)]
    public void PlanInputs_UniformAscending_GrowsCeilHalfBeforeAndRestAfter(int s, int before, int after)
    {
        var grown = Grown($$"""{"kernel_type": "mean,{{s}}", "kernel_dims": ["lat"]}""", Coords(Uniform("lat", 0, 40, 10)));

        var lat = grown["lat"];
        Assert.True(lat.IsUniform);
        AssertPoints(Enumerable.Range(-before, 5 + before + after).Select(i => i * 10.0).ToArray(), lat);
    }

    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 2, 1)]
    [InlineData(5, 3, 2)]
    public void PlanInputs_UniformDescending_GrowsInTheAxisDirection(int s, int before, int after)
    {
        var grown = Grown($$"""{"kernel_type": "mean,{{s}}", "kernel_dims": ["lat"]}""", Coords(Uniform("lat", 40, 0, -10)));

        AssertPoints(Enumerable.Range(-before, 5 + before + after).Select(i => 40 - i * 10.0).ToArray(), grown["lat"]);
    }

    [Fact]
    public void PlanInputs_UniformAxis_GrowsOnTheRequestsOwnGrid()
    {
        // PODPAC adds 1e-14·step to the grown stop; PodCache keeps the request's grid (see ConvolutionGrowth).
        var request = Coordinates.Parse(Coords(Uniform("lat", 0.3, 1, 0.1)));
        var grown = Grown("""{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", Coords(Uniform("lat", 0.3, 1, 0.1)));

        var lat = (UniformCoordinates1D)grown["lat"];
        var asked = (UniformCoordinates1D)request["lat"];
        Assert.Equal(asked.Size + 3, lat.Size);
        Assert.Equal(asked.Step, lat.Step);
        Assert.Equal(0.3 + -2 * asked.Step, lat.Start);
        for (int i = 0; i < asked.Size; i++)
        {
            Assert.True(Math.Abs(asked[i] - lat[i + 2]) <= 1e-15, $"point {i}");
        }
    }

    [Theory]
    [InlineData(2, new[] { 1.0, 2, 3, 5, 7 })]
    [InlineData(3, new[] { 1.0, 2, 3, 5, 7 })]
    [InlineData(4, new[] { 0.0, 1, 2, 3, 5, 7, 9 })]
    [InlineData(5, new[] { 0.0, 1, 2, 3, 5, 7, 9 })]
    public void PlanInputs_ExplicitAxis_GrowsHalfEachSideSpacedLikeTheEndPairs(int s, double[] expected)
    {
        var grown = Grown($$"""{"kernel_type": "mean,{{s}}", "kernel_dims": ["lat"]}""", Coords(Values("lat", 2, 3, 5)));

        Assert.False(grown["lat"].IsUniform);
        AssertPoints(expected, grown["lat"]);
    }

    [Fact]
    public void PlanInputs_ExplicitDescending_GrowsOutward()
    {
        var grown = Grown("""{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", Coords(Values("lat", 5, 3, 2)));

        AssertPoints([7, 5, 3, 2, 1], grown["lat"]);
    }

    [Fact]
    public void PlanInputs_SingleExplicitValue_DoesNotGrow()
    {
        var grown = Grown("""{"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}""",
            Coords(Values("lat", 2), Uniform("lon", 0, 2, 1)));

        AssertPoints([2], grown["lat"]);
        AssertPoints([-3, -2, -1, 0, 1, 2, 3, 4], grown["lon"]);
    }

    [Fact]
    public void PlanInputs_NonMonotonicExplicit_DoesNotGrow()
    {
        var grown = Grown("""{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", Coords(Values("lat", 1, 3, 2)));

        AssertPoints([1, 3, 2], grown["lat"]);
    }

    [Fact]
    public void PlanInputs_KernelOfOneTapAlongADim_DoesNotGrowThatDim()
    {
        var grown = Grown("""{"kernel": [[1, 2, 1]], "kernel_dims": ["lat", "lon"]}""",
            Coords(Uniform("lat", 0, 2, 1), Uniform("lon", 0, 2, 1)));

        AssertPoints([0, 1, 2], grown["lat"]);
        AssertPoints([-2, -1, 0, 1, 2, 3], grown["lon"]);
    }

    [Fact]
    public void PlanInputs_NonKernelDimsFirst_MovesThemAfterTheGrownDims()
    {
        var grown = Grown("""{"kernel_type": "mean,3", "kernel_dims": ["lon", "lat"]}""",
            Coords(Values("time", 0, 1), Uniform("lat", 0, 2, 1), Uniform("alt", 0, 1, 1), Uniform("lon", 0, 2, 1)));

        Assert.Equal(new[] { "lat", "lon", "time", "alt" }, grown.Dims);
        AssertPoints([0, 1], grown["alt"]);
    }

    [Fact]
    public void PlanInputs_KernelDimMissingFromRequest_IsIgnored()
    {
        var grown = Grown("""{"kernel_type": "mean,3", "kernel_dims": ["lat", "time"]}""", Coords(Uniform("lat", 0, 2, 1)));

        Assert.Equal(new[] { "lat" }, grown.Dims);
        AssertPoints([-2, -1, 0, 1, 2, 3], grown["lat"]);
    }

    [Fact]
    public void PlanInputs_UniformTimeAxis_GrowsByWholeSteps()
    {
        var request = Coordinates.Parse("""
            {"coords": [{"name": "time", "start": "2020-01-02", "stop": "2020-01-04", "step": "1,D"}]}
            """);
        var node = Pipeline.Parse(SinPipeline("""{"kernel_type": "mean,3", "kernel_dims": ["time"]}"""))["c"].Implementation;

        var time = node.PlanInputs(request, ["source"])["source"]["time"];

        Assert.Equal(request["time"].Unit, time.Unit);
        Assert.Equal(new[] { "2019-12-31", "2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05" },
            Enumerable.Range(0, time.Size).Select(i => time.FormatPoint(time[i])[..10]).ToArray());
    }

    [Theory]
    [InlineData("mean,3", new[] { "2019-12-30", "2020-01-01", "2020-01-03" })]
    [InlineData("mean,5", new[] { "2019-12-28", "2019-12-30", "2020-01-01", "2020-01-03", "2020-01-05" })]
    public void PlanInputs_ExplicitTimeAxis_GrowsAsNumpysDatetimeArange_OneShortAtTheEnd(string kernel, string[] grown)
    {
        var request = Coordinates.Parse("""{"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-03"]}]}""");
        var node = Pipeline.Parse(SinPipeline($$"""{"kernel_type": "{{kernel}}", "kernel_dims": ["time"]}"""))["c"].Implementation;

        var time = node.PlanInputs(request, ["source"])["source"]["time"];

        Assert.Equal(grown, Enumerable.Range(0, time.Size).Select(i => time.FormatPoint(time[i])[..10]).ToArray());
    }

    [Fact]
    public async Task ExplicitTimeAxis_ThreeTaps_FailsAsInPodpac_NamingTheFix()
    {
        var request = Coordinates.Parse("""{"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02"]}]}""");
        var pipeline = Pipeline.Parse(SinPipeline("""{"kernel_type": "mean,3", "kernel_dims": ["time"]}"""));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => new PipelineRunner(TieredCache.InMemory(1L << 24)).RunAsync(pipeline, request));

        Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("explicit 'time' axis", StringComparison.Ordinal)
            && e.Message.Contains("start/stop/step", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanInputs_NonFiniteSpacing_Throws()
    {
        var request = Coordinates.Parse(Coords(Values("lat", -1e308, 1e308)));
        var node = Pipeline.Parse(SinPipeline("""{"kernel": [1, 1], "kernel_dims": ["lat"]}"""))["c"].Implementation;

        Assert.Throws<NodeEvaluationException>(() => node.PlanInputs(request, ["source"]));
    }

    // ---- values ----

    private static readonly double[] Powers = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    /// <summary>out[i] = Σ_k K[k]·x[i + (s−1)/2 − k], zero outside x.</summary>
    private static double[] Reference1D(double[] x, double[] k, int from, int count)
    {
        var r = new double[count];
        int c = (k.Length - 1) / 2;
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < k.Length; t++)
            {
                int j = from + i + c - t;
                if (j >= 0 && j < x.Length) r[i] += k[t] * x[j];
            }
        }
        return r;
    }

    [Theory]
    [InlineData("[1, 10]")]
    [InlineData("[1, 10, 100]")]
    [InlineData("[1, 10, 100, 1000]")]
    [InlineData("[1, 10, 100, 1000, 10000]")]
    public async Task Evaluate_ExplicitKernel_IsAFlippedConvolutionUsedAsGiven(string kernel)
    {
        var k = kernel.Trim('[', ']').Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();

        var output = await RunAsync(ArrayPipeline(Json(Powers), $$"""{"kernel": {{kernel}}, "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 3, 6, 1)));

        Assert.Equal(new[] { "lat" }, output.Dims);
        AssertPoints([3, 4, 5, 6], output.Coordinates["lat"]);
        AssertValues(Reference1D(Powers, k, 3, 4), output);
    }

    [Fact]
    public async Task Evaluate_ThreeTaps_WindowIsPreviousCurrentNext()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel": [1, 10, 100], "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 4, 4, 1)));

        // out[4] = 1·x[5] + 10·x[4] + 100·x[3]
        AssertValues([32 + 160 + 800], output);
    }

    [Fact]
    public async Task Evaluate_SingleExplicitValue_UsesZeroPaddingSoOnlyTheCentreWeightCounts()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel": [1, 10, 100], "kernel_dims": ["lat"]}""", 10),
            Coords(Values("lat", 4)));

        AssertValues([10 * 16], output);
    }

    [Fact]
    public async Task Evaluate_NaNUnderZeroWeight_PoisonsEveryWindowThatTouchesIt()
    {
        var x = (double[])Powers.Clone();
        x[5] = double.NaN;

        var output = await RunAsync(ArrayPipeline(Json(x), """{"kernel": [0, 1, 0], "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 2, 8, 1)));

        AssertValues([4, 8, double.NaN, double.NaN, double.NaN, 128, 256], output);
    }

    [Fact]
    public async Task Evaluate_MeanKernelType_IsTheNormalisedAverageOfRealNeighbours()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 2, 7, 1)));

        AssertValues([(2 + 4 + 8) / 3.0, 28 / 3.0, 56 / 3.0, 112 / 3.0, 224 / 3.0, 448 / 3.0], output);
    }

    [Fact]
    public async Task Evaluate_MeanKernelTypeOnSingleValue_SeesZeroPaddingAsPodpac()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", 10),
            Coords(Values("lat", 9)));

        AssertValues([512 / 3.0], output);
    }

    [Fact]
    public async Task Evaluate_GaussianKernelType_MatchesScipyWindowNormalised()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel_type": "gaussian,3,1", "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 3, 6, 1)));

        double e = Math.Exp(-0.5);
        AssertValues(Reference1D(Powers, [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)], 3, 4), output);
    }

    /// <summary>Direct 2-D reference: out[i,j] = Σ K[a,b]·x[i+ci−a, j+cj−b] on the crop.</summary>
    private static double[] Reference2D(double[,] x, double[,] k, int i0, int ni, int j0, int nj)
    {
        var r = new double[ni * nj];
        int ca = (k.GetLength(0) - 1) / 2, cb = (k.GetLength(1) - 1) / 2;
        for (int i = 0; i < ni; i++)
        {
            for (int j = 0; j < nj; j++)
            {
                for (int a = 0; a < k.GetLength(0); a++)
                {
                    for (int b = 0; b < k.GetLength(1); b++)
                    {
                        int p = i0 + i + ca - a, q = j0 + j + cb - b;
                        if (p >= 0 && p < x.GetLength(0) && q >= 0 && q < x.GetLength(1)) r[i * nj + j] += k[a, b] * x[p, q];
                    }
                }
            }
        }
        return r;
    }

    private static double[,] Grid(int n, int m, int seed)
    {
        var rng = new Random(seed);
        var g = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++) g[i, j] = Math.Round(rng.NextDouble() * 20 - 10, 2);
        }
        return g;
    }

    [Fact]
    public async Task Evaluate_NonSeparableKernel_MatchesDirectReference()
    {
        var x = Grid(8, 9, 7);
        var k = new double[,] { { 1, 0, -2 }, { 0.5, 3, 0 }, { 0, 0, 4 } };

        var output = await RunAsync(ArrayPipeline(Json(x), $$"""{"kernel": {{Json(k)}}, "kernel_dims": ["lat", "lon"]}""", 8, 9),
            Coords(Uniform("lat", 2, 5, 1), Uniform("lon", 2, 6, 1)));

        Assert.Equal(new[] { 4, 5 }, output.Shape);
        AssertValues(Reference2D(x, k, 2, 4, 2, 5), output);
    }

    [Fact]
    public async Task Evaluate_KernelDimsInOtherOrder_TransposesTheKernelToTheSource()
    {
        var x = Grid(8, 9, 11);
        // Axis 0 of the kernel is lon (4 taps), axis 1 is lat (2 taps).
        var k = new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } };
        var kt = new double[,] { { 1, 3, 5, 7 }, { 2, 4, 6, 8 } };

        var output = await RunAsync(ArrayPipeline(Json(x), $$"""{"kernel": {{Json(k)}}, "kernel_dims": ["lon", "lat"]}""", 8, 9),
            Coords(Uniform("lat", 2, 5, 1), Uniform("lon", 2, 5, 1)));

        AssertValues(Reference2D(x, kt, 2, 4, 2, 4), output);
    }

    [Fact]
    public async Task Evaluate_KernelDimTheSourceLacks_IsSummedAway()
    {
        // The Array has lat only, so it drops the request's lon; the kernel's lon axis is summed: [1+2, 10+20, 100+200].
        var output = await RunAsync(
            ArrayPipeline(Json(Powers), """{"kernel": [[1, 2], [10, 20], [100, 200]], "kernel_dims": ["lat", "lon"]}""", 10),
            Coords(Uniform("lat", 3, 6, 1), Uniform("lon", 0, 4, 1)));

        Assert.Equal(new[] { "lat" }, output.Dims);
        AssertValues(Reference1D(Powers, [3, 30, 300], 3, 4), output);
    }

    [Fact]
    public async Task Evaluate_SourceHasNonKernelDims_ConvolvesEachSliceAlongTheKernelDim()
    {
        var x = Grid(8, 5, 3);

        var output = await RunAsync(ArrayPipeline(Json(x), """{"kernel": [1, 10, 100], "kernel_dims": ["lat"]}""", 8, 5),
            Coords(Uniform("lat", 2, 5, 1), Uniform("lon", 0, 4, 1)));

        Assert.Equal(new[] { "lat", "lon" }, output.Dims);
        AssertValues(Reference2D(x, new double[,] { { 1 }, { 10 }, { 100 } }, 2, 4, 0, 5), output);
    }

    private static string Array3D(int nlat, int nlon, int nalt)
    {
        var rows = Enumerable.Range(0, nlat).Select(i => "[" + string.Join(", ", Enumerable.Range(0, nlon).Select(j =>
            "[" + string.Join(", ", Enumerable.Range(0, nalt).Select(k => (100 * i + 10 * j + k).ToString(CultureInfo.InvariantCulture))) + "]")) + "]");
        string coords = Coords(Uniform("lat", 0, nlat - 1, 1), Uniform("lon", 0, nlon - 1, 1), Uniform("alt", 0, nalt - 1, 1));
        return $$"""{"node": "data.Array", "attrs": {"source": [{{string.Join(", ", rows)}}], "coordinates": {{coords}} } }""";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Evaluate_KernelDimsReversedWithAnExtraSourceDim_FailsOnlyWherePodpacMixesUpTheCrops(bool withAlt)
    {
        // kernel_dims (lon: 3 taps, lat: 5 taps) against a (lat, lon[, alt]) request. With a non-kernel dim in the
        // source, PODPAC crops lat with lon's slice (looked up by kernel_dims position): conflicting sizes.
        string pipeline = $$"""
            {
              "a": {{Array3D(12, 10, 2)}},
              "c": {"node": "algorithm.Convolution", "attrs": {"kernel": {{Json(new double[3, 5])}}, "kernel_dims": ["lon", "lat"]}, "inputs": {"source": "a"} },
              "podpac_output_node": "c"
            }
            """;
        string coords = withAlt
            ? Coords(Uniform("lat", 4, 7, 1), Uniform("lon", 3, 6, 1), Uniform("alt", 0, 1, 1))
            : Coords(Uniform("lat", 4, 7, 1), Uniform("lon", 3, 6, 1));

        if (withAlt)
        {
            var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(pipeline, coords));
            Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("conflicting sizes", StringComparison.Ordinal));
        }
        else
        {
            // The Array has alt, so a (lat, lon) request cannot be served by it at all: use a 2-D request over SinCoords.
            var output = await RunAsync(SinPipeline($$"""{"kernel": {{Json(new double[3, 5])}}, "kernel_dims": ["lon", "lat"]}"""), coords);
            Assert.Equal(new[] { 4, 4 }, output.Shape);
            Assert.All(output.Values.ToArray(), v => Assert.Equal(0.0, v));
        }
    }

    [Fact]
    public async Task Evaluate_ExtraSourceDimWithKernelDimsInRequestOrder_ConvolvesEachAltSlice()
    {
        var k = new double[,] { { 0, 0, 0 }, { 0, 1, 2 }, { 0, 0, 0 } };
        string pipeline = $$"""
            {
              "a": {{Array3D(12, 10, 2)}},
              "c": {"node": "algorithm.Convolution", "attrs": {"kernel": {{Json(k)}}, "kernel_dims": ["lat", "lon"]}, "inputs": {"source": "a"} },
              "podpac_output_node": "c"
            }
            """;

        var output = await RunAsync(pipeline, Coords(Uniform("lat", 4, 5, 1), Uniform("lon", 3, 4, 1), Uniform("alt", 0, 1, 1)));

        // out[i, j, k] = 1·x[i, j] + 2·x[i, j − 1] with x = 100·lat + 10·lon + alt.
        Assert.Equal(new[] { "lat", "lon", "alt" }, output.Dims);
        Assert.Equal(3 * 431 - 20.0, output[0, 0, 1]);
        Assert.Equal(3 * 540 - 20.0, output[1, 1, 0]);
    }

    [Fact]
    public async Task Evaluate_NonKernelDimBeforeKernelDim_ThrowsLikePodpac()
    {
        var x = Grid(8, 5, 3);

        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(
            ArrayPipeline(Json(x), """{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", 8, 5),
            Coords(Uniform("lon", 0, 3, 1), Uniform("lat", 2, 4, 1))));

        Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("before kernel dim 'lat'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_NonKernelDimFirstWithEqualSizes_LabelsPositionallyLikePodpac()
    {
        // QUIRK: with equal sizes PODPAC does not raise; it labels the (lat, lon) result as (lon, lat) by position.
        var x = Grid(8, 5, 5);

        var output = await RunAsync(ArrayPipeline(Json(x), """{"kernel": [0, 1, 0], "kernel_dims": ["lat"]}""", 8, 5),
            Coords(Uniform("lon", 0, 2, 1), Uniform("lat", 2, 4, 1)));

        Assert.Equal(new[] { "lon", "lat" }, output.Dims);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(x[2 + i, j], output[i, j]);
            }
        }
    }

    [Fact]
    public async Task Evaluate_OutputCoordinates_AreTheRequestsNotTheSources()
    {
        // The Array answers the grown explicit request 1..5 with a uniform slice of its own grid; the output keeps the
        // request's explicit axis.
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel": [0, 1, 0], "kernel_dims": ["lat"]}""", 10),
            Coords(Values("lat", 2, 3, 4)));

        AssertPoints([2, 3, 4], output.Coordinates["lat"]);
        Assert.False(output.Coordinates["lat"].IsUniform);
        AssertValues([4, 8, 16], output);
    }

    [Fact]
    public async Task Evaluate_UniformRequestOverTheWholeArray_ThrowsConflictingSizesLikePodpac()
    {
        // The grown request reaches past the Array, which returns only its own 10 points: cropped [2:-1] that is 7.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(
            ArrayPipeline(Json(Powers), """{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", 10),
            Coords(Uniform("lat", 0, 9, 1))));

        Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("crops to [7]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_SourceSizeDoesNotCropToTheRequest_ThrowsConflictingSizes()
    {
        // Explicit request 1.5, 2.5: grown to 0.5..3.5, the Array returns 0..4 (5 points), cropped [1:-1] gives 3, not 2.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(
            ArrayPipeline(Json(Powers), """{"kernel_type": "mean,3", "kernel_dims": ["lat"]}""", 10),
            Coords(Values("lat", 1.5, 2.5))));

        Assert.Contains(ex.Errors, e => e.Path == "c" && e.Message.Contains("conflicting sizes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_SinCoordsMean_MatchesHandComputedAverage()
    {
        var output = await RunAsync(SinPipeline("""{"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}"""),
            Coords(Uniform("lat", 10, 30, 10), Uniform("lon", 20, 40, 10)));

        static double F(double c) => Math.Sin(Math.PI * c / 90);
        double expected = 0;
        for (int a = -1; a <= 1; a++)
        {
            for (int b = -1; b <= 1; b++) expected += F(20 + 10 * a) * F(30 + 10 * b) / 9;
        }
        Assert.Equal(new[] { 3, 3 }, output.Shape);
        Assert.Equal(expected, output[1, 1], 12);
    }

    [Fact]
    public async Task Evaluate_TwoRequestsOfOneGrid_AgreeOnSharedPoints()
    {
        // Convolution is local (extentDependent false): a sub-grid request gives the same values at its points.
        const string attrs = """{"kernel_type": "gaussian,5,1.5", "kernel_dims": ["lat", "lon"]}""";
        var big = await RunAsync(SinPipeline(attrs), Coords(Uniform("lat", 0, 50, 5), Uniform("lon", 10, 60, 5)));
        var small = await RunAsync(SinPipeline(attrs), Coords(Uniform("lat", 20, 30, 5), Uniform("lon", 30, 40, 5)));

        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) Assert.Equal(big[4 + i, 4 + j], small[i, j], 13);
        }
        Assert.False(ConvolutionNodeTypeIsExtentDependent());
    }

    private static bool ConvolutionNodeTypeIsExtentDependent() =>
        Pipeline.Parse(SinPipeline("""{"kernel_type": "mean,3", "kernel_dims": ["lat"]}"""))["c"].Type.ExtentDependent;

    [Theory]
    [InlineData("algorithm.Convolution")]
    [InlineData("core.algorithm.signal.Convolution")]
    [InlineData("algorithm.signal.Convolution")]
    public void Parse_Aliases_ResolveToOneCanonicalType(string name)
    {
        var pipeline = Pipeline.Parse($$"""
            {"s": {"node": "algorithm.SinCoords"},
             "c": {"node": "{{name}}", "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat"]}, "inputs": {"source": "s"} } }
            """);

        Assert.Equal("algorithm.Convolution", pipeline["c"].Type.Name);
        Assert.Equal(1, pipeline["c"].Type.Version);
    }

    [Fact]
    public void Parse_KernelSpellings_NormaliseToOneKeyAttr()
    {
        var a = Pipeline.Parse(SinPipeline("""{"kernel": [[1, 2], [3, null]], "kernel_dims": ["lat", "lon"]}"""))["c"].Attrs["kernel"]!;
        var b = Pipeline.Parse(SinPipeline("""{"kernel": [[1.0, 2.0], [3.0, NaN]], "kernel_dims": ["lat", "lon"]}"""))["c"].Attrs["kernel"]!;

        Assert.Equal(a.ToJsonString(PodCache.Runtime.Json.JsonNumbers.WriteOptions), b.ToJsonString(PodCache.Runtime.Json.JsonNumbers.WriteOptions));
        Assert.Equal("[2,2]", a["shape"]!.ToJsonString());
    }

    // ---- validation ----

    [Theory]
    [InlineData("""{"kernel": [[1, 1], [1, 1]], "kernel_dims": ["lat"]}""", "kernel_dims", "1 dim(s) but the kernel has 2 axes")]
    [InlineData("""{"kernel_type": "mean,3", "kernel_dims": ["lat", "height"]}""", "kernel_dims", "unknown dim 'height'")]
    [InlineData("""{"kernel_type": "mean,3", "kernel_dims": ["lat", "lat"]}""", "kernel_dims", "appears twice")]
    [InlineData("""{"kernel_type": "mean,3"}""", "kernel_dims", "required")]
    [InlineData("""{"kernel_type": "mean,3", "kernel_dims": "lat"}""", "kernel_dims", "list of strings")]
    [InlineData("""{"kernel": [1, 1], "kernel_type": "mean,3", "kernel_dims": ["lat"]}""", "kernel_type", "not both")]
    [InlineData("""{"kernel": [1, 1], "kernel_type": [], "kernel_dims": ["lat"]}""", "kernel_type", "not both")]
    [InlineData("""{"kernel_dims": ["lat"]}""", "kernel", "needs a 'kernel' array or a 'kernel_type'")]
    [InlineData("""{"kernel_type": "hanning,3", "kernel_dims": ["lat"]}""", "kernel_type", "supported: mean, gaussian")]
    [InlineData("""{"kernel_type": "gaussian,3", "kernel_dims": ["lat"]}""", "kernel_type", "one finite, non-zero std")]
    [InlineData("""{"kernel_type": "gaussian,3,0", "kernel_dims": ["lat"]}""", "kernel_type", "one finite, non-zero std")]
    [InlineData("""{"kernel_type": "mean,x", "kernel_dims": ["lat"]}""", "kernel_type", "integer kernel size")]
    [InlineData("""{"kernel_type": "mean,3.0", "kernel_dims": ["lat"]}""", "kernel_type", "integer kernel size")]
    [InlineData("""{"kernel_type": "mean,0", "kernel_dims": ["lat"]}""", "kernel_type", "at least 1")]
    [InlineData("""{"kernel_type": "hann,3,1", "kernel_dims": ["lat"]}""", "kernel_type", "takes no parameters")]
    [InlineData("""{"kernel_type": 3, "kernel_dims": ["lat"]}""", "kernel_type", "must be a string")]
    [InlineData("""{"kernel_type": "gaussian,3,1", "kernel_dims": []}""", "kernel_dims", "lists 0 dims")]
    [InlineData("""{"kernel": "ones", "kernel_dims": ["lat"]}""", "kernel", "list of numbers")]
    [InlineData("""{"kernel": [[1, 2], [3]], "kernel_dims": ["lat", "lon"]}""", "kernel[1]", "ragged")]
    [InlineData("""{"kernel": [[1, 2], [3, "x"]], "kernel_dims": ["lat", "lon"]}""", "kernel[1][1]", "must be a number")]
    [InlineData("""{"kernel": [[], []], "kernel_dims": ["lat", "lon"]}""", "kernel", "empty axis")]
    public void Parse_InvalidAttrs_ReportsTheAttrPath(string attrs, string attr, string message)
    {
        var ex = ParseError(SinPipeline(attrs));

        Assert.Contains(ex.Errors, e => e.Path == $"c.attrs.{attr}" && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralBadKernelDims_ReportsEveryOne()
    {
        var ex = ParseError(SinPipeline("""{"kernel_type": "mean,3", "kernel_dims": ["x", "y"]}"""));

        Assert.Equal(2, ex.Errors.Count(e => e.Path == "c.attrs.kernel_dims"));
    }

    [Fact]
    public async Task Evaluate_MeanWithNoKernelDims_IsTheIdentityLikePodpac()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel_type": "mean,3", "kernel_dims": []}""", 10),
            Coords(Uniform("lat", 3, 5, 1)));

        AssertValues([8, 16, 32], output);
    }

    [Fact]
    public async Task Evaluate_ScalarKernel_ScalesTheSource()
    {
        var output = await RunAsync(ArrayPipeline(Json(Powers), """{"kernel": 2.5, "kernel_dims": []}""", 10),
            Coords(Uniform("lat", 3, 5, 1)));

        AssertValues([20, 40, 80], output);
    }
}
