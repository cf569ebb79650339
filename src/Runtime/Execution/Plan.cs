using PodCache.Cache;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// The top-down plan of one request: which coordinates each node needs from each input, the keys, and which nodes
/// the cache already holds (their subgraphs are pruned).
/// </summary>
internal sealed class Plan
{
    private readonly Dictionary<Key, PlanNode> _byKey;
    private readonly NodeKeys _keys;

    private Plan(Pipeline pipeline, NodeKeys keys)
    {
        Pipeline = pipeline;
        _keys = keys;
        // Usually one evaluation per node: size for that up front rather than growing (and discarding) tables.
        int n = pipeline.Nodes.Count;
        _byKey = new Dictionary<Key, PlanNode>(n);
        Nodes = new List<PlanNode>(n);
        ByRef = new Dictionary<string, PlanNode>(n, StringComparer.Ordinal);
    }

    public Pipeline Pipeline { get; }

    public NodeKeys Keys => _keys;

    public PlanNode Root { get; private set; } = null!;

    /// <summary>Plan nodes in the order they were planned (top-down, breadth-first).</summary>
    public List<PlanNode> Nodes { get; }

    /// <summary>For each ref, its primary evaluation: the one at the request's coordinates if any, else the first planned.</summary>
    public Dictionary<string, PlanNode> ByRef { get; }

    private Key _requestKey;

