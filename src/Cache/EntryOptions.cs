using PodCache.Cache.Expiry;

namespace PodCache.Cache;

/// <summary>Per-entry cache settings: where to store it, when it expires, and whether to cache at all.</summary>
public sealed class EntryOptions
{
    /// <summary>The defaults: cache enabled, the cache's default tiers, no expiry.</summary>
    public static EntryOptions Default { get; } = new();

    /// <summary>False to compute without storing (PODPAC's <c>cache_output = False</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Tiers to write to; null for the cache's default tiers.</summary>
    public IReadOnlyList<string>? Tiers { get; init; }

    /// <summary>When the entry stops being served; null for never.</summary>
    public ExpiryRule? Expires { get; init; }

    /// <summary>Provenance JSON stored with disk and S3 entries; null for none.</summary>
    public string? Provenance { get; init; }

    /// <summary>
    /// Builds the provenance JSON only when a disk or S3 tier writes the entry (it can be large: the whole subgraph);
    /// used when <see cref="Provenance"/> is null.
    /// </summary>
    public Func<string?>? ProvenanceFactory { get; init; }
}
