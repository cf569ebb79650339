using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// Entries of a priority-ordered policy: a key map plus an indexed binary min-heap on (priority, last-touch
/// sequence). Insert, update, removal of any entry and victim lookup are O(log n) and allocate nothing once an
/// entry exists, which matters because the RAM tier calls the policy on every hit.
/// </summary>
internal sealed class ScoredEntries
{
    private readonly Dictionary<Key, ScoredEntry> _byKey = [];
    private ScoredEntry[] _heap = new ScoredEntry[16];
    private int _count;
    private long _sequence;

    public int Count => _count;

    /// <summary>Every tracked entry, in no particular order.</summary>
    public Dictionary<Key, ScoredEntry>.ValueCollection Entries => _byKey.Values;

    public bool TryGet(Key key, [MaybeNullWhen(false)] out ScoredEntry entry) => _byKey.TryGetValue(key, out entry);

    /// <summary>Tracks a new entry as the most recently touched one.</summary>
    public ScoredEntry Add(Key key, double weight, double frequency, double priority)
    {
        Debug.Assert(!_byKey.ContainsKey(key));
        var entry = new ScoredEntry(key)
        {
            Weight = weight,
            Frequency = frequency,
            Priority = priority,
            Sequence = ++_sequence,
        };
        _byKey.Add(key, entry);
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _count * 2);
        }
        entry.HeapIndex = _count;
        _heap[_count++] = entry;
        SiftUp(entry.HeapIndex);
        return entry;
    }

    /// <summary>Gives a touched entry a new priority and makes it the most recently touched.</summary>
    public void Update(ScoredEntry entry, double priority)
    {
        Debug.Assert(entry.HeapIndex >= 0 && _heap[entry.HeapIndex] == entry);
        entry.Dirty = false;
        entry.Priority = priority;
        entry.Sequence = ++_sequence;
        // The new key may be smaller (priority fell) or larger; one of the two sifts is a no-op.
        SiftUp(entry.HeapIndex);
        SiftDown(entry.HeapIndex);
    }

    /// <summary>
    /// Gives a touched entry a new priority that is not lower than its current one, without moving it in the heap now:
    /// the heap keeps the old key as a lower bound and re-keys the entry only when it reaches the top
    /// (<see cref="TryPeekMin"/>). Since keys only grow, the clean entry at the top is the true minimum, so the victims
    /// are exactly those of <see cref="Update"/> — at the cost of one sift per entry that reaches the top dirty,
    /// instead of one per touch. For policies whose priorities only rise on access (cost-aware).
    /// </summary>
    public void UpdateLazily(ScoredEntry entry, double priority)
    {
        Debug.Assert(entry.HeapIndex >= 0 && _heap[entry.HeapIndex] == entry);
        Debug.Assert(!(priority < entry.CurrentPriority), "a lazy update may only raise the priority");
        entry.PendingPriority = priority;
        entry.PendingSequence = ++_sequence;
        entry.Dirty = true;
    }

    /// <summary>Applies pending keys at the top of the heap until the entry there is clean.</summary>
    private void SettleRoot()
    {
        while (_count > 0 && _heap[0] is { Dirty: true } top)
        {
            top.Dirty = false;
            top.Priority = top.PendingPriority;
            top.Sequence = top.PendingSequence;
            SiftDown(0);
        }
    }

    /// <summary>Stops tracking <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The removed entry.</param>
    /// <param name="wasVictim">True when it was the lowest-priority entry, i.e. what an eviction would take.</param>
    public bool Remove(Key key, [MaybeNullWhen(false)] out ScoredEntry entry, out bool wasVictim)
    {
        if (!_byKey.Remove(key, out entry))
        {
            wasVictim = false;
            return false;
        }
        // "Lowest" must mean what an eager heap would say.
        SettleRoot();
        var index = entry.HeapIndex;
        wasVictim = index == 0;
        var last = _heap[--_count];
        _heap[_count] = null!;
        entry.HeapIndex = -1;
        if (index != _count)
        {
            _heap[index] = last;
            last.HeapIndex = index;
            SiftUp(index);
            SiftDown(last.HeapIndex);
        }
        return true;
    }

    public bool TryPeekMin([MaybeNullWhen(false)] out ScoredEntry entry)
    {
        SettleRoot();
        if (_count == 0)
        {
            entry = null;
            return false;
        }
        entry = _heap[0];
        return true;
    }

    /// <summary>Restores heap order after priorities were changed in bulk (e.g. a renormalisation).</summary>
    public void Reheapify()
    {
        for (var i = (_count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    private static bool Less(ScoredEntry a, ScoredEntry b)
    {
        // double.CompareTo is a total order (NaN first), so a NaN priority cannot corrupt the heap.
        var c = a.Priority.CompareTo(b.Priority);
        return c != 0 ? c < 0 : a.Sequence < b.Sequence;
    }

    private void SiftUp(int index)
    {
        var entry = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!Less(entry, _heap[parent]))
            {
                break;
            }
            Place(_heap[parent], index);
            index = parent;
        }
        Place(entry, index);
    }

    private void SiftDown(int index)
    {
        var entry = _heap[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }
            if (child + 1 < _count && Less(_heap[child + 1], _heap[child]))
            {
                child++;
            }
            if (!Less(_heap[child], entry))
            {
                break;
            }
            Place(_heap[child], index);
            index = child;
        }
        Place(entry, index);
    }

    private void Place(ScoredEntry entry, int index)
    {
        _heap[index] = entry;
        entry.HeapIndex = index;
    }
}
