using System.Collections.Concurrent;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>
/// Live objects in process memory under a byte budget. Values are stored by reference, never serialised.
/// An entry larger than the whole budget is not admitted.
/// </summary>
public sealed class RamTier : ICacheTier
{
    private readonly ConcurrentDictionary<Key, CacheEntry> _entries = new();
    private readonly IEvictionPolicy _policy;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Budgets.IBudgetScope? _scope;
    private long _bytes;
    private long _hits, _misses, _evictions, _expirations;

    /// <summary>Creates a RAM tier.</summary>
    /// <param name="maxBytes">The budget in bytes.</param>
    /// <param name="policy">Eviction order; LRU when null.</param>
    /// <param name="time">Clock for expiry and recency; the system clock when null.</param>
    /// <param name="scope">A shared budget (machine RAM) consulted before admitting bytes; none when null.</param>
    public RamTier(long maxBytes, IEvictionPolicy? policy = null, TimeProvider? time = null, Budgets.IBudgetScope? scope = null)
    {
        _scope = scope;
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
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

    /// <inheritdoc/>
    public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            var now = _time.GetUtcNow();
            if (entry.IsExpired(now))
            {
                Remove(key, entry, expired: true);
            }
            else
            {
                lock (_gate)
                {
                    _policy.OnAccess(key, now);
                }
                Interlocked.Increment(ref _hits);
                return ValueTask.FromResult<CacheEntry?>(entry);
            }
        }
        Interlocked.Increment(ref _misses);
        return ValueTask.FromResult<CacheEntry?>(null);
    }

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var e) && !e.IsExpired(_time.GetUtcNow()));

    /// <inheritdoc/>
    public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long limit = _scope is null ? MaxBytes : Math.Min(MaxBytes, _scope.CurrentLimit());
        if (entry.SizeBytes > limit)
        {
            return ValueTask.CompletedTask;
        }
        List<CacheEntry>? evicted = null;
        lock (_gate)
        {
            if (_entries.TryRemove(entry.Key, out var old))
            {
                _bytes -= old.SizeBytes;
                _policy.OnRemove(entry.Key);
            }
            // Make room first, so the budget holds even while the new entry is being added.
            while (_bytes + entry.SizeBytes > limit && _policy.TryPeekVictim(out var victimKey))
            {
                _policy.OnRemove(victimKey);
                if (_entries.TryRemove(victimKey, out var victim))
                {
                    _bytes -= victim.SizeBytes;
                    _evictions++;
                    (evicted ??= []).Add(victim);
                }
            }
            _entries[entry.Key] = entry;
            _bytes += entry.SizeBytes;
            _policy.OnInsert(entry.Key, entry.SizeBytes, entry.ComputeSeconds, _time.GetUtcNow());
        }
        if (evicted is not null && Evicted is { } handler)
        {
            foreach (var e in evicted)
            {
                handler(e);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var entry) && Remove(key, entry, expired: false));

    private bool Remove(Key key, CacheEntry entry, bool expired)
    {
        lock (_gate)
        {
            // Only remove the exact entry seen: a concurrent Put may have replaced it.
            if (!_entries.TryRemove(new KeyValuePair<Key, CacheEntry>(key, entry)))
            {
                return false;
            }
            _bytes -= entry.SizeBytes;
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
            return new TierStatistics(Name, _entries.Count, _bytes, MaxBytes,
                Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), _evictions, _expirations);
        }
    }
}
