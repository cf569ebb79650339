using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester: the owner's handler failed (or the owner refused the request), as a typed failure.</summary>
internal sealed record KeyFailed(Key Key, string Owner, ClusterFailure Failure, int Attempt) : IClusterMessage;
