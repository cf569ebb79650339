using PodCache.Cache.Index;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Coordination;

/// <summary>
/// Single-flight across the processes sharing one cache directory: within the process a task per key, and across
/// processes a lease row in the machine index. A process that finds another's live lease waits until it is released
/// (the value is then on disk) instead of computing; a lease whose holder died is taken over.
/// </summary>
public sealed class MachineSingleFlight : ISingleFlight
{
    private readonly InProcessSingleFlight _local = new();
    private readonly MachineIndex _index;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;

    /// <summary>Creates the coordinator.</summary>
    /// <param name="index">The shared machine index.</param>
    /// <param name="leaseTtl">How long a lease lives without renewal (renewed every third of it while computing).</param>
    /// <param name="time">The clock.</param>
    public MachineSingleFlight(MachineIndex index, TimeSpan? leaseTtl = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _ttl = leaseTtl ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(_ttl, TimeSpan.FromMilliseconds(100));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Number of times this process waited for another process's computation.</summary>
    public long Waits => Interlocked.Read(ref _waits);

    private long _waits;

    /// <inheritdoc/>
    public Task<(T Value, bool Leader)> RunAsync<T>(Key key, Func<Task<T>> work) =>
        _local.RunAsync(key, async () =>
        {
            var delay = TimeSpan.FromMilliseconds(10);
            while (true)
            {
                bool acquired;
                try
                {
                    acquired = _index.TryAcquireLease(key, _ttl);
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // The index failed (full disk, damaged file; the disk tier says so): computing here without a
                    // lease may duplicate another process's work, which is better than failing the run.
                    return await work().ConfigureAwait(false);
                }
                if (acquired)
                {
                    using var renew = _time.CreateTimer(_ => TryRenew(key), null, _ttl / 3, _ttl / 3);
                    try
                    {
                        return await work().ConfigureAwait(false);
                    }
                    finally
                    {
                        renew.Dispose();
                        TryRelease(key);
                    }
                }
                Interlocked.Increment(ref _waits);
                // Another process is computing this key: wait for its lease to go (released, expired or holder dead).
                while (IsLeasedByOther(key))
                {
                    await Task.Delay(delay, _time).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 200));
                }
            }
        });

    private bool IsLeasedByOther(Key key)
    {
        try
        {
            return _index.IsLeasedByOther(key);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Stop waiting; taking the lease then fails too, and this process computes.
            return false;
        }
    }

    private void TryRelease(Key key)
    {
        try
        {
            _index.ReleaseLease(key);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The lease expires by itself after its TTL.
        }
    }

    private void TryRenew(Key key)
    {
        try
        {
            _index.RenewLease(key, _ttl);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Busy: the next renewal (a third of the TTL later) retries.
        }
    }
}
