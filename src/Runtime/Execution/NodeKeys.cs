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
    private readonly Dictionary<string, Key> _keys;
    private readonly Dictionary<string, string?> _sources;

    /// <summary>Creates a key calculator for <paramref name="pipeline"/>.</summary>
    public NodeKeys(Pipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _keys = new Dictionary<string, Key>(pipeline.Nodes.Count, StringComparer.Ordinal);
        _sources = new Dictionary<string, string?>(pipeline.Nodes.Count, StringComparer.Ordinal);
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
        // Inputs first, depth-first with an explicit stack: a long chain must not recurse once per node.
        var pending = new Stack<string>();
        pending.Push(nodeRef);
        Key[]? inputKeys = null;
        while (pending.Count > 0)
        {
            string r = pending.Peek();
            if (_keys.ContainsKey(r))
            {
                pending.Pop();
                continue;
            }
            var template = NodeKeyTemplate.For(_pipeline[r]);
            var refs = template.InputRefs;
            bool ready = true;
            foreach (var input in refs)
            {
                if (!_keys.ContainsKey(input))
                {
                    pending.Push(input);
                    ready = false;
                }
            }
            if (!ready)
            {
                continue;
            }
            if (inputKeys is null || inputKeys.Length < refs.Length)
            {
                inputKeys = new Key[Math.Max(refs.Length, 4)];
            }
            for (int i = 0; i < refs.Length; i++)
            {
                inputKeys[i] = _keys[refs[i]];
            }
            _keys[r] = template.Hash(inputKeys.AsSpan(0, refs.Length), SourceLocked(r));
            pending.Pop();
        }
        return _keys[nodeRef];
    }

    /// <summary>The ResultKey of a node key at coordinates: <c>H(NodeKey + ":" + CoordinatesKey)</c>.</summary>
    public static Key ResultKey(Key nodeKey, Key coordinatesKey)
    {
        Span<byte> text = stackalloc byte[2 * Key.HexLength + 1];
        nodeKey.TryFormat(text, out _);
        text[Key.HexLength] = (byte)':';
        coordinatesKey.TryFormat(text[(Key.HexLength + 1)..], out _);
        return Key.Hash(text);
    }
}
