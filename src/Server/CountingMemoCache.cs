using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;

namespace PodCache.Server;

/// <summary>
/// Passes everything to the member's cache and counts, at the one place every node evaluation goes through, what
/// the executor got: a computation (only the single-flight leader's counts) or a hit in some tier. Counting here
/// rather than from manifests also counts evaluations a manifest does not list (a node needed at two extents).
/// </summary>
internal sealed class CountingMemoCache(IMemoCache inner, MemberCounters counters) : IMemoCache
{
    /// <inheritdoc/>
    public IReadOnlyList<ICacheTier> Tiers => inner.Tiers;

    /// <inheritdoc/>
    public async ValueTask<CacheLookup?> GetAsync(Key key, CancellationToken cancellationToken = default)
    {
        var lookup = await inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (lookup is not null)
        {
            counters.RecordHit(lookup.Tier);
        }
        return lookup;
    }

    /// <inheritdoc/>
    public ValueTask<string?> ProbeAsync(Key key, CancellationToken cancellationToken = default) =>
        inner.ProbeAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutAsync(Key key, ICacheValue value, EntryOptions? options = null, double computeSeconds = 0,
        CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, value, options, computeSeconds, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, cancellationToken);

    /// <inheritdoc/>
    public async Task<CacheOutcome<T>> GetOrComputeAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
        EntryOptions? options = null, CancellationToken cancellationToken = default) where T : ICacheValue
    {
        var outcome = await inner.GetOrComputeAsync(key, factory, options, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == CacheStatus.Computed)
        {
            counters.RecordComputed();
        }
        else if (outcome.Status.Tier is { } tier)
        {
            counters.RecordHit(tier);
        }
        return outcome;
    }
}
