using System.Globalization;
using CsCheck;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

/// <summary>
/// Issue 12 item 1: no two inputs whose results differ share a key. The property test draws pairs of inputs from
/// small pools of spellings (so that equal keys are frequent) and requires equal ResultKeys to mean bit-identical
/// outputs; the regression tests replay the collisions found before key schema 2 through a runner with a cache.
/// </summary>
public class NodeKeysCollisionTests
{
    private static readonly string Below774 = Math.BitDecrement(77.4).ToString("R", CultureInfo.InvariantCulture);
    private static readonly string Above774 = Math.BitIncrement(77.4).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Groups of number spellings: within a group, several spellings of one value (which must share a key) and values
    /// that only an exact, sign- and type-aware form tells apart (which must not, where evaluation sees the difference).
    /// Both inputs of a pair draw from one group, so equal keys are frequent.
    /// </summary>
    private static readonly string[][] Groups =
    [
        ["0", "-0", "0.0", "-0.0", "0e0", "-0E0"],
        ["1", "1.0", "1e0", "10e-1"],
        ["2.5", "2.50", "25e-1"],
        ["9007199254740992", "9007199254740993", "9007199254740992.0", "9007199254740993.0", "123456789012345678901234567890"],
        ["77.4", Below774, Above774, "77.40"],
        ["\"A\"", "\"1\"", "1", "true", "null"],
    ];

    private static readonly string[] Eqns =
    [
        "1 / ({z} * (A*0 + 1))",
        "A*0 + ({z} - 9007199254740992)",
        "A*0 + ({z} * 3**40) % 7",
        "A*0 + {z}",
        "(A*0 + {z}) == 77.4",
    ];

    private static readonly string[] CoordEqns = ["1 / L", "L == 77.4", "L * 3", "L - 77.4"];

    /// <summary>Uniform steps: spellings of one step, and a step an ulp away.</summary>
    private static readonly string[][] StepGroups =
    [
        ["1", "1.0", "1e0"],
        ["0.1", "0.10", "1e-1", Math.BitIncrement(0.1).ToString("R", CultureInfo.InvariantCulture)],
    ];

    private const string ParamsCoords = """{"coords": [{"name": "lat", "values": [1, -3]}, {"name": "lon", "values": [2]}]}""";

    /// <summary>An Arithmetic over SinCoords with one param; refs and member order vary too (they must not matter).</summary>
    private static string ParamsPipeline(string eqn, string z, string sref, bool swap)
    {
        string sin = $"\"{sref}\": {{\"node\": \"algorithm.SinCoords\"}}";
        string outNode = swap
            ? $"\"out\": {{\"attrs\": {{\"params\": {{\"z\": {z}}}, \"eqn\": \"{eqn}\"}}, \"inputs\": {{\"A\": \"{sref}\"}}, \"node\": \"algorithm.Arithmetic\"}}"
            : $"\"out\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"{sref}\"}}, \"attrs\": {{\"eqn\": \"{eqn}\", \"params\": {{\"z\": {z}}}}}}}";
        return "{" + (swap ? outNode + ", " + sin : sin + ", " + outNode) + "}";
    }

    /// <summary>A data.Array of one cell, through an expression that shows the sign of zero and the exact value.</summary>
    private static string ArrayPipeline(string v, string eqn) =>
        $$"""{"a": {"node": "data.Array", "attrs": {"source": [{{v}}], "coordinates": {"coords": [{"name": "lat", "values": [1]}]} } }, "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "a"}, "attrs": {"eqn": "{{eqn}}"} } }""";

    private static string CoordPipeline(string eqn) =>
        $$"""{"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"} }, "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "l"}, "attrs": {"eqn": "{{eqn}}"} } }""";

