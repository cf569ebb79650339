using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester: the owner's handler failed (or refused the request).</summary>
internal sealed record KeyFailed(Key Key, string Owner, string Error, int Attempt) : IClusterMessage;
