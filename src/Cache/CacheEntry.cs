using PodCache.Cache.Keys;

namespace PodCache.Cache;

/// <summary>One cached value with the metadata every tier keeps: size, creation, expiry and recompute cost.</summary>
public sealed class CacheEntry
{
    /// <summary>Creates an entry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative size or cost.</exception>
    public CacheEntry(Key key, ICacheValue value, DateTimeOffset created, DateTimeOffset? expires, double computeSeconds,
        string? provenance = null)
    {
        _provenance = provenance;
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(computeSeconds);
        Key = key;
        Value = value;
        SizeBytes = value.SizeBytes;
        ArgumentOutOfRangeException.ThrowIfNegative(SizeBytes);
        Created = created;
        Expires = expires;
        ComputeSeconds = computeSeconds;
    }

    /// <summary>The key the value is stored under.</summary>
    public Key Key { get; }

    /// <summary>The value.</summary>
    public ICacheValue Value { get; }

    /// <summary>Bytes the value occupies.</summary>
    public long SizeBytes { get; }

    /// <summary>When the value was computed.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>When the value stops being served; null for never.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>Measured seconds it took to compute the value: its recompute cost.</summary>
    public double ComputeSeconds { get; }

    /// <summary>
    /// Provenance as JSON text (what produced the value: subgraph, coordinates, versions, host); null when unknown.
    /// </summary>
    /// <remarks>May be produced lazily (see <see cref="ProvenanceFactory"/>): RAM entries never pay for it.</remarks>
    public string? Provenance => _provenance ??= ProvenanceFactory?.Invoke();

    /// <summary>Builds the provenance on first use, when a byte-storing tier writes the entry.</summary>
    public Func<string?>? ProvenanceFactory { get; init; }

    private string? _provenance;

    /// <summary>The tiers the entry's options allow (null: the cache's defaults); RAM eviction demotes only into these.</summary>
    public IReadOnlyList<string>? AllowedTiers { get; init; }

    /// <summary>True when the entry must no longer be served at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => Expires is { } e && now >= e;
}
