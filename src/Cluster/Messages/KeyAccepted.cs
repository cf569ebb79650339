using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester, at once: the owner has the request. The requester then watches the entity, so an owner
/// that dies is noticed without waiting for a timeout.</summary>
internal sealed record KeyAccepted(Key Key, string Owner, int Attempt) : IClusterMessage;