    private static string Stop(string start, string step, int n) =>
        (double.Parse(start, CultureInfo.InvariantCulture) + (n - 1) * double.Parse(step, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture);

    private static Gen<string> Spelling(string[] group) => Gen.Int[0, group.Length - 1].Select(i => group[i]);

    /// <summary>Two inputs of one kind whose numbers come from one group.</summary>
    private static Gen<((string Pipeline, string Coords) A, (string Pipeline, string Coords) B)> Pair =>
        Gen.Int[0, Groups.Length - 1].SelectMany(g =>
        {
            var numbers = Groups[g];
            var finite = Groups[g == 5 ? 1 : g];
            var paramsCase = Gen.Select(Gen.OneOf(Eqns), Gen.OneOf("s", "sin"), Gen.Bool, Gen.Bool).Select((eqn, sref, swapA, swapB) =>
                Gen.Select(Spelling(numbers), Spelling(numbers), (za, zb) =>
                    ((ParamsPipeline(eqn, za, sref, swapA), ParamsCoords), (ParamsPipeline(eqn, zb, sref == "s" ? "sin" : "s", swapB), ParamsCoords))));
            var arrayCase = Gen.OneOf(CoordEqns).Select(eqn =>
                Gen.Select(Spelling(finite), Spelling(finite), (va, vb) =>
                    ((ArrayPipeline(va, eqn), """{"coords": [{"name": "lat", "values": [1]}]}"""), (ArrayPipeline(vb, eqn), """{"coords": [{"name": "lat", "values": [1]}]}"""))));
            var explicitCase = Gen.Select(Gen.OneOf(CoordEqns), Gen.Int[1, 3]).Select((eqn, n) =>
                Gen.Select(Spelling(finite).Array[n], Spelling(finite).Array[n], (va, vb) =>
                    ((CoordPipeline(eqn), Values(va)), (CoordPipeline(eqn), Values(vb)))));
            var uniformCase = Gen.Select(Gen.OneOf(CoordEqns), Gen.Int[1, 3], Gen.Int[0, StepGroups.Length - 1]).Select((eqn, n, sg) =>
                Gen.Select(Spelling(finite), Spelling(finite), Spelling(StepGroups[sg]), Spelling(StepGroups[sg]), (sa, sb, da, db) =>
                    ((CoordPipeline(eqn), Uniform(sa, da, n)), (CoordPipeline(eqn), Uniform(sb, db, n)))));
            return Gen.OneOf(paramsCase.SelectMany(x => x), arrayCase.SelectMany(x => x), explicitCase.SelectMany(x => x), uniformCase.SelectMany(x => x));
        });

    private static string Values(string[] v) => $$"""{"coords": [{"name": "lat", "values": [{{string.Join(", ", v)}}]}]}""";

    private static string Uniform(string start, string step, int n) =>
        $$"""{"coords": [{"name": "lat", "start": {{start}}, "stop": {{Stop(start, step, n)}}, "step": {{step}} }]}""";

    /// <summary>The output's ResultKey and values, or null when the pipeline or coordinates are invalid (never cached).</summary>
    private static (PodCache.Cache.Keys.Key Key, DataArray Output)? Evaluate((string Pipeline, string Coords) c)
    {
        Pipeline p;
        Coordinates coords;
        try
        {
            p = Pipeline.Parse(c.Pipeline);
            coords = Coordinates.Parse(c.Coords);
        }
        catch (PipelineException)
        {
            return null;
        }
        var key = NodeKeys.ResultKey(new NodeKeys(p).NodeKey("out"), coords.Key);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22), new RunnerOptions { SubsetReuse = false });
        try
        {
            return (key, runner.RunAsync(p, coords).GetAwaiter().GetResult().Output!);
        }
        catch (PipelineException)
        {
            return null;
        }
    }

    private static bool BitIdentical(DataArray a, DataArray b)
    {
        if (!a.Dims.SequenceEqual(b.Dims) || !a.Shape.SequenceEqual(b.Shape))
        {
            return false;
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a.Values[i]) != BitConverter.DoubleToInt64Bits(b.Values[i]))
            {
                return false;
            }
        }
        foreach (var axis in a.Coordinates.Axes)
        {
            var other = b.Coordinates[axis.Name];
            for (int i = 0; i < axis.Size; i++)
            {
                if (BitConverter.DoubleToInt64Bits(axis[i]) != BitConverter.DoubleToInt64Bits(other[i]))
                {
                    return false;
                }
            }
        }
        return true;
    }

    [Fact]
    public void ResultKey_EqualKeys_MeanBitIdenticalOutputs()
    {
        int equalKeys = 0, differentOutputs = 0;
        Pair.Sample((a, b) =>
        {
            var ea = Evaluate(a);
            var eb = Evaluate(b);
            if (ea is not { } x || eb is not { } y)
            {
                return true;
            }
            bool identical = BitIdentical(x.Output, y.Output);
            if (x.Key == y.Key)
            {
                Interlocked.Increment(ref equalKeys);
            }
            if (!identical)
            {
                Interlocked.Increment(ref differentOutputs);
            }
            return x.Key != y.Key || identical;
        }, iter: 1500, threads: 1);
        // Not vacuous: the pools produce both kinds of pairs.
        Assert.True(equalKeys > 20, $"only {equalKeys} pairs had equal keys");
        Assert.True(differentOutputs > 20, $"only {differentOutputs} pairs had different outputs");
    }

    [Theory]
    [InlineData("1 / ({z} * (A*0 + 1))", "0.0", "-0.0")]
    [InlineData("1 / ({z} * (A*0 + 1))", "0", "-0.0")]
    [InlineData("A*0 + ({z} - 9007199254740992)", "9007199254740992", "9007199254740993")]
    [InlineData("A*0 + ({z} - 9007199254740992)", "9007199254740992", "9007199254740993.0")]
    [InlineData("A*0 + ({z} * 3**40) % 7", "1", "1.0")]
    public async Task Run_ParamsThatFormatDifferently_SecondComputedNotServedTheFirst(string eqn, string first, string second)
    {
        string Pipe(string z) => $$"""{"s": {"node": "algorithm.SinCoords"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "{{eqn}}", "params": {"z": {{z}} } } } }""";
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}, {"name": "lon", "values": [2]}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22));
        await runner.RunAsync(Pipeline.Parse(Pipe(first)), coords);

        var run = await runner.RunAsync(Pipeline.Parse(Pipe(second)), coords);

        Assert.Equal(CacheStatus.Computed, run.Nodes["out"].Status);
        var fresh = (await new PipelineRunner(TieredCache.InMemory(1 << 22)).RunAsync(Pipeline.Parse(Pipe(second)), coords)).Output!;
        Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Values[0]), BitConverter.DoubleToInt64Bits(run.Output!.Values[0]));
    }

    [Fact]
    public async Task Run_ParamsZeroThenNegativeZero_SecondIsNegativeInfinityAndComputed()
    {
        const string eqn = "1 / ({z} * (A*0 + 1))";
        string Pipe(string z) => $$"""{"s": {"node": "algorithm.SinCoords"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "{{eqn}}", "params": {"z": {{z}} } } } }""";
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}, {"name": "lon", "values": [2]}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22));

        var positive = await runner.RunAsync(Pipeline.Parse(Pipe("0")), coords);
        var negative = await runner.RunAsync(Pipeline.Parse(Pipe("-0.0")), coords);

        Assert.Equal(double.PositiveInfinity, positive.Output!.Values[0]);
        Assert.Equal(double.NegativeInfinity, negative.Output!.Values[0]);
        Assert.Equal(CacheStatus.Computed, negative.Nodes["out"].Status);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), negative.Nodes["s"].Status);
    }

    [Fact]
    public async Task Run_ArrayValueZeroThenNegativeZero_SecondIsNegativeInfinityAndComputed()
    {
        string Pipe(string v) => $$"""{"a": {"node": "data.Array", "attrs": {"source": [{{v}}], "coordinates": {"coords": [{"name": "lat", "values": [1]}]} } }, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "1 / A"} } }""";
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22));

        await runner.RunAsync(Pipeline.Parse(Pipe("0.0")), coords);
        var negative = await runner.RunAsync(Pipeline.Parse(Pipe("-0.0")), coords);

        Assert.Equal(double.NegativeInfinity, negative.Output!.Values[0]);
        Assert.Equal(CacheStatus.Computed, negative.Nodes["out"].Status);
    }

    [Theory]
    [InlineData("""{"coords": [{"name": "lat", "values": [0.0]}]}""", """{"coords": [{"name": "lat", "values": [-0.0]}]}""")]
    [InlineData("""{"coords": [{"name": "lat", "values": [0, 2]}]}""", """{"coords": [{"name": "lat", "values": [-0.0, 2]}]}""")]
    public async Task Run_CoordinatesZeroThenNegativeZero_SecondComputed(string zero, string negativeZero)
    {
        var p = Pipeline.Parse("""{"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}}, "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "l"}, "attrs": {"eqn": "1 / L"}}}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22));
        await runner.RunAsync(p, Coordinates.Parse(zero));

        var run = await runner.RunAsync(p, Coordinates.Parse(negativeZero));

        Assert.Equal(CacheStatus.Computed, run.Nodes["out"].Status);
        var fresh = (await new PipelineRunner(TieredCache.InMemory(1 << 22)).RunAsync(p, Coordinates.Parse(negativeZero))).Output!;
        Assert.True(BitIdentical(fresh, run.Output!));
    }

    [Fact]
    public async Task Run_UniformStartNegativeZeroAfterZero_EqualsFresh()
    {
        // start + 0·step is +0 for either zero, so the points agree and a hit (sliced) is right; what must hold is the bits.
        var p = Pipeline.Parse("""{"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}}, "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "l"}, "attrs": {"eqn": "1 / L"}}}""");
        var negativeZero = Coordinates.Parse("""{"coords": [{"name": "lat", "start": -0.0, "stop": 1, "step": 1}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 22));
        await runner.RunAsync(p, Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0.0, "stop": 1, "step": 1}]}"""));

        var run = await runner.RunAsync(p, negativeZero);

        var fresh = (await new PipelineRunner(TieredCache.InMemory(1 << 22), new RunnerOptions { SubsetReuse = false }).RunAsync(p, negativeZero)).Output!;
        Assert.True(BitIdentical(fresh, run.Output!));
    }

    [Fact]
    public void NodeKey_SpellingsOfOneFloatParam_ShareTheKey_IntAndFloat_DoNot()
    {
        static PodCache.Cache.Keys.Key Key(string z) => new NodeKeys(Pipeline.Parse(
            $$"""{"s": {"node": "algorithm.SinCoords"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A + {z}", "params": {"z": {{z}} } } } }""")).NodeKey("out");

        Assert.Equal(Key("1.0"), Key("1e0"));
        Assert.Equal(Key("2.5"), Key("25E-1"));
        Assert.Equal(Key("0"), Key("-0"));
        Assert.NotEqual(Key("1"), Key("1.0"));
        Assert.NotEqual(Key("0.0"), Key("-0.0"));
        Assert.NotEqual(Key("9007199254740992"), Key("9007199254740993"));
    }

    [Fact]
    public void NodeKey_HashesTheKeySchema_SoKeysOfTheOldSchemaAreNeverProduced()
    {
        var p = Pipeline.Parse("""{"s": {"node": "algorithm.SinCoords"}}""");
        var withoutSchema = new System.Text.Json.Nodes.JsonObject
        {
            ["node"] = "algorithm.SinCoords",
            ["version"] = 1,
            ["attrs"] = p["s"].Attrs.DeepClone(),
            ["inputs"] = new System.Text.Json.Nodes.JsonObject(),
        };
        var withSchema = (System.Text.Json.Nodes.JsonObject)withoutSchema.DeepClone();
        withSchema["schema"] = 2;

        Assert.Equal(2, KeySchema.Version);
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(withSchema), new NodeKeys(p).NodeKey("s"));
        Assert.NotEqual(PodCache.Cache.Keys.CanonicalJson.Hash(withoutSchema), new NodeKeys(p).NodeKey("s"));
    }
}
