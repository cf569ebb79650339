using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>Where to fetch a value too large to travel inside an Akka message.</summary>
public sealed class ClusterReference
{
    internal ClusterReference(Key key, long length, string owner, Uri? ownerHttpUrl)
    {
        Key = key;
        Length = length;
        Owner = owner;
        OwnerHttpUrl = ownerHttpUrl;
    }

    /// <summary>The key.</summary>
    public Key Key { get; }

    /// <summary>The value's length in bytes, as the owner reported it.</summary>
    public long Length { get; }

    /// <summary>The owner's Akka address.</summary>
    public string Owner { get; }

    /// <summary>The owner's HTTP base URL (serving <c>/v1/entries/{key}/data</c>), or null when it advertises none.</summary>
    public Uri? OwnerHttpUrl { get; }
}
