using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// Greedy-Dual-Size-Frequency (Cherkasova 1998): priority <c>H = L + hits × cost / size</c>, recomputed on each
/// insert and read.
/// </summary>
/// <remarks>
/// <para>
/// <c>hits</c> counts the entry's insert and reads; <c>cost</c> is the measured recompute time in seconds, floored
/// at <see cref="CostFloorSeconds"/> so that entries measured as free are still ordered by size and frequency;
/// <c>size</c> is in bytes (at least 1). <c>L</c> starts at 0 and rises to the priority of a removed entry
/// whenever that entry was the lowest-priority one (an eviction, or an expiry that would have been one), so
/// entries not touched for a long time are eventually overtaken. Equal priorities go to the least recently
/// touched entry first.
/// </para>
/// <para>
/// Textbook arithmetic in linear space: when <c>L</c> has grown far beyond an entry's <c>hits × cost / size</c>,
/// doubles can no longer tell such entries apart and they fall back to recency order. The hit count is not
/// decayed; see <see cref="CostAwarePolicy"/> for a variant that decays it. All operations are O(log n).
/// </para>
/// </remarks>
public sealed class GdsfPolicy : IEvictionPolicy
{
    /// <summary>The least cost, in seconds, an entry is charged (1e-6).</summary>
    public const double CostFloorSeconds = 1e-6;

    private readonly ScoredEntries _entries = new();
    private double _inflation;

    /// <inheritdoc/>
    public string Name => "gdsf";

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        var weight = CostPerByte(sizeBytes, costSeconds);
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

    /// <summary>The entry's current priority <c>H = L + hits × cost / size</c> (lower leaves first).</summary>
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

    internal static double CostPerByte(long sizeBytes, double costSeconds)
    {
        // NaN or negative measurements count as the floor; an infinite one as the largest finite cost.
        var cost = costSeconds >= CostFloorSeconds ? Math.Min(costSeconds, double.MaxValue) : CostFloorSeconds;
        return cost / Math.Max(sizeBytes, 1);
    }

    private void Touch(ScoredEntry entry)
    {
        entry.Frequency++;
        _entries.Update(entry, _inflation + (entry.Frequency * entry.Weight));
    }
}