    public static Plan Build(Pipeline pipeline, NodeKeys keys, string rootRef, Coordinates request, RuntimeLimits? limits = null)
    {
        limits ??= RuntimeLimits.Default;
        long requested = RuntimeLimits.Cells(request);
        if (requested > limits.MaxCellsPerRequest)
        {
            throw new PipelineException("coords",
                $"{RuntimeLimits.DescribeCells(requested)} ({string.Join(" x ", request.Shape)}); a request may have at most {limits.MaxCellsPerRequest:N0} (limits.maxCellsPerRequest)");
        }
        var plan = new Plan(pipeline, keys) { _limits = limits, _requestKey = request.Key };
        var queue = new Queue<PlanNode>();
        plan.Root = plan.Get(pipeline[rootRef], request, queue);
        while (queue.Count > 0)
        {
            var pn = queue.Dequeue();
            var node = pn.Node;
            var inputs = node.Inputs;
            int k = 0;
            // Null when the node asks every input for its own request (Node's default), without the call's table.
            IReadOnlyDictionary<string, Coordinates>? requests = null;
            if (PlansOwnInputs(node.Implementation))
            {
                requests = PlanInputs(pipeline, node, pn.Request);
            }
            for (int j = 0; j < inputs.Count; j++)
            {
                var input = inputs[j];
                var slots = input.Slots;
                var refs = input.Refs;
                for (int i = 0; i < slots.Count; i++)
                {
                    var slot = slots[i];
                    // Node.Slots is every input's slots in order: the k-th slot is this one.
                    pn.InputNodes[k++] = plan.Get(pipeline[refs[i]], requests is null ? pn.Request : requests[slot], queue);
                }
            }
        }
        return plan;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> OwnPlanInputs = new();

    /// <summary>
    /// False when <paramref name="node"/>'s type inherits both <see cref="Node.PlanInputs(Coordinates, IReadOnlyList{string})"/>
    /// overloads from <see cref="Node"/>, which ask every input for the node's own request: planning then skips the call
    /// (and the table and closure it costs per node). Decided once per type.
    /// </summary>
    private static bool PlansOwnInputs(Node node)
    {
        var type = node.GetType();
        if (!OwnPlanInputs.TryGetValue(type, out bool own))
        {
            own = OverridesPlanInputs(type);
            OwnPlanInputs.TryAdd(type, own);
        }
        return own;
    }

    private static bool OverridesPlanInputs([System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(
        System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods)] Type type) =>
        type.GetMethod(nameof(Node.PlanInputs), [typeof(Coordinates), typeof(IReadOnlyList<string>)])?.DeclaringType != typeof(Node)
        || type.GetMethod(nameof(Node.PlanInputs), [typeof(Coordinates), typeof(IReadOnlyList<string>), typeof(Func<string, Node>)])?.DeclaringType
            != typeof(Node);

    /// <summary>What <paramref name="node"/> asks its inputs for (apart from Build: its closure is per node).</summary>
    private static IReadOnlyDictionary<string, Coordinates> PlanInputs(Pipeline pipeline, PipelineNode node, Coordinates request)
    {
        try
        {
            return node.Implementation.PlanInputs(request, node.Slots, slot => InputNode(pipeline, node, slot));
        }
        catch (NodeEvaluationException ex)
        {
            throw new PipelineException([PipelineError.InPipeline(node.Ref, ex.Message)]);
        }
    }

    private static Node InputNode(Pipeline pipeline, PipelineNode node, string slot)
    {
        foreach (var input in node.Inputs)
        {
            for (int i = 0; i < input.Slots.Count; i++)
            {
                if (input.Slots[i] == slot)
                {
                    return pipeline[input.Refs[i]].Implementation;
                }
            }
        }
        throw new ArgumentException($"node '{node.Ref}' has no input slot '{slot}'", nameof(slot));
    }

    private readonly Dictionary<string, bool> _sliceable = new(StringComparer.Ordinal);

    /// <summary>True when no node in the subgraph of <paramref name="nodeRef"/> depends on the request's extent.</summary>
    /// <remarks>Thread-safe: the executor's pumps ask concurrently.</remarks>
    public bool IsSliceable(string nodeRef)
    {
        lock (_sliceable)
        {
            return IsSliceableLocked(nodeRef);
        }
    }

    private bool IsSliceableLocked(string nodeRef)
    {
        // Post-order with an explicit stack: a long chain must not recurse once per node.
        var pending = new Stack<string>();
        pending.Push(nodeRef);
        while (pending.Count > 0)
        {
            string r = pending.Peek();
            if (_sliceable.ContainsKey(r))
            {
                pending.Pop();
                continue;
            }
            var node = Pipeline[r];
            if (node.Type.ExtentDependent)
            {
                _sliceable[r] = false;
                pending.Pop();
                continue;
            }
            bool ready = true, ok = true;
            foreach (var input in node.Inputs)
            {
                foreach (var s in input.Refs)
                {
                    if (!_sliceable.TryGetValue(s, out var known))
                    {
                        pending.Push(s);
                        ready = false;
                    }
                    else
                    {
                        ok &= known;
                    }
                }
            }
            if (ready)
            {
                _sliceable[r] = ok;
                pending.Pop();
            }
        }
        return _sliceable[nodeRef];
    }

    private async Task FindSupersetAsync(PlanNode pn, IMemoCache cache, IResultCatalog catalog, CancellationToken ct)
    {
        foreach (var (member, data) in catalog.Find(pn.NodeKey))
        {
            // The catalogued coordinates must be exactly those the member was computed at (its key says so).
            var candidate = SubsetReuse.ReadCatalogForm(data);
            if (candidate is null || NodeKeys.ResultKey(pn.NodeKey, candidate.Key) != member)
            {
                catalog.Remove(pn.NodeKey, member);
                continue;
            }
            if (!SubsetReuse.TryMap(candidate, pn.Request, out _) || !IsExactSubset(pn, candidate, out var offsets))
            {
                continue;
            }
            var tier = await cache.ProbeAsync(member, ct).ConfigureAwait(false);
            if (tier is null)
            {
                catalog.Remove(pn.NodeKey, member);
                continue;
            }
            pn.ProbeTier = tier;
            pn.SliceSource = new SubsetReuse.Source(member, candidate, offsets);
            return;
        }
    }

    /// <summary>
    /// True when slicing the result of <paramref name="pn"/>'s node at <paramref name="candidate"/> gives bit for bit
    /// what computing it fresh gives: the candidate's own plan asks every node of the subgraph for coordinates of which
    /// this plan's are a bitwise sub-grid (so every extent-independent node computes each cell from the same values).
    /// <paramref name="offsets"/> are then the offsets of the request in the candidate.
    /// </summary>
    private bool IsExactSubset(PlanNode pn, Coordinates candidate, out Dictionary<string, int> offsets)
    {
        offsets = [];
        Plan shadow;
        try
        {
            shadow = Build(Pipeline, _keys, pn.Node.Ref, candidate);
        }
        catch (PipelineException)
        {
            return false;
        }
        var pending = new Stack<(PlanNode Small, PlanNode Big)>();
        var seen = new HashSet<(PlanNode, PlanNode)>();
        pending.Push((pn, shadow.Root));
        bool root = true;
        while (pending.Count > 0)
        {
            var (small, big) = pending.Pop();
            if (!SubsetReuse.TryMapExact(big.Request, small.Request, out var o))
            {
                return false;
            }
            if (root)
            {
                offsets = o;
                root = false;
            }
            var slots = small.Node.Slots;
            for (int i = 0; i < slots.Count; i++)
            {
                var child = small.InputNodes[i];
                if (!big.TryGetInput(slots[i], out var bigChild))
                {
                    return false;
                }
                if (seen.Add((child, bigChild)))
                {
                    pending.Push((child, bigChild));
                }
            }
        }
        return true;
    }

    private RuntimeLimits _limits = RuntimeLimits.Default;

    private PlanNode Get(PipelineNode node, Coordinates request, Queue<PlanNode> queue)
    {
        // Each node's request is known here, before anything is computed or allocated: a Convolution's grown request
        // is checked before its source is evaluated, and a grid past one array's length never reaches a node.
        long cells = RuntimeLimits.Cells(request);
        if (cells > _limits.MaxCellsPerNode)
        {
            throw new PipelineException([PipelineError.InPipeline(node.Ref, $"would be evaluated at {RuntimeLimits.DescribeCells(cells)} ({string.Join(" x ", request.Dims.Zip(request.Shape, (d, s) => $"{d}: {s}"))}); a node may produce at most {_limits.MaxCellsPerNode:N0} (limits.maxCellsPerNode)")]);
        }
        if (TimeUnits.FindUnrepresentable(request) is { } problem)
        {
            // A Convolution over time grows its source's request; past year 9999 no date can be formed.
            throw new PipelineException([PipelineError.InPipeline(node.Ref, "would be evaluated at coordinates where " + problem)]);
        }
        var nodeKey = _keys.NodeKey(node.Ref);
        var resultKey = NodeKeys.ResultKey(nodeKey, request.Key);
        if (_byKey.TryGetValue(resultKey, out var existing))
        {
            if (existing.AddRef(node.Ref))
            {
                AddByRef(node.Ref, existing);
            }
            return existing;
        }
        var pn = new PlanNode(node, request, nodeKey, resultKey);
        _byKey[resultKey] = pn;
        Nodes.Add(pn);
        AddByRef(node.Ref, pn);
        queue.Enqueue(pn);
        return pn;
    }

    /// <summary>
    /// Keeps <see cref="ByRef"/> as it goes: the first evaluation of a ref planned, replaced once by the first one at the
    /// request's coordinates (what picking from every evaluation in planning order gives, without a list per ref).
    /// </summary>
    private void AddByRef(string r, PlanNode pn)
    {
        ref var primary = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(ByRef, r, out bool exists);
        if (!exists || (primary!.Request.Key != _requestKey && pn.Request.Key == _requestKey))
        {
            primary = pn;
        }
    }

    /// <summary>
    /// Marks what the request needs: from the root down, stopping at nodes the cache holds. Probes each needed node
    /// once.
    /// </summary>
    public async Task ProbeAsync(IMemoCache cache, IResultCatalog? catalog, CancellationToken cancellationToken)
    {
        var queue = new Queue<PlanNode>();
        Root.Needed = true;
        queue.Enqueue(Root);
        while (queue.Count > 0)
        {
            var pn = queue.Dequeue();
            if (pn.Node.Cache.Enabled)
            {
                pn.ProbeTier = await cache.ProbeAsync(pn.ResultKey, cancellationToken).ConfigureAwait(false);
            }
            if (pn.ProbeTier is null && catalog is not null && pn.Node.Cache.Enabled && SubsetReuse.IsEligible(pn.Request)
                && IsSliceable(pn.Node.Ref))
            {
                await FindSupersetAsync(pn, cache, catalog, cancellationToken).ConfigureAwait(false);
            }
            if (pn.ProbeTier is not null)
            {
                continue;
            }
            foreach (var child in pn.InputNodes)
            {
                if (!child.Needed)
                {
                    child.Needed = true;
                    queue.Enqueue(child);
                }
            }
        }
        foreach (var pn in Nodes)
        {
            pn.Status = !pn.Needed ? CacheStatus.Pruned : pn.ProbeTier is { } t ? CacheStatus.Hit(t) : CacheStatus.Computed;
        }
    }
}
