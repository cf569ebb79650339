using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>What the owner of a key receives: the key, and the requester's opaque description of how to compute it.</summary>
public sealed class ClusterComputeRequest
{
    internal ClusterComputeRequest(Key key, ReadOnlyMemory<byte> payload, string requester)
    {
        Key = key;
        Payload = payload;
        Requester = requester;
    }

    /// <summary>The key to produce.</summary>
    public Key Key { get; }

    /// <summary>The bytes the requester passed to <see cref="ClusterSingleFlight.GetOrComputeAsync"/> (untrusted: validate them).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The Akka address of the member whose request started the computation.</summary>
    public string Requester { get; }
}
