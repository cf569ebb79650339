using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Tests.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public sealed class ProvenanceRecordTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-prov-" + Guid.NewGuid().ToString("N"));

    private static readonly Coordinates Grid =
        Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private CacheStack Disk() =>
        CacheStack.Create(new CacheConfig { DiskEnabled = true, DiskPath = _dir }, new ValueCodecs().Register(new DataArrayCodec()));

    private static async Task<JsonObject> StoredProvenance(CacheStack stack, PipelineRun run, string nodeRef)
    {
        var header = stack.Disk!.ReadHeader(run.Nodes[nodeRef].ResultKey);
        Assert.NotNull(header);
        var stored = JsonNode.Parse(header!.Provenance!)!.AsObject();
        await Task.CompletedTask;
        return stored;
    }

    [Fact]
    public async Task Run_LongChain_EachEntryStoresItsOwnNodeNotItsSubgraph()
    {
        await using var stack = Disk();
        var p = Pipeline.Parse(PipelineParserTests.Chain(300));
        var run = await new PipelineRunner(stack.Cache).RunAsync(p, Grid);
        var first = await StoredProvenance(stack, run, "n1");
        var last = await StoredProvenance(stack, run, "n299");

        Assert.False(last.ContainsKey("pipeline"));
        Assert.Equal("n298", last["inputs"]!["A"]!["ref"]!.GetValue<string>());
        Assert.Equal(run.Nodes["n298"].NodeKey.ToString(), last["inputs"]!["A"]!["nodeKey"]!.GetValue<string>());
        Assert.Equal("algorithm.Arithmetic", last["definition"]!["node"]!.GetValue<string>());
        // The record does not grow with the chain: node 299's is as long as node 1's, give or take its digits.
        Assert.InRange(last.ToJsonString().Length - first.ToJsonString().Length, 0, 20);
        Assert.Equal(first["pipelineKey"]!.GetValue<string>(), last["pipelineKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExpandAsync_StoredEntry_GivesTheSubgraphVersionsAndSources()
    {
        await using var stack = Disk();
        var p = Pipeline.Parse("""
            {"sin": {"node": "algorithm.SinCoords"},
             "other": {"node": "algorithm.Arange"},
             "mean": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "mean", "B": "other"}, "attrs": {"eqn": "A + B"}}}
            """);
        var run = await new PipelineRunner(stack.Cache).RunAsync(p, Grid);
        var stored = await StoredProvenance(stack, run, "mean");

        var full = await ProvenanceRecord.ExpandAsync(stored, stack.Cache);

        Assert.Equal(p.Subgraph("mean").ToJsonString(), full["pipeline"]!.ToJsonString());
        Assert.Equal("mean", full["node"]!.GetValue<string>());
        Assert.Equal(1, full["nodeVersions"]!["algorithm.Convolution"]!.GetValue<int>());
        Assert.Equal(1, full["nodeVersions"]!["algorithm.SinCoords"]!.GetValue<int>());
        Assert.Null(full["nodeVersions"]!["algorithm.Arange"]);
        Assert.NotNull(full["coordinates"]!["coords"]);
        Assert.Null(full["pipelineUnavailable"]);
    }

    [Fact]
    public async Task ExpandAsync_PipelineRecordEvicted_SaysSoAndKeepsTheNode()
    {
        await using var stack = Disk();
        var p = Pipeline.Parse(PipelineParserTests.Chain(3));
        var run = await new PipelineRunner(stack.Cache).RunAsync(p, Grid);
        var stored = await StoredProvenance(stack, run, "n2");
        Assert.True(PodCache.Cache.Keys.Key.TryParse(stored["pipelineKey"]!.GetValue<string>(), out var recordKey));
        Assert.True(await stack.Cache.DeleteAsync(recordKey));

        var full = await ProvenanceRecord.ExpandAsync(stored, stack.Cache);

        Assert.Null(full["pipeline"]);
        Assert.Contains(recordKey.ToString(), full["pipelineUnavailable"]!.GetValue<string>());
        Assert.Equal("n1", full["inputs"]!["A"]!["ref"]!.GetValue<string>());
    }

    [Fact]
    public void PipelineRecord_SamePipeline_SameKey()
    {
        var a = ProvenanceRecord.PipelineRecord("n4", new NodeKeys(Pipeline.Parse(PipelineParserTests.Chain(5))));
        var b = ProvenanceRecord.PipelineRecord("n4", new NodeKeys(Pipeline.Parse(PipelineParserTests.Chain(5))));
        var c = ProvenanceRecord.PipelineRecord("n5", new NodeKeys(Pipeline.Parse(PipelineParserTests.Chain(6))));
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
        Assert.Equal(ProvenanceRecord.PipelineContentType, a.Value.ContentType);
    }

    /// <summary>
    /// The pipeline record is written straight to UTF-8; its bytes (and so its key, which names it in every entry's
    /// provenance) must stay those of serialising the JSON object it describes, as it was built before.
    /// </summary>
    [Fact]
    public void PipelineRecord_BytesEqualTheSerialisedRecordObject_OverEveryExampleAndConformancePipeline()
    {
        var files = Directory.GetFiles(TestPaths.ConformanceCases, "pipeline.json", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(TestPaths.Examples, "pipeline.json", SearchOption.AllDirectories)).ToList();
        int checkedCount = 0;
        foreach (var file in files)
        {
            Pipeline pipeline;
            try
            {
                pipeline = Pipeline.Parse(File.ReadAllText(file), baseDirectory: Path.GetDirectoryName(file));
            }
            catch (PipelineException)
            {
                continue; // cases of invalid pipelines
            }
            var keys = new NodeKeys(pipeline);
            foreach (var n in pipeline.Nodes)
            {
                var (_, value) = ProvenanceRecord.PipelineRecord(n.Ref, keys);
                Assert.Equal(RecordObjectBytes(n.Ref, keys), value.Bytes.ToArray());
                checkedCount++;
            }
        }
        // Every node of every parsable pipeline is a root once: make sure the corpus was reached.
        Assert.True(checkedCount > 300, $"only {checkedCount} records compared");
    }

    [Fact]
    public void PipelineRecord_NonAsciiRefsAndSharedInputs_BytesEqualTheSerialisedRecordObject()
    {
        var pipeline = Pipeline.Parse("""
            {"größe": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Arithmetic", "inputs": {"A": "größe"}, "attrs": {"eqn": "A + 1"}},
             "n": {"node": "algorithm.Arithmetic", "inputs": {"A": "m", "B": "größe"}, "attrs": {"eqn": "A < B"}}}
            """);
        var keys = new NodeKeys(pipeline);
        Assert.Equal(RecordObjectBytes("n", keys), ProvenanceRecord.PipelineRecord("n", keys).Value.Bytes.ToArray());
    }

    /// <summary>The record as the JSON object it describes, serialised (how it was built before it was streamed).</summary>
    private static byte[] RecordObjectBytes(string rootRef, NodeKeys keys)
    {
        var pipeline = keys.Pipeline;
        var subgraph = pipeline.Subgraph(rootRef);
        var versions = new JsonObject();
        var types = new JsonObject();
        var sources = new JsonObject();
        foreach (var n in pipeline.Nodes)
        {
            if (!subgraph.ContainsKey(n.Ref)) continue;
            versions[n.Type.Name] = n.Type.Version;
            types[n.Ref] = n.Type.Name;
            if (keys.SourceVersion(n.Ref) is { } token) sources[n.Ref] = token;
        }
        var record = new JsonObject { ["pipeline"] = subgraph, ["nodeTypes"] = types, ["nodeVersions"] = versions, ["sourceVersions"] = sources };
        return System.Text.Encoding.UTF8.GetBytes(record.ToJsonString(PodCache.Runtime.Json.JsonNumbers.WriteOptions));
    }
}
