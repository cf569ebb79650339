using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>The answer to <see cref="ClusterSingleFlight.GetOrComputeAsync"/>.</summary>
public sealed class ClusterResult
{
    internal ClusterResult(Key key, byte[]? data, long length, string owner, bool ownerIsSelf, string ownerStatus,
        double computeSeconds, ClusterDelivery delivery)
    {
        Key = key;
        Data = data;
        Length = length;
        Owner = owner;
        OwnerIsSelf = ownerIsSelf;
        OwnerStatus = ownerStatus;
        ComputeSeconds = computeSeconds;
        Delivery = delivery;
    }

    /// <summary>The key.</summary>
    public Key Key { get; }

    /// <summary>
    /// The value's bytes; null only when this member owns the key and its handler returned
    /// <see cref="OwnerResult.Stored"/> — the value is then in this member's own tiers.
    /// </summary>
    public byte[]? Data { get; }

    /// <summary>The value's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The owner's Akka address.</summary>
    public string Owner { get; }

    /// <summary>True when this member owns the key (a remote owner makes the requester's status <c>hit:remote</c>).</summary>
    public bool OwnerIsSelf { get; }

    /// <summary>How the owner produced the value (<c>computed</c>, <c>hit:ram</c>, ...), as its handler said.</summary>
    public string OwnerStatus { get; }

    /// <summary>Seconds the owner spent computing.</summary>
    public double ComputeSeconds { get; }

    /// <summary>How the value reached this member.</summary>
    public ClusterDelivery Delivery { get; }
}
