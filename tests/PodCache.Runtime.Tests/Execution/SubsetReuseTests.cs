using System.Globalization;
using CsCheck;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class SubsetReuseTests
{
    private const string Smooth = """
        {"sin": {"node": "algorithm.SinCoords"},
         "lat": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
         "conv": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "conv", "L": "lat"}, "attrs": {"eqn": "A * 100 + L"}}}
        """;

    private const string Numbered = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "idx"}, "attrs": {"eqn": "A + B"}}}
        """;

    private static readonly Coordinates Big = Coordinates.Parse("""
        {"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.5}, {"name": "lon", "start": -130, "stop": -60, "step": 0.5}]}
        """);

    private static readonly Coordinates Small = Coordinates.Parse("""
        {"coords": [{"name": "lat", "start": 50, "stop": 30.5, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}
        """);

    private static async Task<DataArray> Fresh(Pipeline p, Coordinates c) =>
        (await new PipelineRunner(TieredCache.InMemory(1 << 26), new RunnerOptions { SubsetReuse = false }).RunAsync(p, c)).Output!;

    private static void AssertClose(DataArray expected, DataArray actual)
    {
        Assert.Equal(expected.Dims, actual.Dims);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Coordinates.Key, actual.Coordinates.Key);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected.Values[i], a = actual.Values[i];
            Assert.True(Math.Abs(e - a) <= Math.Max(1e-12, 1e-9 * Math.Abs(e)), $"cell {i}: expected {e}, got {a}");
        }
    }

    [Fact]
    public async Task Run_AlignedSubGrid_OfExtentIndependentPipeline_IsSlicedNotComputed()
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);

        var sub = await runner.RunAsync(p, Small);

        Assert.Equal(0, sub.ComputedCount);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), sub.Nodes["out"].Status);
        AssertClose(await Fresh(p, Small), sub.Output!);
    }

    [Fact]
    public async Task Run_SubGridOfArangePipeline_IsRecomputedNotSliced()
    {
        var p = Pipeline.Parse(Numbered);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);

        var sub = await runner.RunAsync(p, Small);

        Assert.Equal(CacheStatus.Computed, sub.Nodes["out"].Status);
        Assert.Equal(CacheStatus.Computed, sub.Nodes["idx"].Status);
        // The sin branch alone is extent-independent, so it is sliced.
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), sub.Nodes["sin"].Status);
        var fresh = await Fresh(p, Small);
        AssertClose(fresh, sub.Output!);
        Assert.Equal(0, fresh.Values[0] - Math.Sin(Math.PI * 50 / 90) * Math.Sin(Math.PI * -120 / 90), 12);
    }

    [Theory]
    [InlineData("""{"coords": [{"name": "lat", "start": 50.25, "stop": 30.25, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 50, "stop": 30, "step": -1}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "values": [50, 49.5, 49]}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 70, "stop": 50, "step": -0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "start": 30, "stop": 50, "step": 0.5}, {"name": "lon", "start": -120, "stop": -100, "step": 0.5}]}""")]
    public async Task Run_NotAnAlignedSubGrid_Computed(string coords)
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);
        var c = Coordinates.Parse(coords);

        var sub = await runner.RunAsync(p, c);

        Assert.Equal(CacheStatus.Computed, sub.Nodes["out"].Status);
        AssertClose(await Fresh(p, c), sub.Output!);
    }

    [Fact]
    public async Task Run_TransposedSubGrid_SlicedAndTransposed()
    {
        var p = Pipeline.Parse(Smooth);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 26));
        await runner.RunAsync(p, Big);
        var c = Coordinates.Parse("""{"coords": [{"name": "lon", "start": -120, "stop": -100, "step": 0.5}, {"name": "lat", "start": 50, "stop": 30, "step": -0.5}]}""");

        var sub = await runner.RunAsync(p, c);

        Assert.Equal(CacheStatus.Hit(TierNames.Ram), sub.Nodes["out"].Status);
        Assert.Equal(["lon", "lat"], sub.Output!.Dims);
        AssertClose(await Fresh(p, c), sub.Output!);
    }

    [Fact]
    public void TryMap_TransposedDims_FindsOffsets()
    {
        var small = Coordinates.Parse("""{"coords": [{"name": "lon", "start": -120, "stop": -100, "step": 0.5}, {"name": "lat", "start": 50, "stop": 30, "step": -0.5}]}""");
        Assert.True(SubsetReuse.TryMap(Big, small, out var offsets));
        Assert.Equal(20, offsets["lat"]);
        Assert.Equal(20, offsets["lon"]);
    }

    private const string CoordConv = """
        {"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
         "c": {"node": "algorithm.Convolution", "inputs": {"source": "l"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat"]}}}
        """;

    private static string CoordEquals(string value) => $$"""
        {"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"} },
         "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "l"}, "attrs": {"eqn": "L == {{value}}"} } }
        """;

    private static void AssertBitIdentical(DataArray expected, DataArray actual)
    {
        Assert.Equal(expected.Dims, actual.Dims);
        Assert.Equal(expected.Shape, actual.Shape);
        foreach (var axis in expected.Coordinates.Axes)
        {
            var other = actual.Coordinates[axis.Name];
            for (int i = 0; i < axis.Size; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(axis[i]) == BitConverter.DoubleToInt64Bits(other[i]),
                    $"{axis.Name}[{i}]: expected {axis[i]:R}, got {other[i]:R}");
            }
        }
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected.Values[i]) == BitConverter.DoubleToInt64Bits(actual.Values[i]),
                $"cell {i}: expected {expected.Values[i]:R}, got {actual.Values[i]:R}");
        }
    }

    [Fact]
    public async Task Run_CoordDataAfterConvolutionGrewTheGrid_EqualsFreshBitForBit()
    {
        // Issue 12 item 3: the grown grid's point 69.8 + 76·0.1 is 77.39999999999999, the request's is 77.4.
        var big = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 70, "stop": 80, "step": 0.1}]}""");
        var small = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 77, "stop": 78, "step": 0.1}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24));
        await runner.RunAsync(Pipeline.Parse(CoordConv), big);

        var run = await runner.RunAsync(Pipeline.Parse(CoordEquals("77.4")), small);

        var fresh = await Fresh(Pipeline.Parse(CoordEquals("77.4")), small);
        AssertBitIdentical(fresh, run.Output!);
        Assert.Equal(1.0, run.Output!.Values[4]);
        Assert.Equal(CacheStatus.Computed, run.Nodes["l"].Status);
    }

    [Fact]
    public async Task Run_CoordDataAfterConvolutionGrewADyadicGrid_IsSlicedAndEqualsFresh()
    {
        // Quarter steps are exact in binary: every lattice point is the same double whatever the start, so reuse stays.
        var big = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 70, "stop": 80, "step": 0.25}]}""");
        var small = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 69.5, "stop": 78, "step": 0.25}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24));
        await runner.RunAsync(Pipeline.Parse(CoordConv), big);

        var run = await runner.RunAsync(Pipeline.Parse(CoordEquals("77.5")), small);

        Assert.Equal(CacheStatus.Hit(TierNames.Ram), run.Nodes["l"].Status);
        AssertBitIdentical(await Fresh(Pipeline.Parse(CoordEquals("77.5")), small), run.Output!);
    }

    [Fact]
    public void TryMapExact_PointsAnUlpOff_NoMapping_SamePoints_Offsets()
    {
        var big = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 69.8, "stop": 80.2, "step": 0.1}]}""");
        var small = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 77, "stop": 78, "step": 0.1}]}""");
        Assert.True(SubsetReuse.TryMap(big, small, out _));
        Assert.False(SubsetReuse.TryMapExact(big, small, out _));

        var quarter = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 69.5, "stop": 80.5, "step": 0.25}]}""");
        var sub = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 77, "stop": 78, "step": 0.25}]}""");
        Assert.True(SubsetReuse.TryMapExact(quarter, sub, out var offsets));
        Assert.Equal(30, offsets["lat"]);
    }

    [Fact]
    public void CatalogForm_RoundTripsToTheSameKey()
    {
        Gen.Select(Gen.Double[-1000, 1000], Gen.Double[1e-4, 10], Gen.Int[1, 500], Gen.Bool).Sample((start, step, size, negativeZero) =>
        {
            var axis = UniformCoordinates1D.FromStep("lat", negativeZero ? -0.0 : start, (negativeZero ? 0 : start) + step * (size - 1), step);
            var c = new Coordinates([axis, UniformCoordinates1D.FromSize("lon", start, start + 1 + step, size)]);
            var back = SubsetReuse.ReadCatalogForm(SubsetReuse.CatalogForm(c));
            return back is not null && back.Key == c.Key;
        }, iter: 2000);
    }

    private static readonly string[] Starts = ["60", "58.3", "0.1", "-7.7", "0.3333333333333333", "-0.0", "12.5"];

    private static readonly string[] Steps = ["0.1", "-0.3", "0.3333333333333333", "-0.5", "0.25", "1"];

    /// <summary>A uniform axis as a user would write it: start, step and a stop <c>size − 1</c> steps on.</summary>
    private static string Axis(string name, double start, string step, int size) =>
        $$"""{"name": "{{name}}", "start": {{R(start)}}, "stop": {{R(start + (size - 1) * double.Parse(step, CultureInfo.InvariantCulture))}}, "step": {{step}} }""";

    private static string R(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Pipelines whose output depends on coordinate values through every extent-independent path.</summary>
    private static string[] Pipelines(string equalsValue) =>
    [
        CoordEquals(equalsValue),
        $$"""
        {"s": {"node": "algorithm.SinCoords"}, "l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"} },
         "out": {"node": "algorithm.Mask", "inputs": {"source": "s", "mask": "l"}, "attrs": {"bool_op": "==", "bool_val": {{equalsValue}}, "masked_val": -1} } }
        """,
        """
        {"s": {"node": "algorithm.SinCoords"}, "l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
         "c": {"node": "algorithm.Convolution", "inputs": {"source": "s"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"C": "c", "L": "l"}, "attrs": {"eqn": "C * 100 + L"}}}
        """,
        $$"""
        {"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"} },
         "c": {"node": "algorithm.Convolution", "inputs": {"source": "l"}, "attrs": {"kernel_type": "gaussian,5,1", "kernel_dims": ["lat"]} },
         "out": {"node": "algorithm.Arithmetic", "inputs": {"C": "c", "L": "l"}, "attrs": {"eqn": "(L == {{equalsValue}}) + C"} } }
        """,
    ];

    [Fact]
    public void Run_RandomAlignedSubGrids_SlicedHitEqualsColdComputationBitForBit()
    {
        int sliced = 0;
        var gen = Gen.Select(
            Gen.Select(Gen.OneOf(Starts), Gen.OneOf(Steps), Gen.Int[4, 16]),
            Gen.Select(Gen.OneOf(Starts), Gen.OneOf(Steps), Gen.Int[4, 16]),
            Gen.Select(Gen.Int[0, 3], Gen.Double[0, 1], Gen.Double[0, 1]),
            Gen.Select(Gen.Bool, Gen.Int[0, int.MaxValue]));
        gen.Sample(t =>
        {
            var (latSpec, lonSpec, (pipelineIndex, from, length), (decimalStart, pick)) = t;
            var big = Coordinates.Parse($$"""{"coords": [{{Axis("lat", Num(latSpec.Item1), latSpec.Item2, latSpec.Item3)}}, {{Axis("lon", Num(lonSpec.Item1), lonSpec.Item2, lonSpec.Item3)}}]}""");
            string SubAxis(string name, (string Start, string Step, int Size) spec)
            {
                var axis = big[name];
                int o = (int)(from * (axis.Size - 1));
                int m = 1 + (int)(length * (axis.Size - o - 1));
                // The sub-grid's start as a user would spell it: the big grid's own double, or a short decimal of it.
                double start = decimalStart ? Math.Round(axis[o], 9) : axis[o];
                return Axis(name, start, spec.Step, m);
            }
            var small = Coordinates.Parse($$"""{"coords": [{{SubAxis("lat", latSpec)}}, {{SubAxis("lon", lonSpec)}}]}""");
            var lat = small["lat"];
            string equalsValue = R(lat[pick % lat.Size]);
            var pipeline = Pipeline.Parse(Pipelines(equalsValue)[pipelineIndex]);

            var runner = new PipelineRunner(TieredCache.InMemory(1 << 24));
            runner.RunAsync(Pipeline.Parse(CoordConv), big).GetAwaiter().GetResult();
            runner.RunAsync(pipeline, big).GetAwaiter().GetResult();
            var run = runner.RunAsync(pipeline, small).GetAwaiter().GetResult();
            var fresh = Fresh(pipeline, small).GetAwaiter().GetResult();

            if (small.Key != big.Key && run.Nodes.Values.Any(n => n.Status.IsHit))
            {
                Interlocked.Increment(ref sliced);
            }
            AssertBitIdentical(fresh, run.Output!);
        }, iter: 300, threads: 1);
        // Reuse still happens where it is exact (dyadic steps and starts), so the fix is not "never slice".
        Assert.True(sliced > 10, $"only {sliced} runs reused a larger grid");

        static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    }
}
