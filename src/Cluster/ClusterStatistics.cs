namespace PodCache.Cluster;

/// <summary>Counters of one member's cluster single-flight since it started.</summary>
/// <param name="Requests">Calls of <see cref="ClusterSingleFlight.GetOrComputeAsync"/> on this member.</param>
/// <param name="LocalAnswers">Answers from this member acting as owner.</param>
/// <param name="InlineAnswers">Answers from other members with the bytes inline.</param>
/// <param name="FetchedAnswers">Answers by reference, fetched through the side channel.</param>
/// <param name="Resends">Requests sent again after an owner handed its shard off or was lost.</param>
/// <param name="Timeouts">Requests that timed out (never retried).</param>
/// <param name="Failures">Requests that failed otherwise.</param>
/// <param name="OwnerComputations">Handler calls this member made as owner.</param>
/// <param name="OwnerJoins">Requests this member, as owner, joined to a handler call already running.</param>
public sealed record ClusterStatistics(long Requests, long LocalAnswers, long InlineAnswers, long FetchedAnswers, long Resends,
    long Timeouts, long Failures, long OwnerComputations, long OwnerJoins)
{
    /// <summary>Owner batches this member sent to other members: one per owner per run that missed (not one per node).</summary>
    public long BatchesSent { get; init; }

    /// <summary>Nodes carried by those batches (<see cref="BatchNodes"/> / <see cref="BatchesSent"/> is the nodes per message).</summary>
    public long BatchNodes { get; init; }

    /// <summary>Owner batches this member received (from others or itself) and started.</summary>
    public long BatchesReceived { get; init; }

    /// <summary>Values (or failures) this member, as owner, pushed to the members that consume them.</summary>
    public long PushesSent { get; init; }

    /// <summary>Inputs this member took from a push instead of asking their owner.</summary>
    public long PushesUsed { get; init; }

    /// <summary>Expected pushes that did not come in time (or said "ask the owner"): the input was asked for after all.</summary>
    public long PushFallbacks { get; init; }

    /// <summary>
    /// Runs batched only in part (nodes never cached, or whose owner is not known yet, are asked per node) or not at all
    /// (a batch too large).
    /// </summary>
    public long BatchesSkipped { get; init; }
}
