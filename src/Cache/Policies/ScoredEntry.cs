using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// One entry tracked by a priority-ordered policy. Fields rather than properties: the heap moves these on every
/// access, and each policy reads and writes its own state directly.
/// </summary>
internal sealed class ScoredEntry(Key key)
{
    /// <summary>The entry's key.</summary>
    public Key Key { get; } = key;

    /// <summary>Lower leaves first. Owned by <see cref="ScoredEntries"/>: set it through <see cref="ScoredEntries.Update"/>.</summary>
    public double Priority;

    /// <summary>Stamp of the last touch; breaks priority ties, oldest first.</summary>
    public long Sequence;

    /// <summary>Position in the heap array; -1 once removed.</summary>
    public int HeapIndex = -1;

    /// <summary>
    /// True when a touch gave the entry a higher key (<see cref="PendingPriority"/>, <see cref="PendingSequence"/>) that
    /// the heap has not been told yet (<see cref="ScoredEntries.UpdateLazily"/>).
    /// </summary>
    public bool Dirty;

    /// <summary>The priority the entry's last touch gave it, while <see cref="Dirty"/>.</summary>
    public double PendingPriority;

    /// <summary>The touch stamp of that touch, while <see cref="Dirty"/>.</summary>
    public long PendingSequence;

    /// <summary>The priority the entry has now: the pending one while dirty.</summary>
    public double CurrentPriority => Dirty ? PendingPriority : Priority;

    /// <summary>Policy-specific value weight, e.g. cost/size or its logarithm.</summary>
    public double Weight;

    /// <summary>Policy-specific frequency state, e.g. a hit count or a log-space decayed count.</summary>
    public double Frequency;
}
