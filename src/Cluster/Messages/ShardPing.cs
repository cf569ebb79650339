namespace PodCache.Cluster.Messages;

/// <summary>Member → shard <paramref name="Shard"/>: makes the coordinator allocate the shard now, so that every shard has
/// an owner (and budget shares add up) before the first key of it is asked for.</summary>
internal sealed record ShardPing(int Shard) : IClusterMessage;
