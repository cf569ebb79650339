using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;

namespace PodCache.Runtime.Execution;

/// <summary>
/// What produced a cached result (SPEC §6): the subgraph pipeline JSON, the coordinates, PodCache's version, the
/// implementation version of every node type in the subgraph, source version tokens and the host. Creation time and
/// compute seconds are stored beside it in the entry header.
/// </summary>
/// <remarks>
/// An entry's own record holds only what is about its node — its definition, the NodeKeys of its inputs, its type's
/// version and source token — plus <c>pipelineKey</c>, the key of one record per run that holds the run's whole
/// pipeline (<see cref="PipelineRecord"/>). Storing each entry's whole upstream subgraph with it made a chain of n
/// nodes cost n² in time and bytes. <see cref="ExpandAsync"/> puts the entry's subgraph, its node versions and
/// source tokens back, so readers see the full record.
/// </remarks>
public static class ProvenanceRecord
{
    /// <summary>The content type of a run's pipeline record in the cache tiers.</summary>
    public const string PipelineContentType = "application/vnd.podcache.pipeline-provenance+json";

    // Domain separation: a pipeline record's key can never equal a ResultKey, which hashes "NODEKEY:COORDSKEY".
    private const string KeyPrefix = "podcache-pipeline-provenance:";

    /// <summary>PodCache's version as recorded in provenance.</summary>
    public static string PodCacheVersion { get; } = PodCache.Cache.PodCacheVersion.Of(typeof(ProvenanceRecord).Assembly);

