using System.Text.Json.Nodes;
using CsCheck;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class NodeKeysTests
{
    private static Dictionary<int, string> Keys(RandomPipelines.Spec spec, JsonObject json, Func<int, string> name)
    {
        var p = Pipeline.FromJson(json);
        var keys = new NodeKeys(p);
        return Enumerable.Range(0, spec.Kinds.Length).ToDictionary(i => i, i => keys.NodeKey(name(i)).ToString());
    }

    [Fact]
    public void NodeKey_RenamedRefsAndReorderedJson_KeysUnchanged()
    {
        RandomPipelines.Gen.Sample(spec =>
        {
            Func<int, string> a = i => "n" + i;
            Func<int, string> b = i => "renamed_" + (1000 - i);
            var k1 = Keys(spec, RandomPipelines.Build(spec, a), a);
            var k2 = Keys(spec, RandomPipelines.Build(spec, b, reverseOrder: true), b);
            return k1.All(kv => k2[kv.Key] == kv.Value);
        }, iter: 200);
    }

    [Fact]
    public void NodeKey_DefaultsSpelledOutOrOmitted_KeysUnchanged()
    {
        RandomPipelines.Gen.Sample(spec =>
        {
            Func<int, string> a = i => "n" + i;
            var k1 = Keys(spec, RandomPipelines.Build(spec, a), a);
            var k2 = Keys(spec, RandomPipelines.Build(spec, a, spellDefaults: true), a);
            return k1.All(kv => k2[kv.Key] == kv.Value);
        }, iter: 200);
    }

    [Fact]
    public void NodeKey_OneAttrChanged_ChangesThatNodeAndDownstreamOnly()
    {
        RandomPipelines.Gen.Where(s => s.Inputs.Any(i => i.Length > 0)).Sample(spec =>
        {
            Func<int, string> a = i => "n" + i;
            int changed = Array.FindIndex(spec.Inputs, i => i.Length > 0);
            var modified = spec with { Constants = spec.Constants.Select((c, i) => i == changed ? c + 1 : c).ToArray() };
            var k1 = Keys(spec, RandomPipelines.Build(spec, a), a);
            var k2 = Keys(modified, RandomPipelines.Build(modified, a), a);
            var downstream = Downstream(spec, changed);
            return k1.All(kv => (k2[kv.Key] != kv.Value) == downstream.Contains(kv.Key));
        }, iter: 200);
    }

    private static HashSet<int> Downstream(RandomPipelines.Spec spec, int node)
    {
        var set = new HashSet<int> { node };
        for (int i = 0; i < spec.Inputs.Length; i++)
        {
            if (spec.Inputs[i].Any(set.Contains)) set.Add(i);
        }
        return set;
    }

    [Fact]
    public void NodeKey_IsSha256OfCanonicalJsonOfSpecObject()
    {
        var p = Pipeline.Parse("""
            {"s": {"node": "core.algorithm.utility.SinCoords"},
             "c": {"node": "algorithm.Convolution", "inputs": {"source": "s"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}}}
            """);
        var keys = new NodeKeys(p);
        var sinObj = new JsonObject
        {
            ["node"] = "algorithm.SinCoords",
            ["version"] = 1,
            ["schema"] = KeySchema.Version,
            ["attrs"] = p["s"].Attrs.DeepClone(),
            ["inputs"] = new JsonObject(),
        };
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(sinObj), keys.NodeKey("s"));
        var convObj = new JsonObject
        {
            ["version"] = 1,
            ["schema"] = KeySchema.Version,
            ["inputs"] = new JsonObject { ["source"] = keys.NodeKey("s").ToString() },
            ["node"] = "algorithm.Convolution",
            ["attrs"] = p["c"].Attrs.DeepClone(),
        };
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(convObj), keys.NodeKey("c"));
        Assert.Contains("\"kernel_type\":\"mean,3\"", p["c"].CanonicalAttrs);
        Assert.Contains("\"xarray_floating_point_correction\":false", p["c"].CanonicalAttrs);
    }

    [Fact]
    public void NodeKey_SharedSubgraphInTwoPipelines_SameKeys()
    {
        const string shared = """
            "s": {"node": "algorithm.SinCoords"},
            "m": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A * 2"}}
            """;
        var p1 = Pipeline.Parse("{" + shared + """, "out": {"node": "algorithm.Arithmetic", "inputs": {"X": "m"}, "attrs": {"eqn": "X + 1"}}}""");
        var p2 = Pipeline.Parse("""{"other": {"node": "algorithm.Arange"}, "sin2": {"node": "core.algorithm.utility.SinCoords"},""" +
            """ "twice": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin2"}, "attrs": {"eqn": "A * 2"}},""" +
            """ "o": {"node": "algorithm.Arithmetic", "inputs": {"P": "twice", "Q": "other"}, "attrs": {"eqn": "P - Q"}}}""");
        Assert.Equal(new NodeKeys(p1).NodeKey("m"), new NodeKeys(p2).NodeKey("twice"));
        Assert.Equal(new NodeKeys(p1).NodeKey("s"), new NodeKeys(p2).NodeKey("sin2"));
        Assert.NotEqual(new NodeKeys(p1).NodeKey("out"), new NodeKeys(p2).NodeKey("o"));
    }

    [Fact]
    public void NodeKey_ImplementationVersionBumped_ChangesNodeAndDownstream()
    {
        const string json = """{"leaf": {"node": "test.Leaf"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "leaf"}, "attrs": {"eqn": "A"}}}""";
        var v1 = Pipeline.Parse(json, WithFactory(1));
        var v2 = Pipeline.Parse(json, WithFactory(2));
        Assert.NotEqual(new NodeKeys(v1).NodeKey("leaf"), new NodeKeys(v2).NodeKey("leaf"));
        Assert.NotEqual(new NodeKeys(v1).NodeKey("out"), new NodeKeys(v2).NodeKey("out"));
    }

    private static NodeRegistry WithFactory(int version)
    {
        var r = new NodeRegistry();
        r.Register(new NodeType("test.Leaf", [], version, [], InputSpec.None, false, _ => new ConstantNode()));
        r.Register(NodeRegistry.Default.Types.Single(t => t.Name == "algorithm.Arithmetic"));
        return r;
    }

    private sealed class ConstantNode : Node
    {
        public override DataArray Evaluate(NodeContext context) => DataArray.Filled(context.Request, 1);
    }

    [Fact]
    public void ResultKey_SameNodeDifferentCoordinates_Differ_SameCoordinatesSpelledDifferently_Equal()
    {
        var p = Pipeline.Parse("""{"s": {"node": "algorithm.SinCoords"}}""");
        var nk = new NodeKeys(p).NodeKey("s");
        var c1 = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": 1}]}""");
        var c2 = Coordinates.Parse("""{"crs": "EPSG:4326", "coords": [{"step": 1.0, "stop": 10.0, "start": 0.0, "name": "lat"}]}""");
        var c3 = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "size": 11}]}""");
        var c4 = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [0,1,2,3,4,5,6,7,8,9,10]}]}""");
        Assert.Equal(NodeKeys.ResultKey(nk, c1.Key), NodeKeys.ResultKey(nk, c2.Key));
        Assert.Equal(c1.Key, c3.Key);
        // Uniform and explicit spellings of the same points are different requests (PODPAC grows them differently).
        Assert.NotEqual(c1.Key, c4.Key);
    }

    [Fact]
    public void NodeKey_ListInputsSeveralInputsAndSourceToken_IsHashOfCanonicalObject()
    {
        var r = new NodeRegistry();
        r.Register(new NodeType("test.Versioned", [], 3, [new AttrSpec("n", AttrType.Number, 0.0)], InputSpec.None, false,
            _ => new VersionedNode("mtime=\"5\" \u00e9")));
        r.Register(NodeRegistry.Default.Types.Single(t => t.Name == "algorithm.Arithmetic"));
        r.Register(NodeRegistry.Default.Types.Single(t => t.Name == "compositor.OrderedCompositor"));
        var p = Pipeline.Parse("""
            {"v": {"node": "test.Versioned", "attrs": {"n": 2}},
             "w": {"node": "test.Versioned"},
             "a": {"node": "algorithm.Arithmetic", "inputs": {"Z": "v", "B": "w", "A": "v"}, "attrs": {"eqn": "A + B + Z"}},
             "c": {"node": "compositor.OrderedCompositor", "inputs": {"sources": ["a", "w", "v"]}}}
            """, r);
        var keys = new NodeKeys(p);
        var vObj = new JsonObject
        {
            ["node"] = "test.Versioned",
            ["version"] = 3,
            ["schema"] = KeySchema.Version,
            ["attrs"] = p["v"].Attrs.DeepClone(),
            ["inputs"] = new JsonObject(),
            ["source"] = "mtime=\"5\" \u00e9",
        };
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(vObj), keys.NodeKey("v"));
        var aObj = new JsonObject
        {
            ["node"] = "algorithm.Arithmetic",
            ["version"] = 1,
            ["schema"] = KeySchema.Version,
            ["attrs"] = p["a"].Attrs.DeepClone(),
            ["inputs"] = new JsonObject
            {
                ["Z"] = keys.NodeKey("v").ToString(),
                ["B"] = keys.NodeKey("w").ToString(),
                ["A"] = keys.NodeKey("v").ToString(),
            },
            ["source"] = null,
        };
        aObj.Remove("source");
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(aObj), keys.NodeKey("a"));
        var cObj = new JsonObject
        {
            ["node"] = "compositor.OrderedCompositor",
            ["version"] = p["c"].Type.Version,
            ["schema"] = KeySchema.Version,
            ["attrs"] = p["c"].Attrs.DeepClone(),
            ["inputs"] = new JsonObject
            {
                ["sources"] = new JsonArray(keys.NodeKey("a").ToString(), keys.NodeKey("w").ToString(), keys.NodeKey("v").ToString()),
            },
        };
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Hash(cObj), keys.NodeKey("c"));
    }

    [Fact]
    public void ResultKey_IsHashOfNodeKeyColonCoordinatesKeyText()
    {
        var nk = PodCache.Cache.Keys.Key.Hash("node");
        var ck = PodCache.Cache.Keys.Key.Hash("coords");
        Assert.Equal(PodCache.Cache.Keys.Key.Hash(nk.ToString() + ":" + ck.ToString()), NodeKeys.ResultKey(nk, ck));
    }

    private sealed class VersionedNode(string token) : Node
    {
        public override DataArray Evaluate(NodeContext context) => DataArray.Filled(context.Request, 1);

        public override string? ResolveSourceVersion() => token;
    }
}
