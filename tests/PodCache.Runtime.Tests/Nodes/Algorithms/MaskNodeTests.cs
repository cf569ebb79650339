using System.Globalization;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms;

public class MaskNodeTests
{
    private const double Nan = double.NaN;

    private static string Json(double[] values) =>
        "[" + string.Join(", ", values.Select(v => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static string Lat(int n, double start = 0, double step = 1) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"name": "lat", "start": {{start}}, "stop": {{start + step * (n - 1)}}, "step": {{step}} }""");

    private static string Lon(int n) => $$"""{"name": "lon", "start": 0, "stop": {{n - 1}}, "step": 1 }""";

    private static string ArrayNode(string source, params string[] axes) =>
        $$"""{"node": "data.Array", "attrs": {"source": {{source}}, "coordinates": {"coords": [{{string.Join(", ", axes)}}]} } }""";

    /// <summary>Source: Arange over the request; mask: <paramref name="maskNode"/>; Mask with <paramref name="attrs"/>.</summary>
    private static string Pipeline(string maskNode, string attrs, string maskType = "algorithm.Mask") => $$"""
        {
          "src": {"node": "algorithm.Arange"},
          "msk": {{maskNode}},
          "m": {"node": "{{maskType}}", "attrs": {{attrs}}, "inputs": {"source": "src", "mask": "msk"} },
          "podpac_output_node": "m"
        }
        """;

    private static string Coords(params string[] axes) => $$"""{"coords": [{{string.Join(", ", axes)}}]}""";

    private static async Task<DataArray> RunAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        return (await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline), Coordinates.Parse(coords))).Output!;
    }

    private static void AssertValues(double[] expected, DataArray actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(actual.Values[i]), $"cell {i}: expected NaN, got {actual.Values[i]}");
            }
            else
            {
                Assert.Equal(expected[i], actual.Values[i]);
            }
        }
    }

    // Mask values over lat 0..1 × lon 0..2 (request grid), Arange source 0..5.
    private static readonly double[] MaskValues = [1, 0, Nan, 2, 1, -1];

    [Theory]
    [InlineData("==", new[] { -9.0, 1, 2, 3, -9, 5 })]
    [InlineData("<", new[] { -9.0, -9, 2, 3, -9, -9 })]
    [InlineData("<=", new[] { -9.0, -9, 2, 3, -9, -9 })]
    [InlineData(">", new[] { 0.0, 1, 2, -9, 4, 5 })]
    [InlineData(">=", new[] { -9.0, 1, 2, -9, -9, 5 })]
    public async Task Evaluate_EachOperator_MasksWhereTheComparisonHoldsAndNeverAtNaN(string op, double[] expected)
    {
        // bool_val 1 except for "<" / "<=" (2 and 1, so that both give the same cells) — NaN never compares true.
        string boolVal = op switch { "<" => "2", _ => "1" };
        var output = await RunAsync(
            Pipeline(ArrayNode(Json(MaskValues), Lat(2), Lon(3)).Replace("[1, 0, NaN, 2, 1, -1]", "[[1, 0, NaN], [2, 1, -1]]", StringComparison.Ordinal),
                $$"""{"bool_op": "{{op}}", "bool_val": {{boolVal}}, "masked_val": -9}"""),
            Coords(Lat(2), Lon(3)));

        Assert.Equal(new[] { "lat", "lon" }, output.Dims);
        AssertValues(expected, output);
    }

    [Fact]
    public async Task Evaluate_Defaults_MaskEqualToOneBecomesNaN()
    {
        var output = await RunAsync(Pipeline(ArrayNode("[[1, 0, NaN], [2, 1, -1]]", Lat(2), Lon(3)), "{}"), Coords(Lat(2), Lon(3)));

        AssertValues([Nan, 1, 2, 3, Nan, 5], output);
    }

    [Fact]
    public async Task Evaluate_LargeGrid_VectorisedPathMatchesScalarRule()
    {
        // 7×9 = 63 cells: whole vectors plus a scalar tail. Mask = Arange itself; mask >= 30 → -1.
        var output = await RunAsync($$"""
            {
              "a": {"node": "algorithm.Arange"},
              "m": {"node": "algorithm.Mask", "attrs": {"bool_op": ">=", "bool_val": 30, "masked_val": -1}, "inputs": {"source": "a", "mask": "a"} },
              "podpac_output_node": "m"
            }
            """, Coords(Lat(7), Lon(9)));

        AssertValues(Enumerable.Range(0, 63).Select(i => i >= 30 ? -1.0 : i).ToArray(), output);
    }

    [Fact]
    public async Task Evaluate_MaskWithFewerDims_AppliesToEverySlice()
    {
        // A lat-only Array as mask: row 1 is masked for every lon.
        var output = await RunAsync(Pipeline(ArrayNode("[0, 1, 0]", Lat(3)), "{}"), Coords(Lat(3), Lon(2)));

        AssertValues([0, 1, Nan, Nan, 4, 5], output);
    }

    [Fact]
    public async Task Evaluate_MaskOnTheSourcesLastDim_AppliesToEveryRow()
    {
        // A lon-only mask: the source is taken as (lon, lat) and column 2 is masked in every row.
        var output = await RunAsync(Pipeline(ArrayNode("[0, 0, 1]", Lon(3)), """{"masked_val": 100}"""), Coords(Lat(2), Lon(3)));

        AssertValues([0, 1, 100, 3, 4, 100], output);
    }

    [Fact]
    public async Task Evaluate_MaskAppliesByPositionNotByLabel()
    {
        // The mask Array is stored descending (lat 1, 0) and returns its own order: row 0 of the mask (lat 1) masks
        // row 0 of the source (lat 0). By label the result would be [0, NaN, NaN, 3].
        var output = await RunAsync(Pipeline(ArrayNode("[[1, 0], [0, 1]]", Lat(2, 1, -1), Lon(2)), "{}"), Coords(Lat(2), Lon(2)));

        Assert.Equal(new[] { 0.0, 1.0 }, output.Coordinates["lat"].Points.ToArray());
        AssertValues([Nan, 1, 2, Nan], output);
    }

    [Fact]
    public async Task Evaluate_MaskWithADimTheSourceLacks_MasksNothing()
    {
        // QUIRK: the source is a lat-only Array; the mask (Arange) has lat and lon.
        var output = await RunAsync($$"""
            {
              "src": {{ArrayNode("[5, 6]", Lat(2))}},
              "msk": {"node": "algorithm.Arange"},
              "m": {"node": "algorithm.Mask", "attrs": {"bool_op": ">=", "bool_val": 0}, "inputs": {"source": "src", "mask": "msk"} },
              "podpac_output_node": "m"
            }
            """, Coords(Lat(2), Lon(2)));

        Assert.Equal(new[] { "lat" }, output.Dims);
        AssertValues([5, 6], output);
    }

    [Fact]
    public async Task Evaluate_ZeroDimensionalMask_MasksAllOrNothing()
    {
        string Pipe(double threshold) => $$"""
            {
              "src": {"node": "algorithm.Arange"},
              "sum": {"node": "algorithm.Sum", "inputs": {"source": "src"} },
              "m": {"node": "algorithm.Mask", "attrs": {"bool_op": ">", "bool_val": {{threshold}} }, "inputs": {"source": "src", "mask": "sum"} },
              "podpac_output_node": "m"
            }
            """;

        var all = await RunAsync(Pipe(14), Coords(Lat(2), Lon(3)));
        var none = await RunAsync(Pipe(15), Coords(Lat(2), Lon(3)));

        Assert.All(all.Values.ToArray(), v => Assert.True(double.IsNaN(v)));
        AssertValues([0, 1, 2, 3, 4, 5], none);
    }

    [Fact]
    public async Task Evaluate_SharedDimOfDifferentSize_Throws()
    {
        // The mask Array returns its own 3 lat points for a 2-point request.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => RunAsync(
            Pipeline(ArrayNode("[1, 0, 1]", Lat(3, 0, 0.5)), "{}"), Coords(Lat(2), Lon(2))));

        Assert.Contains(ex.Errors, e => e.Path == "m" && e.Message.Contains("same size", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_InPlace_HasNoVisibleEffect()
    {
        var p = """
            {
              "src": {"node": "algorithm.Arange"},
              "m": {"node": "algorithm.Mask", "attrs": {"in_place": true, "bool_op": "<", "bool_val": 2}, "inputs": {"source": "src", "mask": "src"} },
              "out": {"node": "algorithm.Arithmetic", "attrs": {"eqn": "A + 0 * B"}, "inputs": {"A": "src", "B": "m"} },
              "podpac_output_node": "out"
            }
            """;

        var output = await RunAsync(p, Coords(Lat(2), Lon(2)));

        AssertValues([Nan, Nan, 2, 3], output);
        var source = await RunAsync(p.Replace("\"podpac_output_node\": \"out\"", "\"podpac_output_node\": \"src\"", StringComparison.Ordinal), Coords(Lat(2), Lon(2)));
        AssertValues([0, 1, 2, 3], source);
    }

    [Theory]
    [InlineData("algorithm.Mask")]
    [InlineData("core.algorithm.generic.Mask")]
    [InlineData("algorithm.generic.Mask")]
    public void Parse_Aliases_ResolveToOneCanonicalType(string name)
    {
        var pipeline = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("""{"node": "algorithm.Arange"}""", "{}", name));

        Assert.Equal("algorithm.Mask", pipeline["m"].Type.Name);
        Assert.Equal(1, pipeline["m"].Type.Version);
        Assert.False(pipeline["m"].Type.ExtentDependent);
    }

    [Fact]
    public void Parse_DefaultsGivenOrOmitted_GiveTheSameAttrs()
    {
        var omitted = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("""{"node": "algorithm.Arange"}""", "{}"))["m"].Attrs;
        var given = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("""{"node": "algorithm.Arange"}""",
            """{"bool_op": "==", "bool_val": 1.0, "masked_val": null, "in_place": false}"""))["m"].Attrs;

        Assert.Equal(omitted.ToJsonString(PodCache.Runtime.Json.JsonNumbers.WriteOptions), given.ToJsonString(PodCache.Runtime.Json.JsonNumbers.WriteOptions));
    }

    [Theory]
    [InlineData("""{"bool_op": "!="}""", "bool_op")]
    [InlineData("""{"bool_val": "one"}""", "bool_val")]
    [InlineData("""{"masked_val": "x"}""", "masked_val")]
    [InlineData("""{"in_place": 1}""", "in_place")]
    [InlineData("""{"bool": 1}""", "bool")]
    public void Parse_InvalidAttr_ReportsTheAttrPath(string attrs, string attr)
    {
        var ex = Assert.Throws<PipelineException>(() =>
            PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("""{"node": "algorithm.Arange"}""", attrs)));

        Assert.Contains(ex.Errors, e => e.Path == $"m.attrs.{attr}");
    }

    [Fact]
    public void Parse_MissingMaskInput_IsAnError()
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse("""
            {"a": {"node": "algorithm.Arange"}, "m": {"node": "algorithm.Mask", "inputs": {"source": "a"} } }
            """));

        Assert.Contains(ex.Errors, e => e.Path.StartsWith("m", StringComparison.Ordinal));
    }
}
