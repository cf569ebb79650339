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
/// The hit path takes no lock: a hit bumps the entry's pending-access count and, the first time since the last drain,
/// queues the entry. The queue is replayed into the eviction policy in batches, under the lock, by whichever thread
/// finds it long enough (or by the next write). So the policy sees every access, slightly late, and readers never
/// wait for each other or for writers (the approach of Caffeine and BitFaster's ConcurrentLfu).
/// </remarks>
public sealed class RamTier : ICacheTier
{
    private const int DrainThreshold = 64;
    private const int MaxReplayedAccesses = 16;

    private readonly ConcurrentDictionary<Key, Slot> _entries = new();
    private readonly ConcurrentQueue<Slot> _accessed = new();
    private readonly IEvictionPolicy _policy;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Budgets.IBudgetScope? _scope;
    private readonly StripedCounter _hits = new(), _misses = new();
    private int _queued;
    private long _bytes;
    private long _evictions, _expirations;

    private sealed class Slot(CacheEntry entry)
    {
        public readonly CacheEntry Entry = entry;
        public int PendingAccesses;
        public int Queued;
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
        _time = time ?? TimeProvider.System;
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
            var e = slot.Entry;
            if (e.Expires is { } x && _time.GetUtcNow() >= x)
            {
                RemoveSlot(key, slot, expired: true);
            }
            else
            {
                RecordAccess(slot);
                _hits.Increment();
                entry = e;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordAccess(Slot slot)
    {
        Interlocked.Increment(ref slot.PendingAccesses);
        if (Volatile.Read(ref slot.Queued) == 0 && Interlocked.Exchange(ref slot.Queued, 1) == 0)
        {
            _accessed.Enqueue(slot);
            if (Interlocked.Increment(ref _queued) >= DrainThreshold)
            {
                TryDrain();
            }
        }
    }

    private void TryDrain()
    {
        if (_gate.TryEnter())
        {
            try
            {
                DrainLocked();
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    private void DrainLocked()
    {
        if (Volatile.Read(ref _queued) == 0)
        {
            return;
        }
        var now = _time.GetUtcNow();
        while (_accessed.TryDequeue(out var slot))
        {
            Interlocked.Decrement(ref _queued);
            Volatile.Write(ref slot.Queued, 0);
            int n = Interlocked.Exchange(ref slot.PendingAccesses, 0);
            // Only the slot still in the tier counts: a replaced or evicted entry's accesses are dropped.
            if (_entries.TryGetValue(slot.Entry.Key, out var current) && ReferenceEquals(current, slot))
            {
                for (int i = 0; i < Math.Min(n, MaxReplayedAccesses); i++)
                {
                    _policy.OnAccess(slot.Entry.Key, now);
                }
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
                _bytes -= old.Entry.SizeBytes;
                _policy.OnRemove(entry.Key);
            }
            // Make room first, so the budget holds even while the new entry is being added.
            EvictLocked(limit - entry.SizeBytes, ref evicted);
            _entries[entry.Key] = new Slot(entry);
            _bytes += entry.SizeBytes;
            _policy.OnInsert(entry.Key, entry.SizeBytes, entry.ComputeSeconds, _time.GetUtcNow());
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
            return new TierStatistics(Name, _entries.Count, _bytes, MaxBytes, _hits.Value, _misses.Value, _evictions, _expirations);
        }
    }
}
