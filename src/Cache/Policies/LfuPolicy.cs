using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// Least frequently used first, with dynamic aging (LFU-DA): priority <c>K = L + hits</c>, where <c>hits</c> counts
/// the entry's insert and reads and <c>K</c> is recomputed on each of them.
/// </summary>
/// <remarks>
/// <para>
/// <c>L</c> starts at 0 and rises to the priority of a removed entry whenever that entry was the lowest-priority
/// one (an eviction, or an expiry that would have been one). A newcomer therefore starts at <c>L + 1</c>, just
/// above the last victim, and an entry with many old hits but no recent ones is overtaken as <c>L</c> climbs past
/// its count, instead of staying for ever as in plain LFU. Aging is by this inflation only; counts are never
/// halved. Equal priorities go to the least recently touched entry first. Sizes and costs are ignored.
/// </para>
/// <para>All operations are O(log n). Priorities are integers held exactly in a double up to 2^53.</para>
/// </remarks>
public sealed class LfuPolicy : IEvictionPolicy
{
    private readonly ScoredEntries _entries = new();
    private double _inflation;

    /// <inheritdoc/>
    public string Name => "lfu";

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        if (_entries.TryGet(key, out var entry))
        {
            Touch(entry);
            return;
        }
        _entries.Add(key, weight: 1, frequency: 1, priority: _inflation + 1);
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

    /// <summary>The entry's current priority <c>K = L + hits</c> (lower leaves first).</summary>
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

    private void Touch(ScoredEntry entry)
    {
        entry.Frequency++;
        _entries.Update(entry, _inflation + entry.Frequency);
    }
}
