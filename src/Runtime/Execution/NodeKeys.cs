using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// SPEC §4 keys. <c>NodeKey = H(JCS({node, version, attrs, inputs, source?}))</c>,
/// <c>ResultKey = H(NodeKey + ":" + CoordinatesKey)</c>. Source version tokens are resolved once per instance.
/// </summary>
public sealed class NodeKeys
{
    private readonly Pipeline _pipeline;
    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _sources = new(StringComparer.Ordinal);

    /// <summary>Creates a key calculator for <paramref name="pipeline"/>.</summary>
    public NodeKeys(Pipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
    }

    /// <summary>The pipeline the keys are for.</summary>
    public Pipeline Pipeline => _pipeline;

    /// <summary>The NodeKey of <paramref name="nodeRef"/>.</summary>
    public Key NodeKey(string nodeRef)
    {
        lock (_keys)
        {
            return NodeKeyLocked(nodeRef);
        }
    }

    /// <summary>The source version token of <paramref name="nodeRef"/> (null when it reads nothing external).</summary>
    public string? SourceVersion(string nodeRef)
    {
        lock (_keys)
        {
            return SourceLocked(nodeRef);
        }
    }

    private string? SourceLocked(string nodeRef)
    {
        if (!_sources.TryGetValue(nodeRef, out var token))
        {
            token = _pipeline[nodeRef].Implementation.ResolveSourceVersion();
            _sources[nodeRef] = token;
        }
        return token;
    }

    private Key NodeKeyLocked(string nodeRef)
    {
        if (_keys.TryGetValue(nodeRef, out var k))
        {
            return k;
        }
        var node = _pipeline[nodeRef];
        // The canonical object, written directly in sorted member order (attrs, inputs, node, source, version) so the
        // node's attrs need not be cloned into a new tree for every key.
        var sb = new StringBuilder(256);
        sb.Append("{\"attrs\":").Append(node.CanonicalAttrs).Append(",\"inputs\":{");
        bool first = true;
        foreach (var input in node.Inputs.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(CanonicalJson.Serialize(JsonValue.Create(input.Name))).Append(':');
            if (input.IsList)
            {
                sb.Append('[');
                for (int i = 0; i < input.Refs.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append('"').Append(NodeKeyLocked(input.Refs[i]).ToString()).Append('"');
                }
                sb.Append(']');
            }
            else
            {
                sb.Append('"').Append(NodeKeyLocked(input.Refs[0]).ToString()).Append('"');
            }
        }
        sb.Append("},\"node\":").Append(CanonicalJson.Serialize(JsonValue.Create(node.Type.Name)));
        if (SourceLocked(nodeRef) is { } token)
        {
            sb.Append(",\"source\":").Append(CanonicalJson.Serialize(JsonValue.Create(token)));
        }
        sb.Append(",\"version\":").Append(CanonicalJson.FormatNumber(node.Type.Version)).Append('}');
        k = Key.Hash(sb.ToString());
        _keys[nodeRef] = k;
        return k;
    }

    /// <summary>The ResultKey of a node key at coordinates.</summary>
    public static Key ResultKey(Key nodeKey, Key coordinatesKey) => Key.Hash($"{nodeKey}:{coordinatesKey}");
}
