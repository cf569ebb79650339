using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Index;

/// <summary>
/// Access statistics and counters, recorded in memory and written in one transaction: two SQLite writes per disk hit
/// cost more than reading a 1 MB entry. They are written when <see cref="StatisticsBatchSize"/> are pending, at most
/// <see cref="StatisticsFlushDelay"/> after the first of them, before any other call on this index (so this process
/// always sees its own hits), on <see cref="FlushStatistics"/> and on <see cref="Dispose"/>. A process that dies loses
/// only the statistics of its last moments, never an entry: entries and reservations are still written at once.
/// </summary>
public sealed partial class MachineIndex
{
    /// <summary>Recorded accesses and counts that are written together once this many are pending.</summary>
    public const int StatisticsBatchSize = 512;

    private readonly Lock _pendingGate = new();
    private Dictionary<(Key Key, string Tier), (long Hits, long LastAccess)> _pendingAccesses = [];
    private Dictionary<string, long> _pendingCounts = new(StringComparer.Ordinal);
    private int _pending;
    private ITimer? _flushTimer;

    /// <summary>
    /// The longest that recorded statistics wait before they are written (default one second); infinite: only when
    /// enough are pending, on the next index call, on <see cref="FlushStatistics"/> and on dispose (tests).
    /// </summary>
    internal TimeSpan StatisticsFlushDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Counts a read of an entry (its hits and last access), written in the next batch.</summary>
    /// <exception cref="ObjectDisposedException">The index is closed.</exception>
    /// <exception cref="SqliteException">This call completed a batch and writing it failed (the batch is dropped).</exception>
    public void RecordAccess(Key key, string tier)
    {
        ArgumentException.ThrowIfNullOrEmpty(tier);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        long now = Now;
        bool full;
        lock (_pendingGate)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pendingAccesses, (key, tier), out _);
            slot.Hits++;
            slot.LastAccess = Math.Max(slot.LastAccess, now);
            full = AddPendingLocked();
        }
        if (full) FlushStatistics();
    }

    /// <summary>Adds to a named statistics counter (hits, misses, corrupt entries...), written in the next batch.</summary>
    /// <exception cref="ObjectDisposedException">The index is closed.</exception>
    /// <exception cref="SqliteException">This call completed a batch and writing it failed (the batch is dropped).</exception>
    public void Count(string name, long delta = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        bool full;
        lock (_pendingGate)
        {
            ref long slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pendingCounts, name, out _);
            slot += delta;
            full = AddPendingLocked();
        }
        if (full) FlushStatistics();
    }

    /// <summary>Writes the pending access statistics and counters now.</summary>
    /// <exception cref="ObjectDisposedException">The index is closed.</exception>
    /// <exception cref="SqliteException">Writing failed; the pending statistics are dropped.</exception>
    public void FlushStatistics()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FlushStatisticsLocked();
        }
    }

    /// <summary>Statistics recorded and not yet written (tests).</summary>
    internal int PendingStatistics => Volatile.Read(ref _pending);

    /// <returns>True when the batch is full.</returns>
    private bool AddPendingLocked()
    {
        if (++_pending == 1 && StatisticsFlushDelay != Timeout.InfiniteTimeSpan)
        {
            // One-shot, armed by the first pending record: an idle index has no timer that keeps it alive.
            _flushTimer ??= _time.CreateTimer(static s => ((MachineIndex)s!).FlushOnTimer(), this,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _flushTimer.Change(StatisticsFlushDelay, Timeout.InfiniteTimeSpan);
        }
        return _pending >= StatisticsBatchSize;
    }

    private void FlushOnTimer()
    {
        lock (_gate)
        {
            if (_disposed) return;
            TryFlushStatisticsLocked();
        }
    }

    /// <summary>Statistics are diagnostics and eviction hints: a busy or failing index drops them rather than fail a call.</summary>
    private void TryFlushStatisticsLocked()
    {
        try
        {
            FlushStatisticsLocked();
        }
        catch (SqliteException)
        {
        }
    }

    private void FlushStatisticsLocked()
    {
        Dictionary<(Key Key, string Tier), (long Hits, long LastAccess)> accesses;
        Dictionary<string, long> counts;
        lock (_pendingGate)
        {
            if (_pending == 0) return;
            accesses = _pendingAccesses;
            counts = _pendingCounts;
            _pendingAccesses = [];
            _pendingCounts = new(StringComparer.Ordinal);
            _pending = 0;
        }
        using var tx = _db.BeginTransaction(deferred: false);
        if (accesses.Count > 0)
        {
            // MAX: another process may have recorded a later access while this batch waited.
            using var update = Cmd(_db, tx, "UPDATE entries SET hits=hits+$h, last_access=MAX(last_access, $now) WHERE key=$k AND tier=$t",
                ("$h", 0L), ("$now", 0L), ("$k", ""), ("$t", ""));
            foreach (var ((key, tier), (hits, last)) in accesses)
            {
                update.Parameters["$h"].Value = hits;
                update.Parameters["$now"].Value = last;
                update.Parameters["$k"].Value = key.ToString();
                update.Parameters["$t"].Value = tier;
                update.ExecuteNonQuery();
            }
        }
        if (counts.Count > 0)
        {
            using var add = Cmd(_db, tx, "INSERT INTO counters(name, value) VALUES($n, $d) ON CONFLICT(name) DO UPDATE SET value=value+$d",
                ("$n", ""), ("$d", 0L));
            foreach (var (name, delta) in counts)
            {
                add.Parameters["$n"].Value = name;
                add.Parameters["$d"].Value = delta;
                add.ExecuteNonQuery();
            }
        }
        tx.Commit();
    }

    private void DisposeFlushTimer()
    {
        ITimer? timer;
        lock (_pendingGate)
        {
            timer = _flushTimer;
            _flushTimer = null;
        }
        timer?.Dispose();
    }
}
