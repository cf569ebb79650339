namespace PodCache.Cluster.Messages;

/// <summary>
/// Requester → one owner's batch actor: the nodes of one run that this owner owns, in one message. The owner produces
/// each (through its key's entity, so a key is still computed once cluster-wide) and pushes each value to the members
/// listed as its consumers; it waits for the pushes of the inputs listed as coming from other owners instead of
/// asking for them.
/// </summary>
/// <param name="Requester">The member whose run this is.</param>
/// <param name="ShardCount">The requester's shard count; an owner with another count ignores the batch.</param>
/// <param name="Items">The nodes, inputs before the nodes that read them.</param>
internal sealed record OwnerBatch(string Requester, int ShardCount, IReadOnlyList<BatchItem> Items) : IClusterMessage;
