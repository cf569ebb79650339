using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes;

namespace PodCache.Runtime.Pipelines;

/// <summary>
/// A parsed and validated PODPAC pipeline: nodes by ref, their inputs, and the output node. Immutable; one pipeline
/// can be run at many coordinates, concurrently.
/// </summary>
public sealed class Pipeline
{
    private readonly Dictionary<string, PipelineNode> _byRef;

    internal Pipeline(IReadOnlyList<PipelineNode> nodes, string outputRef, JsonObject definition)
    {
        Nodes = nodes;
        _byRef = nodes.ToDictionary(n => n.Ref, StringComparer.Ordinal);
        OutputRef = outputRef;
        Definition = definition;
    }

    /// <summary>The nodes in document order.</summary>
    public IReadOnlyList<PipelineNode> Nodes { get; }

    /// <summary>The output node's ref: <c>podpac_output_node</c>, or PODPAC's last-created rule.</summary>
    public string OutputRef { get; }

    /// <summary>The output node.</summary>
    public PipelineNode Output => _byRef[OutputRef];

    /// <summary>The pipeline JSON as given (with <c>podpac_output_node</c> set).</summary>
    public JsonObject Definition { get; }

    /// <summary>
    /// The last run's pipeline record of this (immutable) pipeline, kept by <c>ProvenanceRecord.PipelineRecord</c> so
    /// that running it again writes and hashes only what can differ between runs: the source version tokens.
    /// </summary>
    internal object? PipelineRecordCache
    {
        // Published whole (an immutable record) and read by runs on any thread.
        get => Volatile.Read(ref _pipelineRecordCache);
        set => Volatile.Write(ref _pipelineRecordCache, value);
    }

    private object? _pipelineRecordCache;

    /// <summary>The node with ref <paramref name="nodeRef"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such ref.</exception>
    public PipelineNode this[string nodeRef] =>
        _byRef.TryGetValue(nodeRef, out var n) ? n : throw new KeyNotFoundException($"the pipeline has no node '{nodeRef}'");

    /// <summary>True when the pipeline has a node with ref <paramref name="nodeRef"/>.</summary>
    public bool Contains(string nodeRef) => _byRef.ContainsKey(nodeRef);

    /// <summary>Parses and validates pipeline JSON text (PODPAC's format, bare NaN/Infinity accepted).</summary>
    /// <param name="json">The text.</param>
    /// <param name="registry">Node types; the built-in registry when null.</param>
    /// <param name="source">A file name for messages.</param>
    /// <param name="limits">Nesting depth, document size, node, input and kernel limits; the defaults when null.</param>
    /// <param name="baseDirectory">What relative source paths resolve against: the pipeline file's folder; the working directory when null (a pipeline from stdin or HTTP).</param>
    /// <exception cref="PipelineException">Every problem found, with node refs and JSON paths.</exception>
    public static Pipeline Parse(string json, NodeRegistry? registry = null, string? source = null, Execution.RuntimeLimits? limits = null,
        string? baseDirectory = null) =>
        PipelineParser.Parse(json, registry ?? NodeRegistry.Default, source, limits, baseDirectory);

    /// <summary>Validates an already parsed JSON object.</summary>
    /// <param name="definition">The pipeline JSON.</param>
    /// <param name="registry">Node types; the built-in registry when null.</param>
    /// <param name="limits">Node, input and kernel limits; the defaults when null.</param>
    /// <param name="baseDirectory">What relative source paths resolve against; the working directory when null.</param>
    /// <exception cref="PipelineException">Every problem found.</exception>
    public static Pipeline FromJson(JsonObject definition, NodeRegistry? registry = null, Execution.RuntimeLimits? limits = null,
        string? baseDirectory = null) =>
        PipelineParser.FromJson(definition, registry ?? NodeRegistry.Default, null, [], limits, baseDirectory);

    /// <summary>
    /// The pipeline JSON of the subgraph under <paramref name="nodeRef"/> (its inputs, transitively, and the nodes their
    /// <c>lookup_attrs</c> name), with it as <c>podpac_output_node</c>: provenance of a cached result, and what a cluster
    /// member sends a key's owner to compute it.
    /// </summary>
    public JsonObject Subgraph(string nodeRef)
    {
        var keep = SubgraphRefs(nodeRef);
        var o = new JsonObject();
        foreach (var n in Nodes)
        {
            if (keep.Contains(n.Ref)) o[n.Ref] = n.Definition.DeepClone();
        }
        o["podpac_output_node"] = nodeRef;
        return o;
    }

    /// <summary>
    /// Writes what <see cref="Subgraph"/> returns, byte for byte as its <c>ToJsonString(options)</c> would, without
    /// cloning the definitions: a run's pipeline record is written once per run, over every node.
    /// </summary>
    internal void WriteSubgraph(System.Text.Json.Utf8JsonWriter writer, string nodeRef, HashSet<string> keep, System.Text.Json.JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var n in Nodes)
        {
            if (!keep.Contains(n.Ref)) continue;
            writer.WritePropertyName(n.Ref);
            n.Definition.WriteTo(writer, options);
        }
        writer.WriteString("podpac_output_node", nodeRef);
        writer.WriteEndObject();
    }

    /// <summary>The refs of <see cref="Subgraph"/>: <paramref name="nodeRef"/>, its inputs transitively and the nodes their lookups name.</summary>
    internal HashSet<string> SubgraphRefs(string nodeRef)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(nodeRef);
        while (stack.Count > 0)
        {
            var r = stack.Pop();
            if (!keep.Add(r)) continue;
            var node = this[r];
            foreach (var input in node.Inputs)
            {
                foreach (var s in input.Refs) stack.Push(s);
            }
            // Nodes whose attrs are looked up come along, so the subgraph parses on its own.
            if (node.Definition["lookup_attrs"] is JsonObject lookups)
            {
                foreach (var kv in lookups)
                {
                    if (kv.Value is JsonValue v && v.TryGetValue<string>(out var target) && target.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
                        && Contains(target[..dot]))
                    {
                        stack.Push(target[..dot]);
                    }
                }
            }
        }
        return keep;
    }
}
