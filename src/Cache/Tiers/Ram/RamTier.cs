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
/// The hit path takes no lock, no locked instruction and tells the eviction policy nothing: a hit is one plain, racy
/// increment of the entry's slot's read count. The policy hears of the reads lazily, under the lock, when it offers the
/// entry as the next victim: an entry read since it was last considered is not evicted but given its reads (the policy
/// re-keys or moves it) and the policy is asked again. This is the second chance of CLOCK, with the read count kept:
/// for LRU an entry read since it was last considered moves to the most recent end when it comes up, not when it was
/// read; for the priority policies its reads are counted at the policy's clock when it comes up. Every read still
/// reaches the policy before the entry can be evicted, so no read entry is evicted ahead of an unread one the policy
/// would have ranked lower; the order among read entries is the policy's at replay time.
/// </para>
/// <para>
/// Miss counts are exact; hit counts are the slots' read counts (those of slots that left the tier are kept), exact on
/// one thread. The read count is racy by design: two threads reading one entry at the same instant may count one read,
/// which can only make a hot entry look slightly less hot and the hit count slightly low. At most
/// <see cref="MaxPendingReads"/> reads are replayed at once. Reads of an entry that was replaced or has left the tier
/// are not replayed onto its successor.
/// </para>
/// </remarks>
public sealed class RamTier : ICacheTier
{
    /// <summary>The most reads replayed into the policy at once; more, since the last replay, count as this many.</summary>
    internal const int MaxPendingReads = 255;

    private readonly ConcurrentDictionary<Key, Slot> _entries = new();
    private readonly IEvictionPolicy _policy;
    private readonly IAccessHandles? _handles;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Budgets.IBudgetScope? _scope;
    private readonly ThreadOwnedCounter _misses = new();
    private long _bytes;

    // Entries held, under the lock: ConcurrentDictionary.Count takes every one of its locks (up to 1,024 once the table
    // has grown), far too slow for each eviction.
    private int _count;
    // Reads of slots that have left the tier; the live slots hold the rest of the hit count.
    private long _pastHits;
    private long _evictions, _expirations;

    // What a hit needs, copied out of the entry: a hit touches the slot and not the entry's further cache lines (the
    // caller reads the value).
    private sealed class Slot(CacheEntry entry)
    {
        public readonly CacheEntry Entry = entry;
        public readonly long ExpiresUtcTicks = entry.Expires?.UtcTicks ?? long.MaxValue;
        public readonly Key Key = entry.Key;

        // The policy's record of the entry (IAccessHandles), set once under the lock before the slot is published.
        public object? PolicyHandle;

        // Reads of the entry: incremented racily by readers, read under the lock.
        public long Reads;

        // Reads already replayed into the policy; under the lock.
        public long Replayed;

        /// <summary>Takes the reads not yet replayed (at most <see cref="MaxPendingReads"/>); under the lock.</summary>
        public int TakePendingReads()
        {
            long reads = Volatile.Read(ref Reads);
            long pending = reads - Replayed;
            Replayed = reads;
            return pending <= 0 ? 0 : (int)Math.Min(pending, MaxPendingReads);
        }
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
                slot.Reads++;
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
            if (_entries.TryRemove(entry.Key, out var old))
            {
                _bytes -= old.Entry.SizeBytes;
                _count--;
                _pastHits += Volatile.Read(ref old.Reads);
                _policy.OnRemove(entry.Key);
            }
            // Make room first, so the budget holds even while the new entry is being added.
            EvictLocked(limit - entry.SizeBytes, ref evicted);
            _policy.OnInsert(entry.Key, entry.SizeBytes, entry.ComputeSeconds, _time.GetUtcNow());
            var slot = new Slot(entry) { PolicyHandle = _handles?.HandleOf(entry.Key) };
            _entries[entry.Key] = slot;
            _bytes += entry.SizeBytes;
            _count++;
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
            EvictLocked(limit, ref evicted);
        }
        RaiseEvicted(evicted);
        return evicted?.Count ?? 0;
    }

    /// <summary>
    /// Evicts in the policy's order until the tier holds at most <paramref name="targetBytes"/>; under the lock. A victim
    /// with reads the policy has not heard of gets them instead (its second chance) and the policy is asked again.
    /// </summary>
    private void EvictLocked(long targetBytes, ref List<CacheEntry>? evicted)
    {
        // Every replay clears a slot's reads, so this bounds the sweep even while readers keep reading.
        int chances = _count + 1;
        DateTimeOffset now = default;
        bool haveNow = false;
        while (_bytes > targetBytes && _policy.TryPeekVictim(out var victimKey))
        {
            _entries.TryGetValue(victimKey, out var victim);
            if (victim is not null && chances > 0)
            {
                int reads = victim.TakePendingReads();
                if (reads > 0)
                {
                    chances--;
                    if (!haveNow)
                    {
                        now = _time.GetUtcNow();
                        haveNow = true;
                    }
                    Replay(victim, reads, now);
                    continue;
                }
            }
            _policy.OnRemove(victimKey);
            if (victim is not null && _entries.TryRemove(new KeyValuePair<Key, Slot>(victimKey, victim)))
            {
                _bytes -= victim.Entry.SizeBytes;
                _count--;
                _pastHits += Volatile.Read(ref victim.Reads);
                _evictions++;
                (evicted ??= []).Add(victim.Entry);
            }
        }
    }

    /// <summary>Tells the policy of <paramref name="reads"/> reads of the slot's entry; under the lock.</summary>
    private void Replay(Slot slot, int reads, DateTimeOffset now)
    {
        if (slot.PolicyHandle is { } handle)
        {
            _handles!.OnAccess(handle, reads, now);
            return;
        }
        for (int i = 0; i < reads; i++)
        {
            _policy.OnAccess(slot.Key, now);
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
            _count--;
            _pastHits += Volatile.Read(ref slot.Reads);
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
            return new TierStatistics(Name, _count, _bytes, MaxBytes, SumOfReadsLocked(), _misses.Value, _evictions, _expirations);
        }
    }

    private long SumOfReadsLocked()
    {
        long sum = _pastHits;
        foreach (var pair in _entries)
        {
            sum += Volatile.Read(ref pair.Value.Reads);
        }
        return sum;
    }
}
