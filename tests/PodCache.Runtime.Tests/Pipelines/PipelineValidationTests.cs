using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Pipelines;

public class PipelineValidationTests
{
    private static PipelineException Invalid(string json) => Assert.Throws<PipelineException>(() => Pipeline.Parse(json, source: "p.json"));

    private static void HasError(PipelineException ex, string path, string fragment) =>
        Assert.True(ex.Errors.Any(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"expected an error at '{path}' containing '{fragment}'; got:{Environment.NewLine}{ex.Message}");

    [Fact]
    public void Parse_MalformedJson_ReportsLineAndColumn()
    {
        var ex = Invalid("{\n  \"a\": {\"node\": \"algorithm.Arange\"},\n  \"b\": {\"node\" \"x\"}\n}");
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("malformed JSON", ex.Message);
        Assert.Contains("p.json", ex.Message);
    }

    [Fact]
    public void Parse_UnknownNodeType_SuggestsCanonicalName()
    {
        var ex = Invalid("""{"a": {"node": "algorithm.Arithmatic"}, "b": {"node": "core.algorithm.utility.SinCoord"}}""");
        HasError(ex, "a.node", "unknown node type 'algorithm.Arithmatic'");
        HasError(ex, "b.node", "unknown node type");
    }

    [Fact]
    public void Parse_UnknownKeysAndAttrs_Reported()
    {
        var ex = Invalid("""{"a": {"node": "algorithm.SinCoords", "colour": 1, "attrs": {"speed": 3}}}""");
        HasError(ex, "a.colour", "unknown key");
        HasError(ex, "a.attrs.speed", "unknown attr");
    }

    [Fact]
    public void Parse_DanglingAndMissingInputs_Reported()
    {
        var ex = Invalid("""
            {"m": {"node": "algorithm.Arithmetic", "inputs": {"A": "ghost"}, "attrs": {"eqn": "A"}},
             "k": {"node": "algorithm.Mask", "inputs": {"source": "m"}}}
            """);
        HasError(ex, "m.inputs.A", "unknown ref 'ghost'");
        HasError(ex, "k.inputs", "missing input 'mask'");
    }

    [Fact]
    public void Parse_Cycle_Reported()
    {
        var ex = Invalid("""
            {"a": {"node": "algorithm.Arithmetic", "inputs": {"X": "b"}, "attrs": {"eqn": "X"}},
             "b": {"node": "algorithm.Arithmetic", "inputs": {"Y": "a"}, "attrs": {"eqn": "Y"}}}
            """);
        Assert.Contains(ex.Errors, e => e.Message.Contains("cycle", StringComparison.Ordinal) && e.Message.Contains("a -> b -> a", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateRef_Reported()
    {
        var ex = Invalid("""{"a": {"node": "algorithm.SinCoords"}, "a": {"node": "algorithm.Arange"}}""");
        HasError(ex, "a", "duplicate ref 'a'");
    }

    [Fact]
    public void Parse_WrongAttrTypes_Reported()
    {
        var ex = Invalid("""
            {"c": {"node": "algorithm.CoordData", "attrs": {"coord_name": "height"}},
             "e": {"node": "algorithm.Arithmetic", "attrs": {"eqn": 5, "params": []}},
             "x": {"node": "algorithm.SinCoords", "attrs": {"xarray_floating_point_correction": "no"}}}
            """);
        HasError(ex, "c.attrs.coord_name", "must be one of");
        HasError(ex, "e.attrs.eqn", "must be a string");
        HasError(ex, "e.attrs.params", "must be an object");
        HasError(ex, "x.attrs.xarray_floating_point_correction", "true or false");
    }

    [Fact]
    public void Parse_BadExpression_ReportedAtEqn()
    {
        var ex = Invalid("""
            {"s": {"node": "algorithm.SinCoords"},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s", "B": "s"}, "attrs": {"eqn": "A + C"}},
             "o2": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A +* 2"}},
             "o3": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A * {k}", "params": {}}}}
            """);
        HasError(ex, "out.attrs.eqn", "unknown variable 'C'");
        Assert.Contains(ex.Errors, e => e.Path == "o2.attrs.eqn");
        Assert.Contains(ex.Errors, e => e.Path == "o3.attrs.eqn" && e.Message.Contains('k', StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BadArrayCoordinates_ReportedWithPath()
    {
        var ex = Invalid("""
            {"a": {"node": "data.Array", "attrs": {"source": [[1, 2], [3, 4]],
              "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 0}, {"name": "depth", "values": [1, 2]}]}}}}
            """);
        HasError(ex, "a.attrs.coordinates.coords[0].step", "non-zero");
        HasError(ex, "a.attrs.coordinates.coords[1].name", "unknown dim 'depth'");
    }

    [Fact]
    public void Parse_SourceShapeMismatch_Reported()
    {
        var ex = Invalid("""
            {"a": {"node": "data.Array", "attrs": {"source": [[1, 2, 3], [3, 4, 5]],
              "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1]}]}}}}
            """);
        HasError(ex, "a.attrs.source", "shape [2, 3]");
    }

    [Fact]
    public void Parse_BadCacheSettings_Reported()
    {
        var ex = Invalid("""{"a": {"node": "algorithm.SinCoords", "cache": {"tiers": ["ram", "tape"], "expires": "soon", "size": 3}}}""");
        HasError(ex, "a.cache.tiers[1]", "unknown tier");
        HasError(ex, "a.cache.expires", "expiry 'soon'");
        HasError(ex, "a.cache.size", "unknown key");
    }

    [Fact]
    public void Parse_AllProblemsCollected_NotJustTheFirst()
    {
        var ex = Invalid("""{"a": {"node": "nope"}, "b": {"node": "algorithm.SinCoords", "attrs": {"q": 1}}, "podpac_output_node": "zzz"}""");
        Assert.True(ex.Errors.Count >= 3, ex.Message);
        HasError(ex, "podpac_output_node", "unknown ref 'zzz'");
    }

    [Fact]
    public void Parse_NoOutputNode_PicksLastCreatedAsPodpacDoes()
    {
        // "out" is listed before its input, so "s" is created while creating "out": "out" is created last.
        var p = Pipeline.Parse("""
            {"out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A"}},
             "s": {"node": "algorithm.SinCoords"}}
            """);
        Assert.Equal("out", p.OutputRef);
        var q = Pipeline.Parse("""{"s": {"node": "algorithm.SinCoords"}, "r": {"node": "algorithm.Arange"}}""");
        Assert.Equal("r", q.OutputRef);
    }

    [Fact]
    public void Parse_LookupAttrs_CopiesEarlierNodesAttr_AndRejectsForwardLookup()
    {
        var p = Pipeline.Parse("""
            {"a": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lon"}},
             "b": {"node": "algorithm.CoordData", "lookup_attrs": {"coord_name": "a.coord_name"}}}
            """);
        Assert.Equal("lon", p["b"].Attrs["coord_name"]!.GetValue<string>());
        var ex = Invalid("""
            {"b": {"node": "algorithm.CoordData", "lookup_attrs": {"coord_name": "a.coord_name"}},
             "a": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lon"}}}
            """);
        HasError(ex, "b.lookup_attrs.coord_name", "cannot look forward");
    }

    [Fact]
    public void Parse_PodpacNonStandardTokens_Accepted()
    {
        var p = Pipeline.Parse("""
            {"a": {"node": "core.data.array_source.Array", "attrs": {"nan_val": NaN, "source": [[1, NaN], [-Infinity, Infinity]],
              "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}, {"name": "lon", "values": [0, 1]}]}}},
             "podpac_version": "4.0.0"}
            """);
        Assert.Equal("data.Array", p["a"].Type.Name);
    }
}
