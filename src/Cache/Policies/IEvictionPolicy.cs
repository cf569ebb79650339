using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// Decides which entry leaves a tier first. Fed with each entry's size, recompute cost, accesses and time.
/// Not thread-safe: the owning tier serialises calls. The policy simulator replays traces through the same
/// implementations.
/// </summary>
public interface IEvictionPolicy
{
    /// <summary>The policy's configuration name, e.g. <c>lru</c>.</summary>
    string Name { get; }

    /// <summary>Number of entries tracked.</summary>
    int Count { get; }

    /// <summary>An entry was admitted.</summary>
    void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now);

    /// <summary>An entry was read.</summary>
    void OnAccess(Key key, DateTimeOffset now);

    /// <summary>An entry left the tier (evicted, expired or deleted).</summary>
    void OnRemove(Key key);

    /// <summary>The entry to evict next, if any is tracked.</summary>
    bool TryPeekVictim(out Key key);
}
