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
    public NodeKeys(Pipeline pipeline) : this(pipeline, null)
    {
    }

    /// <summary>
    /// Creates a key calculator whose source version tokens were resolved beforehand (asynchronously, by the runner, or
    /// sent by the requester on a cluster); a node not in <paramref name="resolved"/> resolves its token itself.
    /// </summary>
    public NodeKeys(Pipeline pipeline, IReadOnlyDictionary<string, string?>? resolved)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _keys = new Dictionary<string, Key>(pipeline.Nodes.Count, StringComparer.Ordinal);
        // Every node's token is looked up (and remembered) while its key is computed: size for all of them at once.
        _sources = new Dictionary<string, string?>(Math.Max(pipeline.Nodes.Count, resolved?.Count ?? 0), StringComparer.Ordinal);
        if (resolved is not null)
        {
            foreach (var (r, token) in resolved)
            {
                _sources[r] = token;
            }
        }
    }

    /// <summary>
    /// Resolves, concurrently, the source version token of every node of <paramref name="nodeRef"/>'s subgraph that
    /// declares a source (<see cref="Nodes.Node.ResolveSourceVersionAsync"/>): what keys are computed with.
    /// </summary>
    /// <remarks>
    /// A node whose sources depend on its request (<see cref="Nodes.Node.SourceVersionDependsOnRequest"/>) is given the
    /// coordinates it will be asked for at <paramref name="request"/>, found by walking the inputs' plans as
    /// <see cref="Plan.Build"/> will; without a request it resolves as any other source.
    /// </remarks>
    /// <exception cref="Sources.IO.SourceException">A source's version cannot be had.</exception>
    public static async Task<Dictionary<string, string?>> ResolveSourcesAsync(Pipeline pipeline, string nodeRef,
        Sources.IO.SourceServices? services, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? given = null,
        Coordinates? request = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        var seen = new HashSet<string>(pipeline.Nodes.Count, StringComparer.Ordinal) { nodeRef };
        var pending = new Stack<string>();
        pending.Push(nodeRef);
        var sourceNodes = new List<PipelineNode>();
        while (pending.TryPop(out var r))
        {
            var node = pipeline[r];
            if (given is not null && given.TryGetValue(r, out var known))
            {
                result[r] = known;
            }
            else if (node.Sources.Count > 0)
            {
                sourceNodes.Add(node);
            }
            // Indexed: a boxed enumerator per node and input otherwise.
            var inputs = node.Inputs;
            for (int j = 0; j < inputs.Count; j++)
            {
                var refs = inputs[j].Refs;
                for (int i = 0; i < refs.Count; i++)
                {
                    if (seen.Add(refs[i]))
                    {
                        pending.Push(refs[i]);
                    }
                }
            }
        }
        if (sourceNodes.Count == 0)
        {
            await PrepareNativeCoordinatesAsync(pipeline, result, services, cancellationToken).ConfigureAwait(false);
            return result;
        }
        var tokens = new string?[sourceNodes.Count];
        var requested = request is not null && sourceNodes.Any(n => n.Implementation.SourceVersionDependsOnRequest)
            ? RequestsOf(pipeline, nodeRef, request)
            : null;
        await Parallel.ForEachAsync(Enumerable.Range(0, sourceNodes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var node = sourceNodes[i];
                try
                {
                    tokens[i] = requested is not null && node.Implementation.SourceVersionDependsOnRequest
                        ? await node.Implementation.ResolveRequestSourceVersionAsync(
                            requested.TryGetValue(node.Ref, out var asked) ? asked : [], services, ct).ConfigureAwait(false)
                        : await node.Implementation.ResolveSourceVersionAsync(services, ct).ConfigureAwait(false);
                }
                catch (Sources.IO.SourceException ex)
                {
                    throw SourceFailures.AtNode(node.Ref, ex, node.SourceAttr);
                }
                catch (Nodes.NodeEvaluationException ex)
                {
                    throw new PipelineException([PipelineError.InPipeline(node.Ref, ex.Message)]);
                }
            }).ConfigureAwait(false);
        for (int i = 0; i < tokens.Length; i++)
        {
            result[sourceNodes[i].Ref] = tokens[i];
        }
        await PrepareNativeCoordinatesAsync(pipeline, result, services, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Lets every source node with a token (resolved here or given by the requester) learn its own coordinates before
    /// the request is planned: Interpolate reads as far into them as PODPAC's selector does.
    /// </summary>
    private static async Task PrepareNativeCoordinatesAsync(Pipeline pipeline, Dictionary<string, string?> tokens,
        Sources.IO.SourceServices? services, CancellationToken cancellationToken)
    {
        foreach (var (r, token) in tokens)
        {
            await pipeline[r].Implementation.PrepareNativeCoordinatesAsync(token, services, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every distinct request each node of <paramref name="rootRef"/>'s subgraph is asked for when the root is asked for
    /// <paramref name="request"/>: the walk <see cref="Plan.Build"/> makes, without keys.
    /// </summary>
    private static Dictionary<string, List<Coordinates>> RequestsOf(Pipeline pipeline, string rootRef, Coordinates request)
    {
        var result = new Dictionary<string, List<Coordinates>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, Key)>();
        var queue = new Queue<(PipelineNode Node, Coordinates Request)>();
        void Visit(PipelineNode node, Coordinates at)
        {
            if (!seen.Add((node.Ref, at.Key)))
            {
                return;
            }
            if (!result.TryGetValue(node.Ref, out var list))
            {
                result[node.Ref] = list = [];
            }
            list.Add(at);
            queue.Enqueue((node, at));
        }
        Visit(pipeline[rootRef], request);
        while (queue.TryDequeue(out var item))
        {
            IReadOnlyDictionary<string, Coordinates> requests;
            try
            {
                requests = item.Node.Implementation.PlanInputs(item.Request, item.Node.Slots);
            }
            catch (Nodes.NodeEvaluationException ex)
            {
                throw new PipelineException([PipelineError.InPipeline(item.Node.Ref, ex.Message)]);
            }
            foreach (var input in item.Node.Inputs)
            {
                for (int i = 0; i < input.Slots.Count; i++)
                {
                    Visit(pipeline[input.Refs[i]], requests[input.Slots[i]]);
                }
            }
        }
        return result;
    }

    /// <summary>Every source version token resolved so far, by node ref.</summary>
    public IReadOnlyDictionary<string, string?> ResolvedSources()
    {
        lock (_keys)
        {
            return new Dictionary<string, string?>(_sources, StringComparer.Ordinal);
        }
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
