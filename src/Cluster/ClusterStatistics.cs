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
    long Timeouts, long Failures, long OwnerComputations, long OwnerJoins);
