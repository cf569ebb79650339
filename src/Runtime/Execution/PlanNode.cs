using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>One evaluation in a plan: a node at coordinates. Refs that resolve to the same ResultKey share it.</summary>
internal sealed class PlanNode
{
    /// <summary>When the node's job first ran (UTC), for its trace span; set only while a run is traced.</summary>
    public DateTime TraceStart;

    public PlanNode(PipelineNode node, Coordinates request, Key nodeKey, Key resultKey)
    {
        Node = node;
        Request = request;
        NodeKey = nodeKey;
        ResultKey = resultKey;
        InputNodes = node.Slots.Count == 0 ? [] : new PlanNode[node.Slots.Count];
    }

    public PipelineNode Node { get; }

    /// <summary>
    /// Records that <paramref name="nodeRef"/> also resolves to this evaluation; false when it was known (the node's own
    /// ref, or added before). A list only for the rare evaluation that several refs share.
    /// </summary>
    public bool AddRef(string nodeRef)
    {
        if (nodeRef == Node.Ref || (_otherRefs?.Contains(nodeRef) ?? false))
        {
            return false;
        }
        (_otherRefs ??= []).Add(nodeRef);
        return true;
    }

    private List<string>? _otherRefs;

    public Coordinates Request { get; }

    public Key NodeKey { get; }

    public Key ResultKey { get; }

    /// <summary>The evaluation feeding each input slot, in <see cref="PipelineNode.Slots"/> order (all set by the plan).</summary>
    /// <remarks>An array, not a table by slot name: one per planned node, and most nodes have one or two slots.</remarks>
    public PlanNode[] InputNodes { get; }

    /// <summary>The evaluation feeding <paramref name="slot"/>.</summary>
    /// <exception cref="KeyNotFoundException">The node has no such slot.</exception>
    public PlanNode Input(string slot) =>
        TryGetInput(slot, out var input) ? input : throw new KeyNotFoundException($"node '{Node.Ref}' has no input slot '{slot}'");

    /// <summary>The evaluation feeding <paramref name="slot"/>, when the node has that slot.</summary>
    public bool TryGetInput(string slot, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PlanNode? input)
    {
        int i = Node.SlotIndex(slot);
        input = i < 0 ? null : InputNodes[i];
        return input is not null;
    }

    /// <summary>Tier holding the result at plan time, if any.</summary>
    public string? ProbeTier { get; set; }

    /// <summary>A cached larger result this node is sliced from, when the plan found one.</summary>
    public SubsetReuse.Source? SliceSource { get; set; }

    /// <summary>True when the plan needs this node (not under a hit).</summary>
    public bool Needed { get; set; }

    // Execution state, owned by the executor.
    public TaskCompletionSource<DataArray>? Completion { get; set; }

    public CacheStatus Status { get; set; } = CacheStatus.Pruned;

    /// <summary>The input slots requested so far, each once, in the order requested (set when the node is first scheduled to compute).</summary>
    /// <remarks>Usually the list <see cref="Nodes.Node.InitialInputs"/> returned (the node's own slots), shared, not copied;
    /// replaced by a longer copy when the node asks for one more.</remarks>
    public IReadOnlyList<string> RequestedSlots { get; set; } = [];

    /// <summary>
    /// The first node counting down on this one's completion; the rest (one entry per input slot fed) are in
    /// <see cref="MoreWaiters"/>. Both null once completed. Most nodes feed one slot: no list for them.
    /// </summary>
    public PlanNode? Waiter { get; set; }

    /// <summary>The waiters after <see cref="Waiter"/>, in the order they registered.</summary>
    public List<PlanNode>? MoreWaiters { get; set; }

    /// <summary>The inputs the node's next job waits for.</summary>
    public PlanNode[] Awaiting { get; set; } = [];

    /// <summary>How many of <see cref="Awaiting"/> have not completed yet (plus one while they are being requested).</summary>
    public int Pending;

    /// <summary>The next job asks the remote evaluator instead of computing.</summary>
    public bool AskRemote { get; set; }

    public double Seconds { get; set; }

    public long Bytes { get; set; }
}
