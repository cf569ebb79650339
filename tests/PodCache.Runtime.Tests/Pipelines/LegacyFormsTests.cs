using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Pipelines;

/// <summary>
/// Pipeline forms PODPAC 4 still loads (empty <c>{}</c>/<c>[]</c> inputs, long module paths, a lookup naming a whole
/// node) give what PODPAC gives; forms it rejects (pre-1.0 "nodes" wrapper, 1.x top-level source/sources, "x.A" sub-node
/// refs, bare class names, Python plugins and Generic) are one message naming the format and the conversion; every
/// spelling PODPAC 4 loads is known (never "unknown node type").
/// </summary>
public sealed class LegacyFormsTests
{
    private static PipelineError Single(string json)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(json));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void PreOnePointZero_NodesWrapper_IsOneMessage_SayingHowToConvert()
    {
        var e = Single("""
            {"nodes": {"a": {"node": "algorithm.SinCoords"}, "b": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A * 2"}}},
             "output": {"node": "b", "mode": "image"}}
            """);
        Assert.Equal("nodes", e.Path);
        Assert.Contains("pre-1.0 PODPAC pipeline", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"podpac_output_node\": \"b\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANodeRefCalledNodes_IsNotMistakenForTheWrapper()
    {
        var p = Pipeline.Parse("""{"nodes": {"node": "algorithm.SinCoords"}}""");
        Assert.Equal("nodes", p.OutputRef);
    }

    [Theory]
    [InlineData("source", "\"a\"")]
    [InlineData("sources", "[\"a\", \"a\"]")]
    public void OnePointX_TopLevelSource_IsOneMessage(string key, string value)
    {
        var e = Single($$$"""
            {"a": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Mean", "{{{key}}}": {{{value}}}, "attrs": {"dims": ["lat"], "colour": 1}, "bogus": 2} }
            """);
        Assert.Equal($"m.{key}", e.Path);
        Assert.Contains("PODPAC 1.x pipeline", e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"inputs\": {{\"{key}\": {value.Replace(" ", "", StringComparison.Ordinal)}}}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubNodeReference_IsOneMessage()
    {
        var e = Single("""
            {"a": {"node": "algorithm.SinCoords"}, "m": {"node": "algorithm.Mean", "inputs": {"source": "a.source"}}}
            """);
        Assert.Equal("m.inputs.source", e.Path);
        Assert.Contains("sub-node reference", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BareClassNames_AreOneMessage_ListingEachConversion()
    {
        var e = Single("""
            {"a": {"node": "SinCoords"}, "b": {"node": "Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A"}}, "c": {"node": "Arithmetic", "inputs": {"A": "b"}, "attrs": {"eqn": "A"}}}
            """);
        Assert.Equal("a.node", e.Path);
        Assert.Contains("bare class names (SinCoords, Arithmetic)", e.Message, StringComparison.Ordinal);
        Assert.Contains("SinCoords -> algorithm.SinCoords", e.Message, StringComparison.Ordinal);
        Assert.Contains("Arithmetic -> algorithm.Arithmetic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PythonPluginsAndGeneric_SayPodCacheRunsNoPython()
    {
        var plugin = Single("""{"a": {"plugin": "my_lab.nodes", "node": "Smooth"}}""");
        Assert.Equal("a.plugin", plugin.Path);
        Assert.Contains("'my_lab.nodes' is a Python module", plugin.Message, StringComparison.Ordinal);
        var generic = Single("""{"a": {"node": "algorithm.Generic", "attrs": {"code": "output = 1"}}}""");
        Assert.Equal("a.node", generic.Path);
        Assert.Contains("PodCache runs no Python code", generic.Message, StringComparison.Ordinal);
        Assert.Contains("algorithm.Arithmetic", generic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySpellingPodpac4Loads_IsRunnableOrSaysWhyNot_NeverUnknown()
    {
        var spellings = File.ReadLines(Path.Combine(TestPaths.RepoRoot, "src", "Runtime", "Nodes", "PodpacNames.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOf('\t', StringComparison.Ordinal)]).ToList();
        Assert.True(spellings.Count > 100);
        foreach (var name in spellings)
        {
            if (NodeRegistry.Default.TryResolve(name, out _))
            {
                continue;
            }
            var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"a\": {\"node\": \"" + name + "\"}}"));
            var e = ex.Errors.Single(x => x.Path == "a.node");
            Assert.DoesNotContain("unknown node type", e.Message, StringComparison.Ordinal);
            Assert.Contains("PodCache does not", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("core.compositor.OrderedCompositor")]
    [InlineData("core.compositor.ordered_compositor.OrderedCompositor")]
    [InlineData("compositor.OrderedCompositor")]
    public void LongModulePaths_AreTheSameTypeAndKey(string spelling)
    {
        string Json(string node) => "{\"a\": {\"node\": \"algorithm.SinCoords\"}, \"b\": {\"node\": \"algorithm.Arange\"}, \"c\": {\"node\": \"" + node
            + "\", \"inputs\": {\"sources\": [\"a\", \"b\"]}}}";
        var p = Pipeline.Parse(Json(spelling));
        Assert.Equal("compositor.OrderedCompositor", p["c"].Type.Name);
        Assert.Equal(new NodeKeys(Pipeline.Parse(Json("compositor.OrderedCompositor"))).NodeKey("c"), new NodeKeys(p).NodeKey("c"));
    }

    [Fact]
    public void LookupAttrsNamingAWholeNode_IsAnInput_WithTheSameKey()
    {
        var looked = Pipeline.Parse("""{"a": {"node": "algorithm.SinCoords"}, "m": {"node": "algorithm.Mean", "attrs": {"dims": ["lat"]}, "lookup_attrs": {"source": "a"}}}""");
        var input = Pipeline.Parse("""{"a": {"node": "algorithm.SinCoords"}, "m": {"node": "algorithm.Mean", "attrs": {"dims": ["lat"]}, "inputs": {"source": "a"}}}""");
        Assert.Equal(new NodeKeys(input).NodeKey("m"), new NodeKeys(looked).NodeKey("m"));

        var wrong = Single("""{"a": {"node": "algorithm.SinCoords"}, "m": {"node": "algorithm.Mean", "lookup_attrs": {"sauce": "a"}, "inputs": {"source": "a"}}}""");
        Assert.Equal("m.lookup_attrs.sauce", wrong.Path);
        Assert.Contains("has no input 'sauce'", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyContainersUnderInputs_AreAttrsOfThatName_AsPodpac2WroteThem()
    {
        const string Source = "\"source\": [[1, 2], [3, 4]], \"coordinates\": {\"coords\": [{\"name\": \"lat\", \"values\": [0, 1]}, {\"name\": \"lon\", \"values\": [0, 1]}]}";
        var legacy = Pipeline.Parse("{\"a\": {\"node\": \"data.Array\", \"attrs\": {" + Source + "}, \"inputs\": {\"boundary\": {}, \"nan_vals\": []}}}");
        var plain = Pipeline.Parse("{\"a\": {\"node\": \"data.Array\", \"attrs\": {" + Source + ", \"boundary\": {}, \"nan_vals\": []}}}");
        Assert.Equal(new NodeKeys(plain).NodeKey("a"), new NodeKeys(legacy).NodeKey("a"));

        var both = Single("{\"a\": {\"node\": \"data.Array\", \"attrs\": {" + Source + ", \"nan_vals\": []}, \"inputs\": {\"nan_vals\": []}}}");
        Assert.Equal("a.inputs.nan_vals", both.Path);
        var notAnAttr = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"a\": {\"node\": \"data.Array\", \"attrs\": {" + Source + "}, \"inputs\": {\"colour\": {}}}}"));
        Assert.Contains(notAnAttr.Errors, e => e.Path == "a.inputs.colour");
    }
}
