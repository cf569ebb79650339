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
        var inputs = new JsonObject();
        foreach (var input in node.Inputs)
        {
            if (input.IsList)
            {
                var arr = new JsonArray();
                foreach (var r in input.Refs) arr.Add(JsonValue.Create(NodeKeyLocked(r).ToString()));
                inputs[input.Name] = arr;
            }
            else
            {
                inputs[input.Name] = NodeKeyLocked(input.Refs[0]).ToString();
            }
        }
        var obj = new JsonObject
        {
            ["node"] = node.Type.Name,
            ["version"] = node.Type.Version,
            ["attrs"] = node.Attrs.DeepClone(),
            ["inputs"] = inputs,
        };
        if (SourceLocked(nodeRef) is { } token)
        {
            obj["source"] = token;
        }
        k = CanonicalJson.Hash(obj);
        _keys[nodeRef] = k;
        return k;
    }

    /// <summary>The ResultKey of a node key at coordinates.</summary>
    public static Key ResultKey(Key nodeKey, Key coordinatesKey) => Key.Hash($"{nodeKey}:{coordinatesKey}");
}
