using System.Diagnostics.CodeAnalysis;

namespace PodCache.Cache;

/// <summary>How a value was obtained (or would be, in a plan): computed, a hit in a named tier, or not needed.</summary>
/// <remarks>
/// Code decides on <see cref="Kind"/> and <see cref="Tier"/>. The text form (<see cref="ToString"/>:
/// <c>computed</c>, <c>hit:ram</c>, <c>hit:disk</c>, <c>hit:s3</c>, <c>hit:remote</c>, <c>pruned</c>) is the run-manifest
/// status of SPEC §5, written where a status is serialized and read back only by <see cref="TryParse"/> where a
/// serialized one is loaded (a saved manifest, a cluster message).
/// </remarks>
public readonly record struct CacheStatus
{
    private const string HitPrefix = "hit:";
    private readonly string? _tier;

    private CacheStatus(CacheStatusKind kind, string? tier)
    {
        Kind = kind;
        _tier = tier;
    }

    /// <summary>Computed by this caller.</summary>
    public static CacheStatus Computed { get; } = new(CacheStatusKind.Computed, null);

    /// <summary>Not needed: a consumer was served from the cache.</summary>
    public static CacheStatus Pruned { get; } = new(CacheStatusKind.Pruned, null);

    /// <summary>What happened.</summary>
    public CacheStatusKind Kind { get; }

    /// <summary>The tier that answered a hit (<see cref="TierNames"/>, e.g. <c>ram</c> or <c>remote</c>); null otherwise.</summary>
    public string? Tier => _tier;

    /// <summary>True for a hit in any tier.</summary>
    public bool IsHit => Kind == CacheStatusKind.Hit;

    /// <summary>A hit in the named tier.</summary>
    /// <param name="tier">The tier's name (<see cref="TierNames"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="tier"/> is null or empty.</exception>
    public static CacheStatus Hit(string tier)
    {
        ArgumentException.ThrowIfNullOrEmpty(tier);
        return new(CacheStatusKind.Hit, tier);
    }

    /// <summary>The manifest text: <c>computed</c>, <c>pruned</c> or <c>hit:TIER</c>.</summary>
    public override string ToString() => Kind switch
    {
        CacheStatusKind.Computed => "computed",
        CacheStatusKind.Pruned => "pruned",
        _ => _tier switch
        {
            TierNames.Ram => "hit:ram",
            TierNames.Disk => "hit:disk",
            TierNames.S3 => "hit:s3",
            TierNames.Remote => "hit:remote",
            _ => HitPrefix + _tier,
        },
    };

    /// <summary>Reads the manifest text of a status, where a serialized one is loaded.</summary>
    /// <param name="text">The text, as <see cref="ToString"/> writes it.</param>
    /// <param name="status">The status, when the text is one.</param>
    /// <returns>True when <paramref name="text"/> is a status.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out CacheStatus status)
    {
        switch (text)
        {
            case "computed":
                status = Computed;
                return true;
            case "pruned":
                status = Pruned;
                return true;
            case not null when text.StartsWith(HitPrefix, StringComparison.Ordinal) && text.Length > HitPrefix.Length:
                status = Hit(text[HitPrefix.Length..]);
                return true;
            default:
                status = default;
                return false;
        }
    }
}
