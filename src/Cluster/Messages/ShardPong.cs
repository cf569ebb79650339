namespace PodCache.Cluster.Messages;

/// <summary>Answer to <see cref="ShardPing"/>: the shard's owner.</summary>
internal sealed record ShardPong(int Shard, string Owner) : IClusterMessage;
