using PodCache.Cache.Tiers;

namespace PodCache.Notebooks;

/// <summary>A snapshot of every tier's counters, displayed in a notebook as a table.</summary>
public sealed class CacheStatistics
{
    /// <summary>Creates a snapshot.</summary>
    public CacheStatistics(IEnumerable<TierStatistics> tiers, DateTimeOffset taken)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        Tiers = tiers.ToArray();
        Taken = taken;
    }

    /// <summary>One entry per tier, in read order (RAM first).</summary>
    public IReadOnlyList<TierStatistics> Tiers { get; }

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset Taken { get; }

    /// <summary>The tier named <paramref name="tier"/> (<c>ram</c>, <c>disk</c>, ...), or null.</summary>
    public TierStatistics? this[string tier] => Tiers.FirstOrDefault(t => t.Tier == tier);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(Environment.NewLine, Tiers.Select(t =>
            $"{t.Tier}: {t.Entries} entries, {t.Bytes} bytes of {t.MaxBytes}, {t.Hits} hits, {t.Misses} misses, {t.Evictions} evictions, {t.Expirations} expirations"));
}
