namespace PodCache.Cache;

/// <summary>What a <see cref="CacheStatus"/> says happened.</summary>
public enum CacheStatusKind
{
    /// <summary>Computed by this caller.</summary>
    Computed,

    /// <summary>Served from a tier (<see cref="CacheStatus.Tier"/>).</summary>
    Hit,

    /// <summary>Not needed: a consumer was served from the cache.</summary>
    Pruned,
}
