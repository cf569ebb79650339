using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>One evaluation in a plan: a node at coordinates. Refs that resolve to the same ResultKey share it.</summary>
internal sealed class PlanNode
{
    public PlanNode(PipelineNode node, Coordinates request, Key nodeKey, Key resultKey)
    {
        Node = node;
        Request = request;
        NodeKey = nodeKey;
        ResultKey = resultKey;
        Refs = new List<string>(1) { node.Ref };
        Inputs = new Dictionary<string, PlanNode>(node.Slots.Count, StringComparer.Ordinal);
    }

    public PipelineNode Node { get; }

    public List<string> Refs { get; }

    public Coordinates Request { get; }

    public Key NodeKey { get; }

    public Key ResultKey { get; }

    public Dictionary<string, PlanNode> Inputs { get; }

    /// <summary>Tier holding the result at plan time, if any.</summary>
    public string? ProbeTier { get; set; }

    /// <summary>A cached larger result this node is sliced from, when the plan found one.</summary>
    public SubsetReuse.Source? SliceSource { get; set; }

    /// <summary>True when the plan needs this node (not under a hit).</summary>
    public bool Needed { get; set; }

    // Execution state, owned by the executor.
    public TaskCompletionSource<DataArray>? Completion { get; set; }

    public CacheStatus Status { get; set; } = CacheStatus.Pruned;

    /// <summary>
    /// The input slots requested so far, each once, in the order requested (created when the node is first scheduled to
    /// compute). A list: nodes have few slots, and a 1,000-input fan-in adds them all at once.
    /// </summary>
    public List<string> RequestedSlots => _requestedSlots ??= new List<string>(Node.Slots.Count);

    private List<string>? _requestedSlots;

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
