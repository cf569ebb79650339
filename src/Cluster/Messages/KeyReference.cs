using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Entity → requester: the value is stored on the owner (and maybe in the shared S3 tier); fetch it through the
/// side channel, never through Akka.</summary>
internal sealed record KeyReference(Key Key, long Length, string Owner, string? OwnerHttpUrl, string OwnerStatus, double Seconds, int Attempt)
    : IClusterMessage;
