using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// The shared core of the priority-ordered policies (<see cref="CostAwarePolicy"/>, <see cref="GdsfPolicy"/>,
/// <see cref="GdsPolicy"/>, <see cref="LfuPolicy"/>, <see cref="CacheyPolicy"/>): entries in a heap on (priority,
/// last touch), the lowest evicted first, and the Greedy-Dual inflation value <c>L</c>.
/// </summary>
/// <remarks>
/// <para>
/// A policy supplies an entry's weight (from size and cost), how a touch changes its frequency, and its priority
/// from weight and frequency. On insert the entry takes the new weight; on insert and read its frequency is advanced
/// and its priority recomputed. <c>L</c> rises to the priority of a removed entry whenever that entry was the
/// lowest-priority one (an eviction, or an expiry that would have been one); the policies that age by it add it
/// into their priority. All operations are O(log n). Only this assembly can derive from it.
/// </para>
/// </remarks>
public abstract class PriorityPolicy : IEvictionPolicy, IAccessHandles
{
    /// <summary>Creates the policy.</summary>
    /// <param name="name">The configuration name.</param>
    /// <param name="inflation">The starting value of <c>L</c>.</param>
    private protected PriorityPolicy(string name, double inflation = 0)
    {
        Name = name;
        Inflation = inflation;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => Entries.Count;

    /// <summary>The tracked entries.</summary>
    private protected ScoredEntries Entries { get; } = new();

    /// <summary><c>L</c>: the highest priority a removed lowest-priority entry had.</summary>
    private protected double Inflation { get; set; }

    /// <summary>The frequency a newly tracked entry starts with.</summary>
    private protected virtual double FirstFrequency => 1;

    /// <summary>The frequency a newly tracked <paramref name="key"/> starts with; <see cref="FirstFrequency"/> by default.</summary>
    private protected virtual double FirstFrequencyOf(Key key) => FirstFrequency;

    /// <summary>Called once an entry is no longer tracked (evicted, expired or deleted); nothing by default.</summary>
    private protected virtual void Removed(ScoredEntry entry)
    {
    }

    /// <summary>
    /// True when a read can only raise an entry's priority, so the heap may re-key it lazily
    /// (<see cref="ScoredEntries.UpdateLazily"/>).
    /// </summary>
    private protected virtual bool ReadsOnlyRaisePriority => false;

    /// <inheritdoc/>
    public virtual void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        Advance(now);
        var weight = Weight(sizeBytes, costSeconds);
        if (Entries.TryGet(key, out var entry))
        {
            // A new weight may lower the priority: re-key now.
            entry.Weight = weight;
            Touch(entry, lazily: false);
            return;
        }
        var frequency = FirstFrequencyOf(key);
        Entries.Add(key, weight, frequency, Priority(weight, frequency));
    }

    /// <inheritdoc/>
    public void OnAccess(Key key, DateTimeOffset now)
    {
        if (Entries.TryGet(key, out var entry))
        {
            OnAccess(entry, now);
        }
    }

    /// <inheritdoc/>
    object? IAccessHandles.HandleOf(Key key) => Entries.TryGet(key, out var entry) ? entry : null;

    /// <inheritdoc/>
    void IAccessHandles.OnAccess(object handle, int reads, DateTimeOffset now)
    {
        var entry = (ScoredEntry)handle;
        System.Diagnostics.Debug.Assert(Entries.TryGet(entry.Key, out var tracked) && tracked == entry, "a handle used after its key was removed");
        if (reads > 0)
        {
            OnAccesses(entry, reads, now);
        }
    }

    /// <summary>
    /// <paramref name="reads"/> (at least one) reads of the tracked <paramref name="entry"/> told at once; one
    /// <see cref="OnAccess(ScoredEntry, DateTimeOffset)"/> per read by default. A policy may fold them into one update.
    /// </summary>
    private protected virtual void OnAccesses(ScoredEntry entry, int reads, DateTimeOffset now)
    {
        for (int i = 0; i < reads; i++)
        {
            OnAccess(entry, now);
        }
    }

    /// <summary>Sets the tracked <paramref name="entry"/>'s frequency and re-keys it (lazily when reads only raise priority).</summary>
    private protected void SetFrequency(ScoredEntry entry, double frequency)
    {
        entry.Frequency = frequency;
        var priority = Priority(entry.Weight, frequency);
        if (ReadsOnlyRaisePriority)
        {
            Entries.UpdateLazily(entry, priority);
        }
        else
        {
            Entries.Update(entry, priority);
        }
    }

    /// <summary>A read of the tracked <paramref name="entry"/>: advances the clock and touches it by default.</summary>
    private protected virtual void OnAccess(ScoredEntry entry, DateTimeOffset now)
    {
        Advance(now);
        Touch(entry, ReadsOnlyRaisePriority);
    }

    /// <inheritdoc/>
    public void OnRemove(Key key)
    {
        if (Entries.Remove(key, out var entry, out var wasVictim))
        {
            if (wasVictim)
            {
                Inflation = Math.Max(Inflation, entry.Priority);
            }
            Removed(entry);
        }
    }

    /// <inheritdoc/>
    public bool TryPeekVictim(out Key key)
    {
        if (Entries.TryPeekMin(out var entry))
        {
            key = entry.Key;
            return true;
        }
        key = default;
        return false;
    }

    /// <summary>The entry's current priority (lower leaves first), as the policy's remarks define it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="priority">The priority, when tracked.</param>
    /// <returns>True when the key is tracked.</returns>
    public bool TryGetPriority(Key key, out double priority)
    {
        if (Entries.TryGet(key, out var entry))
        {
            priority = entry.CurrentPriority;
            return true;
        }
        priority = 0;
        return false;
    }

    /// <summary>Moves the policy's clock to <paramref name="now"/> before a touch; nothing by default.</summary>
    private protected virtual void Advance(DateTimeOffset now)
    {
    }

    /// <summary>The entry's value weight, e.g. cost per byte.</summary>
    private protected abstract double Weight(long sizeBytes, double costSeconds);

    /// <summary>The frequency after one more touch; counts touches by default.</summary>
    private protected virtual double NextFrequency(double frequency) => frequency + 1;

    /// <summary>The priority of an entry with this weight and frequency.</summary>
    private protected abstract double Priority(double weight, double frequency);

    private void Touch(ScoredEntry entry, bool lazily)
    {
        entry.Frequency = NextFrequency(entry.Frequency);
        var priority = Priority(entry.Weight, entry.Frequency);
        if (lazily)
        {
            Entries.UpdateLazily(entry, priority);
        }
        else
        {
            Entries.Update(entry, priority);
        }
    }
}
