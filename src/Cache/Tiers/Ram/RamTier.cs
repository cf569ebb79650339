using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>
/// Live objects in process memory under a byte budget. Values are stored by reference, never serialised.
/// An entry larger than the whole budget is not admitted.
/// </summary>
/// <remarks>
/// <para>
/// The hit path takes no lock and touches no shared cache line: a hit adds the entry's slot to a lossy striped ring
/// buffer of reads (<see cref="AccessBuffer{T}"/>, one compare-and-swap on the calling thread's stripe). The reads are
/// replayed into the eviction policy in batches, under the lock, by whichever reader finds its stripe full (if the
/// lock is free) or by the next write, eviction or trim. So readers never wait for each other or for writers, and the
/// policy sees the reads slightly late (the approach of Caffeine and BitFaster's ConcurrentLfu).
/// </para>
/// <para>
/// A read is dropped, never recorded for the policy, when its stripe is still full after a drain was attempted (another
/// thread held the lock) or when other threads kept adding to the same stripes at the same instant. Only concurrent
/// readers can meet either case: one thread's reads are all replayed, in order. Hit counts are exact either way (a
/// dropped read is counted apart). Reads of an entry that was replaced or has left the tier before the replay are
/// ignored (the slot's <c>Removed</c> flag, set under the lock).
/// </para>
/// </remarks>
public sealed class RamTier : ICacheTier
{
    private readonly ConcurrentDictionary<Key, Slot> _entries = new();
    private readonly AccessBuffer<Slot> _reads = AccessBuffer<Slot>.ForProcessors();
    private readonly Slot?[] _drained;
    private readonly IEvictionPolicy _policy;
    private readonly IAccessHandles? _handles;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Budgets.IBudgetScope? _scope;
    // Hits are the reads added to the buffer plus these; misses are rarer than hits and pay for their own counter.
    private readonly StripedCounter _unrecordedHits = new(), _misses = new();
    private long _bytes;
    private long _evictions, _expirations;

    // What a hit and a replay need, copied out of the entry: a hit touches the slot and not the entry's further cache
    // lines (the caller reads the value), and the replay touches only the slot (it runs 100+ hits later, when the
    // entry may have left the CPU's caches).
    private sealed class Slot(CacheEntry entry)
    {
        public readonly CacheEntry Entry = entry;
        public readonly long ExpiresUtcTicks = entry.Expires?.UtcTicks ?? long.MaxValue;
        public readonly Key Key = entry.Key;

        // The policy's record of the entry (IAccessHandles), set once under the lock before the slot is published.
        public object? PolicyHandle;

        // Set under the lock when the slot leaves the dictionary; read under the lock by the replay.
        public bool Removed;
    }

    /// <summary>Creates a RAM tier.</summary>
    /// <param name="maxBytes">The budget in bytes.</param>
    /// <param name="policy">Eviction order; LRU when null.</param>
    /// <param name="time">Clock for expiry and recency; the system clock when null.</param>
    /// <param name="scope">A shared budget (machine RAM) consulted before admitting bytes; none when null.</param>
    public RamTier(long maxBytes, IEvictionPolicy? policy = null, TimeProvider? time = null, Budgets.IBudgetScope? scope = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _scope = scope;
        MaxBytes = maxBytes;
        _policy = policy ?? new LruPolicy();
        _handles = _policy as IAccessHandles;
        _time = time ?? TimeProvider.System;
        _drained = new Slot?[_reads.Capacity];
    }

    /// <summary>Raised (outside the tier's lock) for each entry evicted to respect the budget.</summary>
    public event Action<CacheEntry>? Evicted;

    /// <inheritdoc/>
    public string Name => TierNames.Ram;

    /// <summary>The budget in bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes currently held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The value for <paramref name="key"/> if present and live: the allocation-free hit path.</summary>
    public bool TryGet(Key key, out CacheEntry entry)
    {
        if (_entries.TryGetValue(key, out var slot))
        {
            if (slot.ExpiresUtcTicks != long.MaxValue && _time.GetUtcNow().UtcTicks >= slot.ExpiresUtcTicks)
            {
                RemoveSlot(key, slot, expired: true);
            }
            else
            {
                if (!_reads.TryAdd(slot, out bool full))
                {
                    RecordRefused(slot, full);
                }
                entry = slot.Entry;
                return true;
            }
        }
        _misses.Increment();
        entry = null!;
        return false;
    }

