using PodCache.Cache.Keys;

namespace PodCache.Cache.Tiers;

/// <summary>
/// One level of the cache (RAM, disk, S3). Every tier passes the same contract tests; the tiered store
/// composes them. Implementations are thread-safe and never serve an expired entry.
/// </summary>
public interface ICacheTier
{
    /// <summary>The tier's name (<see cref="TierNames"/>).</summary>
    string Name { get; }

    /// <summary>The entry for <paramref name="key"/>, or null when absent or expired. A hit counts as an access.</summary>
    ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>True when a live entry exists, without loading it or counting an access.</summary>
    ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) an entry, evicting others as the tier's budget requires.</summary>
    ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry; false when there was none.</summary>
    ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the tier's counters.</summary>
    TierStatistics GetStatistics();
}
