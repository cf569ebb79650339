using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester: the value's bytes. Sent between members only up to the inline limit; a requester in the
/// owner's own process may receive a larger one, since local messages are never serialized.</summary>
internal sealed record KeyInline(Key Key, byte[] Data, string Owner, string OwnerStatus, double Seconds, int Attempt) : IClusterMessage;
