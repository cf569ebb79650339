namespace PodCache.Cluster;

/// <summary>Counters behind <see cref="ClusterStatistics"/>, updated from actors and callers without locks.</summary>
internal sealed class ClusterCounters
{
    public long Requests, LocalAnswers, InlineAnswers, FetchedAnswers, Resends, Timeouts, Failures, OwnerComputations, OwnerJoins;

    public long BatchesSent, BatchNodes, BatchesReceived, PushesSent, PushesUsed, PushFallbacks, BatchesSkipped;

    public ClusterStatistics Snapshot() => new(
        Interlocked.Read(ref Requests), Interlocked.Read(ref LocalAnswers), Interlocked.Read(ref InlineAnswers),
        Interlocked.Read(ref FetchedAnswers), Interlocked.Read(ref Resends), Interlocked.Read(ref Timeouts),
        Interlocked.Read(ref Failures), Interlocked.Read(ref OwnerComputations), Interlocked.Read(ref OwnerJoins))
    {
        BatchesSent = Interlocked.Read(ref BatchesSent),
        BatchNodes = Interlocked.Read(ref BatchNodes),
        BatchesReceived = Interlocked.Read(ref BatchesReceived),
        PushesSent = Interlocked.Read(ref PushesSent),
        PushesUsed = Interlocked.Read(ref PushesUsed),
        PushFallbacks = Interlocked.Read(ref PushFallbacks),
        BatchesSkipped = Interlocked.Read(ref BatchesSkipped),
    };
}
