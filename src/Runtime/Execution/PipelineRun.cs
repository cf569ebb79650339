using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// The record of one run (or plan): per node ref its keys, status, seconds and bytes; the output; and access to any
/// node's result afterwards. Serialises to the run manifest of SPEC §5.
/// </summary>
public sealed class PipelineRun
{
    private readonly PipelineRunner _runner;
    private readonly DataArray? _output;

    internal PipelineRun(PipelineRunner runner, Pipeline pipeline, Coordinates coordinates, Plan plan, DataArray? output,
        DateTimeOffset started, double seconds, bool predicted)
    {
        _runner = runner;
        Pipeline = pipeline;
        Coordinates = coordinates;
        OutputRef = plan.Root.Node.Ref;
        _output = output;
        Started = started;
        Seconds = seconds;
        IsPlan = predicted;
        RunId = NewRunId(started);
        var nodes = new Dictionary<string, NodeRunInfo>(plan.ByRef.Count, StringComparer.Ordinal);
        // Manifest order: the pipeline's document order.
        foreach (var pnode in pipeline.Nodes)
        {
            if (!plan.ByRef.TryGetValue(pnode.Ref, out var pn)) continue;
            nodes[pnode.Ref] = new NodeRunInfo(pnode.Ref, pnode.Type.Name, pn.NodeKey, pn.ResultKey, pn.Status,
                Math.Round(pn.Seconds, 6), pn.Bytes, pn.Request);
        }
        Nodes = nodes;
    }

    private PipelineRun(PipelineRunner runner, string runId, Pipeline pipeline, Coordinates coordinates, string outputRef,
        IReadOnlyDictionary<string, NodeRunInfo> nodes, DateTimeOffset started, double seconds)
    {
        _runner = runner;
        RunId = runId;
        Pipeline = pipeline;
        Coordinates = coordinates;
        OutputRef = outputRef;
        Nodes = nodes;
        Started = started;
        Seconds = seconds;
    }

    /// <summary>A unique id: UTC start time plus random hex.</summary>
    public string RunId { get; }

    /// <summary>The pipeline.</summary>
    public Pipeline Pipeline { get; }

    /// <summary>The request coordinates.</summary>
    public Coordinates Coordinates { get; }

    /// <summary>The ref of the node the run evaluated.</summary>
    public string OutputRef { get; }

