using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;

namespace PodCache.Cache;

/// <summary>
/// The memoizing cache: the C# counterpart of PODPAC's <c>cached_property(dependson, expiresin, key_spec)</c>,
/// usable with or without pipelines. Reads go through the tiers in order and promote on hit.
/// </summary>
public interface IMemoCache
{
    /// <summary>The tiers, in read order.</summary>
    IReadOnlyList<ICacheTier> Tiers { get; }

    /// <summary>The live entry for <paramref name="key"/> from the first tier that has it, or null.</summary>
    ValueTask<CacheLookup?> GetAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>The name of the first tier holding a live entry, without loading it; null when none does.</summary>
    ValueTask<string?> ProbeAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>Stores a value in the tiers <paramref name="options"/> name.</summary>
    ValueTask PutAsync(Key key, ICacheValue value, EntryOptions? options = null, double computeSeconds = 0,
        CancellationToken cancellationToken = default);

    /// <summary>Removes the key from every tier; true when any tier held it.</summary>
    ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The cached value, or the factory's, computed once however many callers ask at the same time
    /// (single-flight), timed, and stored.
    /// </summary>
    Task<CacheOutcome<T>> GetOrComputeAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
        EntryOptions? options = null, CancellationToken cancellationToken = default) where T : ICacheValue;
}
