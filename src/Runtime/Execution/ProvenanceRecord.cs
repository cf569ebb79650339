using System.Text.Json.Nodes;

namespace PodCache.Runtime.Execution;

/// <summary>
/// What produced a cached result (SPEC §6): the subgraph pipeline JSON, the coordinates, PodCache's version, the
/// implementation version of every node type in the subgraph, source version tokens and the host. Creation time and
/// compute seconds are stored beside it in the entry header.
/// </summary>
public static class ProvenanceRecord
{
    /// <summary>PodCache's version as recorded in provenance.</summary>
    public static string PodCacheVersion { get; } =
        typeof(ProvenanceRecord).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The provenance of <paramref name="nodeRef"/> evaluated at <paramref name="coordinates"/>.</summary>
    public static JsonObject Create(string nodeRef, Coordinates coordinates, NodeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(keys);
        var pipeline = keys.Pipeline;
        var subgraph = pipeline.Subgraph(nodeRef);
        var versions = new JsonObject();
        var sources = new JsonObject();
        foreach (var n in pipeline.Nodes)
        {
            if (!subgraph.ContainsKey(n.Ref)) continue;
            versions[n.Type.Name] = n.Type.Version;
            if (keys.SourceVersion(n.Ref) is { } token) sources[n.Ref] = token;
        }
        return new JsonObject
        {
            ["node"] = nodeRef,
            ["nodeKey"] = keys.NodeKey(nodeRef).ToString(),
            ["pipeline"] = subgraph,
            ["coordinates"] = coordinates.ToJson(),
            ["podcacheVersion"] = PodCacheVersion,
            ["nodeVersions"] = versions,
            ["sourceVersions"] = sources,
            ["host"] = Environment.MachineName,
        };
    }
}