    /// <summary>
    /// A run's pipeline record: the subgraph under <paramref name="rootRef"/>, the implementation version of every
    /// node type in it and the source version tokens of its nodes. Its key is a hash of its bytes, so the same pipeline
    /// run again is the same record.
    /// </summary>
    public static (Key Key, BinaryValue Value) PipelineRecord(string rootRef, NodeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var pipeline = keys.Pipeline;
        // Written straight to UTF-8, in the order and spelling of the JSON object it describes —
        // {"pipeline": subgraph, "nodeTypes": {ref: type}, "nodeVersions": {type: version}, "sourceVersions": {ref: token}} —
        // so the bytes (and the key) are what serialising that object gives, without cloning every node's definition.
        // Everything before "sourceVersions" depends on the pipeline and root only: kept with the pipeline, as is the
        // last record, which a run with the same tokens (every run of a pipeline without sources) takes as it is.
        var cached = pipeline.PipelineRecordCache as CachedPipelineRecord;
        if (cached is null || cached.RootRef != rootRef)
        {
            cached = CachedPipelineRecord.Start(pipeline, rootRef);
        }
        var tokens = new List<(string Ref, string Token)>();
        foreach (var r in cached.Kept)
        {
            if (keys.SourceVersion(r) is { } token) tokens.Add((r, token));
        }
        if (cached.Record is { } record && cached.Tokens.AsSpan().SequenceEqual(CollectionsMarshal.AsSpan(tokens)))
        {
            return record;
        }
        var options = Json.JsonNumbers.WriteOptions;
        var tail = new System.Buffers.ArrayBufferWriter<byte>(64 + 64 * tokens.Count);
        using (var w = new Utf8JsonWriter(tail, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("sourceVersions");
            foreach (var (r, token) in tokens)
            {
                w.WriteString(r, token);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        // The head ends where "nodeVersions" closes; the tail (without its opening brace) continues the same object.
        var head = cached.Head;
        var bytes = new byte[head.Length + tail.WrittenCount];
        head.CopyTo(bytes, 0);
        bytes[head.Length] = (byte)',';
        tail.WrittenSpan[1..].CopyTo(bytes.AsSpan(head.Length + 1));
        var key = Key.Hash(KeyPrefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        var result = (key, new BinaryValue(PipelineContentType, bytes));
        pipeline.PipelineRecordCache = new CachedPipelineRecord(rootRef, cached.Kept, head, [.. tokens], result);
        return result;
    }

    /// <summary>What <see cref="PipelineRecord"/> keeps with a pipeline (immutable: runs share it across threads).</summary>
    private sealed record CachedPipelineRecord(string RootRef, string[] Kept, byte[] Head, (string Ref, string Token)[] Tokens,
        (Key Key, BinaryValue Value)? Record)
    {
        /// <summary>The subgraph's refs in document order, and the record up to (not including) "sourceVersions".</summary>
        public static CachedPipelineRecord Start(Pipelines.Pipeline pipeline, string rootRef)
        {
            var keep = pipeline.SubgraphRefs(rootRef);
            var kept = new List<string>(keep.Count);
            foreach (var n in pipeline.Nodes)
            {
                if (keep.Contains(n.Ref)) kept.Add(n.Ref);
            }
            var options = Json.JsonNumbers.WriteOptions;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + 128 * keep.Count);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
            {
                w.WriteStartObject();
                w.WritePropertyName("pipeline");
                pipeline.WriteSubgraph(w, rootRef, keep, options);
                w.WriteStartObject("nodeTypes");
                foreach (var r in kept)
                {
                    w.WriteString(r, pipeline[r].Type.Name);
                }
                w.WriteEndObject();
                // One entry per type, at the place of its first node (as assigning into a JsonObject keeps it).
                w.WriteStartObject("nodeVersions");
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var r in kept)
                {
                    var type = pipeline[r].Type;
                    if (seen.Add(type.Name)) w.WriteNumber(type.Name, type.Version);
                }
                w.WriteEndObject();
            }
            return new CachedPipelineRecord(rootRef, [.. kept], buffer.WrittenSpan.ToArray(), [], null);
        }
    }

    /// <summary>
    /// The provenance stored with <paramref name="nodeRef"/>'s entry at <paramref name="coordinates"/>: its own node,
    /// its inputs' NodeKeys and the key of the run's <see cref="PipelineRecord"/>.
    /// </summary>
    public static JsonObject Create(string nodeRef, Coordinates coordinates, NodeKeys keys, Key pipelineKey)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(keys);
        var node = keys.Pipeline[nodeRef];
        var inputs = new JsonObject();
        foreach (var input in node.Inputs)
        {
            for (int i = 0; i < input.Refs.Count; i++)
            {
                inputs[input.Slots[i]] = new JsonObject
                {
                    ["ref"] = input.Refs[i],
                    ["nodeKey"] = keys.NodeKey(input.Refs[i]).ToString(),
                };
            }
        }
        var sources = new JsonObject();
        if (keys.SourceVersion(nodeRef) is { } token) sources[nodeRef] = token;
        return new JsonObject
        {
            ["node"] = nodeRef,
            ["nodeKey"] = keys.NodeKey(nodeRef).ToString(),
            ["pipelineKey"] = pipelineKey.ToString(),
            ["definition"] = node.Definition.DeepClone(),
            ["inputs"] = inputs,
            ["coordinates"] = coordinates.ToJson(),
            ["podcacheVersion"] = PodCacheVersion,
            ["nodeVersions"] = new JsonObject { [node.Type.Name] = node.Type.Version },
            ["sourceVersions"] = sources,
            ["host"] = Environment.MachineName,
        };
    }

    /// <summary>
    /// The full record of an entry: <paramref name="provenance"/> with <c>pipeline</c> (the entry's subgraph),
    /// <c>nodeVersions</c> and <c>sourceVersions</c> filled in from the run's pipeline record in
    /// <paramref name="cache"/>. A record that already has its pipeline is returned as is; when the pipeline record is
    /// no longer cached, <c>pipeline</c> is null and <c>pipelineUnavailable</c> says why (the entry's own definition and
    /// its inputs' NodeKeys remain).
    /// </summary>
    public static async ValueTask<JsonObject> ExpandAsync(JsonObject provenance, IMemoCache cache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentNullException.ThrowIfNull(cache);
        if (provenance.ContainsKey("pipeline")
            || provenance["pipelineKey"] is not JsonValue kv || !kv.TryGetValue<string>(out var keyText) || !Key.TryParse(keyText, out var key)
            || provenance["node"] is not JsonValue nv || !nv.TryGetValue<string>(out var nodeRef))
        {
            return provenance;
        }
        JsonObject? record = null;
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: BinaryValue { ContentType: PipelineContentType } blob })
        {
            try
            {
                // Written by PipelineRecord from a validated pipeline; the depth bound only guards against a damaged tier.
                record = JsonNode.Parse(blob.Bytes.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 1024 }) as JsonObject;
            }
            catch (JsonException)
            {
                record = null;
            }
        }
        var o = new JsonObject
        {
            ["node"] = nodeRef,
            ["nodeKey"] = provenance["nodeKey"]?.DeepClone(),
        };
        if (record?["pipeline"] is JsonObject pipeline && pipeline.ContainsKey(nodeRef))
        {
            var subgraph = SubgraphOf(pipeline, nodeRef);
            o["pipeline"] = subgraph;
            o["coordinates"] = provenance["coordinates"]?.DeepClone();
            o["podcacheVersion"] = provenance["podcacheVersion"]?.DeepClone();
            var versions = new JsonObject();
            var sources = new JsonObject();
            foreach (var (r, _) in subgraph)
            {
                if (record["nodeTypes"]?[r] is JsonValue t && t.TryGetValue<string>(out var typeName)
                    && record["nodeVersions"]?[typeName] is { } version)
                {
                    versions[typeName] = version.DeepClone();
                }
                if (record["sourceVersions"]?[r] is { } token) sources[r] = token.DeepClone();
            }
            foreach (var (name, version) in provenance["nodeVersions"] as JsonObject ?? [])
            {
                versions[name] = version?.DeepClone();
            }
            o["nodeVersions"] = versions;
            o["sourceVersions"] = sources;
        }
        else
        {
            o["pipeline"] = null;
            o["pipelineUnavailable"] = $"the run's pipeline record {key} is no longer cached; 'definition' and 'inputs' describe this node";
            o["coordinates"] = provenance["coordinates"]?.DeepClone();
            o["podcacheVersion"] = provenance["podcacheVersion"]?.DeepClone();
            o["nodeVersions"] = provenance["nodeVersions"]?.DeepClone();
            o["sourceVersions"] = provenance["sourceVersions"]?.DeepClone();
        }
        foreach (var (name, value) in provenance)
        {
            if (!o.ContainsKey(name)) o[name] = value?.DeepClone();
        }
        return o;
    }

    /// <summary>The subgraph under <paramref name="nodeRef"/> of pipeline JSON, as <see cref="Pipelines.Pipeline.Subgraph"/> computes it.</summary>
    private static JsonObject SubgraphOf(JsonObject pipeline, string nodeRef)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(nodeRef);
        while (stack.Count > 0)
        {
            var r = stack.Pop();
            if (!keep.Add(r) || pipeline[r] is not JsonObject def) continue;
            if (def["inputs"] is JsonObject inputs)
            {
                foreach (var (_, value) in inputs)
                {
                    if (value is JsonValue one && one.TryGetValue<string>(out var s)) stack.Push(s);
                    else if (value is JsonArray list)
                    {
                        foreach (var item in list)
                        {
                            if (item is JsonValue v && v.TryGetValue<string>(out var ls)) stack.Push(ls);
                        }
                    }
                }
            }
            if (def["lookup_attrs"] is JsonObject lookups)
            {
                foreach (var (_, value) in lookups)
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var target) && target.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot)
                    {
                        stack.Push(target[..dot]);
                    }
                }
            }
        }
        var o = new JsonObject();
        foreach (var (r, def) in pipeline)
        {
            if (r != "podpac_output_node" && keep.Contains(r)) o[r] = def?.DeepClone();
        }
        o["podpac_output_node"] = nodeRef;
        return o;
    }
}