    /// <inheritdoc/>
    public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryGet(key, out var e) ? e : null);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordRefused(Slot slot, bool full)
    {
        if (full && _gate.TryEnter())
        {
            try
            {
                DrainLocked();
            }
            finally
            {
                _gate.Exit();
            }
            if (_reads.TryAdd(slot, out _))
            {
                return;
            }
        }
        _unrecordedHits.Increment();
    }

    private void DrainLocked()
    {
        int n = _reads.Drain(_drained);
        if (n == 0)
        {
            return;
        }
        var now = _time.GetUtcNow();
        for (int i = 0; i < n; i++)
        {
            var slot = _drained[i]!;
            // Drop the reference at once: a drained slot must not keep an evicted value alive.
            _drained[i] = null;
            if (slot.Removed)
            {
                continue;
            }
            if (slot.PolicyHandle is { } handle)
            {
                _handles!.OnAccess(handle, now);
            }
            else
            {
                _policy.OnAccess(slot.Key, now);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var s) && !s.Entry.IsExpired(_time.GetUtcNow()));

    /// <inheritdoc/>
    public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long limit = Budgets.BudgetLimit.Of(MaxBytes, _scope);
        if (entry.SizeBytes > limit)
        {
            return ValueTask.CompletedTask;
        }
        List<CacheEntry>? evicted = null;
        lock (_gate)
        {
            DrainLocked();
            if (_entries.TryRemove(entry.Key, out var old))
            {
                old.Removed = true;
                _bytes -= old.Entry.SizeBytes;
                _policy.OnRemove(entry.Key);
            }
            // Make room first, so the budget holds even while the new entry is being added.
            EvictLocked(limit - entry.SizeBytes, ref evicted);
            _policy.OnInsert(entry.Key, entry.SizeBytes, entry.ComputeSeconds, _time.GetUtcNow());
            var slot = new Slot(entry) { PolicyHandle = _handles?.HandleOf(entry.Key) };
            _entries[entry.Key] = slot;
            _bytes += entry.SizeBytes;
        }
        RaiseEvicted(evicted);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Evicts, in the policy's order, until the tier holds no more than its current limit — for when a shared budget
    /// shrinks (a cluster member's share after shards moved away). Evicted entries are demoted like any other. Returns
    /// how many entries were evicted.
    /// </summary>
    public int TrimToLimit()
    {
        long limit = Budgets.BudgetLimit.Of(MaxBytes, _scope);
        List<CacheEntry>? evicted = null;
        lock (_gate)
        {
            DrainLocked();
            EvictLocked(limit, ref evicted);
        }
        RaiseEvicted(evicted);
        return evicted?.Count ?? 0;
    }

    /// <summary>Evicts in the policy's order until the tier holds at most <paramref name="targetBytes"/>; under the lock.</summary>
    private void EvictLocked(long targetBytes, ref List<CacheEntry>? evicted)
    {
        while (_bytes > targetBytes && _policy.TryPeekVictim(out var victimKey))
        {
            _policy.OnRemove(victimKey);
            if (_entries.TryRemove(victimKey, out var victim))
            {
                victim.Removed = true;
                _bytes -= victim.Entry.SizeBytes;
                _evictions++;
                (evicted ??= []).Add(victim.Entry);
            }
        }
    }

    /// <summary>Tells <see cref="Evicted"/> (demotion to disk) outside the lock.</summary>
    private void RaiseEvicted(List<CacheEntry>? evicted)
    {
        if (evicted is not null && Evicted is { } handler)
        {
            foreach (var e in evicted)
            {
                handler(e);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var slot) && RemoveSlot(key, slot, expired: false));

    private bool RemoveSlot(Key key, Slot slot, bool expired)
    {
        lock (_gate)
        {
            // Only remove the exact slot seen: a concurrent Put may have replaced it.
            if (!_entries.TryRemove(new KeyValuePair<Key, Slot>(key, slot)))
            {
                return false;
            }
            slot.Removed = true;
            _bytes -= slot.Entry.SizeBytes;
            _policy.OnRemove(key);
            if (expired)
            {
                _expirations++;
            }
            return true;
        }
    }

    /// <inheritdoc/>
    public TierStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new TierStatistics(Name, _entries.Count, _bytes, MaxBytes, _reads.Added + _unrecordedHits.Value, _misses.Value, _evictions, _expirations);
        }
    }
}
