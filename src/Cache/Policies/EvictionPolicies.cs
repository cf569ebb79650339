namespace PodCache.Cache.Policies;

/// <summary>Creates eviction policies by their configuration name.</summary>
public static class EvictionPolicies
{
    /// <summary>The name of the default policy, <see cref="CostAwarePolicy"/>.</summary>
    public const string Default = "cost-aware";

    /// <summary>
    /// Every name <see cref="Create"/> accepts: <c>cost-aware</c>, <c>lru</c>, <c>lfu</c>, <c>gdsf</c>, <c>gds</c>,
    /// <c>cachey</c>.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = [Default, "lru", "lfu", "gdsf", "gds", "cachey"];

    /// <summary>Creates a policy with its default settings.</summary>
    /// <param name="name">One of <see cref="Names"/>, case-insensitive.</param>
    /// <param name="time">
    /// The clock of the tier that will own the policy. The built-in policies take time only from the <c>now</c>
    /// their tier passes to <see cref="IEvictionPolicy.OnInsert"/> and <see cref="IEvictionPolicy.OnAccess"/>, so
    /// none of them keeps it.
    /// </param>
    /// <returns>A new, empty policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    public static IEvictionPolicy Create(string name, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            Default => new CostAwarePolicy(),
            "lru" => new LruPolicy(),
            "lfu" => new LfuPolicy(),
            "gdsf" => new GdsfPolicy(),
            "gds" => new GdsPolicy(),
            "cachey" => new CacheyPolicy(),
            _ => throw new ArgumentException(
                $"Unknown eviction policy '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