    /// <summary>Per node ref, what the run did (only refs the run planned).</summary>
    public IReadOnlyDictionary<string, NodeRunInfo> Nodes { get; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Wall-clock seconds of the whole run.</summary>
    public double Seconds { get; }

    /// <summary>True for a dry run (<see cref="PipelineRunner.PlanAsync"/>): statuses are predictions.</summary>
    public bool IsPlan { get; }

    /// <summary>What this run read from remote sources, per source (null for plans and reopened runs).</summary>
    public PodCache.Runtime.Sources.IO.SourceActivity? SourceActivity { get; init; }

    /// <summary>For a plan: per computed source node, the blocks a run would find cached and would fetch.</summary>
    public IReadOnlyDictionary<string, PodCache.Runtime.Sources.IO.SourceReadPlan>? SourceReads { get; init; }

    /// <summary>The output of a run in this process, or null (plans and reopened runs).</summary>
    public DataArray? Output => _output;

    /// <summary>Number of node evaluations this run computed.</summary>
    public int ComputedCount => Nodes.Values.Count(n => n.Status == CacheStatus.Computed);

    /// <summary>Nodes not needed in this run (a consumer was served from the cache).</summary>
    public int PrunedCount => Nodes.Values.Count(n => n.Status == CacheStatus.Pruned);

    /// <summary>Nodes read from a tier or another member: neither computed nor pruned.</summary>
    public int HitCount => Nodes.Count - ComputedCount - PrunedCount;

    /// <summary>
    /// The result of node <paramref name="nodeRef"/> at the coordinates the run evaluated it at: from the cache, or
    /// recomputed (only its subgraph) if it was evicted.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The run did not plan that node.</exception>
    public async Task<DataArray> GetAsync(string nodeRef, CancellationToken cancellationToken = default) =>
        (await GetResultAsync(nodeRef, cancellationToken).ConfigureAwait(false)).Output!;

    /// <summary>Like <see cref="GetAsync"/>, returning the fetch as a run so callers can see whether it recomputed.</summary>
    /// <exception cref="KeyNotFoundException">The run did not plan that node.</exception>
    public Task<PipelineRun> GetResultAsync(string nodeRef, CancellationToken cancellationToken = default)
    {
        if (!Nodes.TryGetValue(nodeRef, out var info))
        {
            throw new KeyNotFoundException(
                $"run {RunId} has no node '{nodeRef}'; its nodes are {string.Join(", ", Nodes.Keys)}");
        }
        return _runner.RunAsync(Pipeline, info.Coordinates, nodeRef, cancellationToken);
    }

    /// <summary>The run manifest (SPEC §5).</summary>
    public JsonObject ToJson()
    {
        var nodes = new JsonObject();
        foreach (var (r, n) in Nodes)
        {
            var o = new JsonObject
            {
                ["node"] = n.NodeType,
                ["nodeKey"] = n.NodeKey.ToString(),
                ["resultKey"] = n.ResultKey.ToString(),
                ["status"] = n.Status.ToString(),
                ["seconds"] = n.Seconds,
                ["bytes"] = n.Bytes,
            };
            if (n.Coordinates.Key != Coordinates.Key)
            {
                o["coordinates"] = n.Coordinates.ToJson();
            }
            if (SourceReads is not null && SourceReads.TryGetValue(r, out var read))
            {
                o["source"] = new JsonObject
                {
                    ["url"] = read.Url,
                    ["blocksCached"] = read.BlocksCached,
                    ["bytesCached"] = read.BytesCached,
                    ["blocksToFetch"] = read.BlocksToFetch,
                    ["bytesToFetch"] = read.BytesToFetch,
                };
            }
            nodes[r] = o;
        }
        var manifest = new JsonObject
        {
            ["runId"] = RunId,
            ["kind"] = IsPlan ? "plan" : "run",
            ["output"] = OutputRef,
            ["started"] = Started.ToString("O", CultureInfo.InvariantCulture),
            ["seconds"] = Math.Round(Seconds, 6),
            ["pipeline"] = Pipeline.Definition.DeepClone(),
            ["coordinates"] = Coordinates.ToJson(),
            ["nodes"] = nodes,
        };
        if (SourceActivity is { BySource.Count: > 0 } activity)
        {
            var sources = new JsonObject();
            foreach (var (url, c) in activity.BySource.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                sources[url] = new JsonObject
                {
                    ["blocksCached"] = c.BlocksCached,
                    ["bytesCached"] = c.BytesCached,
                    ["blocksFetched"] = c.BlocksFetched,
                    ["bytesFetched"] = c.BytesFetched,
                    ["requests"] = c.Requests,
                };
            }
            manifest["sources"] = sources;
        }
        return manifest;
    }

    /// <summary>The manifest as indented JSON text (NaN written as PODPAC's "NaN").</summary>
    public string ToJsonString() => ToJson().ToJsonString(ManifestWriteOptions);

    // Read by people as much as by programs: '+' in a CRS string or '<' in a message stays as written (not \u002B).
    private static readonly System.Text.Json.JsonSerializerOptions ManifestWriteOptions = new(JsonNumbers.WriteOptions)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reopens a run from its manifest so that any node can be pulled through <paramref name="runner"/>.</summary>
    /// <exception cref="PipelineException">The manifest is not valid.</exception>
    public static PipelineRun Open(string manifestJson, PipelineRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        JsonNode? root;
        try
        {
            // A manifest wraps a pipeline that was read under the configured depth; the ceiling still bounds the reader.
            root = LenientJson.Parse(manifestJson, out _, RuntimeLimits.MaxJsonDepthCeiling);
        }
        catch (LenientJson.SyntaxException ex)
        {
            throw new PipelineException("", "malformed run manifest: " + ex.Message);
        }
        if (root is not JsonObject m || m["pipeline"] is not JsonObject p || m["coordinates"] is null || m["nodes"] is not JsonObject nodesJson)
        {
            throw new PipelineException("", "not a run manifest: expected 'pipeline', 'coordinates' and 'nodes'");
        }
        var pipeline = Pipeline.FromJson((JsonObject)p.DeepClone(), runner.Registry, runner.Limits);
        var coordinates = Coordinates.FromJson(m["coordinates"], runner.Limits);
        var nodes = new Dictionary<string, NodeRunInfo>(StringComparer.Ordinal);
        foreach (var (r, v) in nodesJson)
        {
            if (v is not JsonObject o
                || !Key.TryParse(o["nodeKey"]?.GetValue<string>(), out var nk)
                || !Key.TryParse(o["resultKey"]?.GetValue<string>(), out var rk))
            {
                throw new PipelineException($"nodes.{r}", "not a valid manifest entry (keys must be 64 lowercase hex characters)");
            }
            if (!CacheStatus.TryParse(o["status"]?.GetValue<string>(), out var status))
            {
                throw new PipelineException($"nodes.{r}.status", "not a valid manifest status (computed, pruned or hit:TIER)");
            }
            var coords = o["coordinates"] is { } c ? Coordinates.FromJson(c) : coordinates;
            JsonNumbers.TryGetDouble(o["seconds"], out var secs);
            JsonNumbers.TryGetDouble(o["bytes"], out var bytes);
            nodes[r] = new NodeRunInfo(r, o["node"]?.GetValue<string>() ?? "", nk, rk, status, secs, (long)bytes, coords);
        }
        string runId = m["runId"]?.GetValue<string>() ?? "unknown";
        string output = m["output"]?.GetValue<string>() ?? pipeline.OutputRef;
        DateTimeOffset.TryParse(m["started"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started);
        JsonNumbers.TryGetDouble(m["seconds"], out var seconds);
        return new PipelineRun(runner, runId, pipeline, coordinates, output, nodes, started, seconds);
    }

    private static string NewRunId(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" +
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
