using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester: the owner is handing its shard off and gave up the computation; send the request again
/// (it reaches the new owner). Safe to resend: this is an answer, not a timeout.</summary>
internal sealed record KeyRetry(Key Key, string Owner, string Reason, int Attempt) : IClusterMessage;
