namespace PodCache.Cluster;

/// <summary>How a <see cref="ClusterResult"/> reached the requester.</summary>
public enum ClusterDelivery
{
    /// <summary>This member owns the key: the bytes came straight from the handler, or (when
    /// <see cref="ClusterResult.Data"/> is null) the value is in this member's own tiers.</summary>
    Local,

    /// <summary>Another member owns the key and sent the bytes inside its answer.</summary>
    Inline,

    /// <summary>Another member owns the key; its answer was a reference and the fetcher got the bytes.</summary>
    Fetched,
}
