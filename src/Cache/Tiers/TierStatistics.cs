namespace PodCache.Cache.Tiers;

/// <summary>A snapshot of one tier's counters.</summary>
/// <param name="Tier">The tier's name.</param>
/// <param name="Entries">Live entries.</param>
/// <param name="Bytes">Bytes held.</param>
/// <param name="MaxBytes">The tier's budget in bytes.</param>
/// <param name="Hits">Lookups that found a live entry.</param>
/// <param name="Misses">Lookups that found nothing.</param>
/// <param name="Evictions">Entries removed to respect the budget.</param>
/// <param name="Expirations">Entries removed because they expired.</param>
public sealed record TierStatistics(
    string Tier, long Entries, long Bytes, long MaxBytes, long Hits, long Misses, long Evictions, long Expirations);
