using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// Greedy-Dual-Size (Cao and Irani 1997): priority <c>H = L + cost / size</c>, recomputed on each insert and read.
/// </summary>
/// <remarks>
/// <para>
/// <c>cost</c> is the measured recompute time in seconds, floored at <see cref="GdsfPolicy.CostFloorSeconds"/>;
/// <c>size</c> is in bytes (at least 1). How often an entry was read does not matter, only that it was read since
/// <c>L</c> last rose: <c>L</c> starts at 0 and rises to the priority of a removed entry whenever that entry was
/// the lowest-priority one (an eviction, or an expiry that would have been one). Equal priorities go to the least
/// recently touched entry first. All operations are O(log n).
/// </para>
/// </remarks>
public sealed class GdsPolicy : IEvictionPolicy
{
    private readonly ScoredEntries _entries = new();
    private double _inflation;

    /// <inheritdoc/>
    public string Name => "gds";

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        var weight = GdsfPolicy.CostPerByte(sizeBytes, costSeconds);
        if (_entries.TryGet(key, out var entry))
        {
            entry.Weight = weight;
            Touch(entry);
            return;
        }
        _entries.Add(key, weight, frequency: 1, priority: _inflation + weight);
    }

    /// <inheritdoc/>
    public void OnAccess(Key key, DateTimeOffset now)
    {
        if (_entries.TryGet(key, out var entry))
        {
            Touch(entry);
        }
    }

    /// <inheritdoc/>
    public void OnRemove(Key key)
    {
        if (_entries.Remove(key, out var entry, out var wasVictim) && wasVictim)
        {
            _inflation = Math.Max(_inflation, entry.Priority);
        }
    }

    /// <inheritdoc/>
    public bool TryPeekVictim(out Key key)
    {
        if (_entries.TryPeekMin(out var entry))
        {
            key = entry.Key;
            return true;
        }
        key = default;
        return false;
    }

    /// <summary>The entry's current priority <c>H = L + cost / size</c> (lower leaves first).</summary>
    /// <param name="key">The key.</param>
    /// <param name="priority">The priority, when tracked.</param>
    /// <returns>True when the key is tracked.</returns>
    public bool TryGetPriority(Key key, out double priority)
    {
        if (_entries.TryGet(key, out var entry))
        {
            priority = entry.Priority;
            return true;
        }
        priority = 0;
        return false;
    }

    private void Touch(ScoredEntry entry) => _entries.Update(entry, _inflation + entry.Weight);
}
