using PodCache.Cache.Index;

namespace PodCache.Cache.Budgets;

/// <summary>
/// RAM summed over every process that shares one cache directory: each process publishes its RAM tier's bytes to the
/// machine index (a heartbeat every second) and may hold at most the machine budget minus what the others hold.
/// </summary>
public sealed class MachineRamBudget : IBudgetScope, IDisposable
{
    private readonly MachineIndex _index;
    private readonly long _machineMaxBytes;
    private readonly Func<long> _ownBytes;
    private readonly ITimer _timer;
    private long _others;

    /// <summary>Starts publishing <paramref name="ownBytes"/> and reading the other processes' usage.</summary>
    public MachineRamBudget(MachineIndex index, long machineMaxBytes, Func<long> ownBytes, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(ownBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(machineMaxBytes);
        _index = index;
        _machineMaxBytes = machineMaxBytes;
        _ownBytes = ownBytes;
        Refresh();
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Refresh(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The machine-wide RAM budget.</summary>
    public long MachineMaxBytes => _machineMaxBytes;

    /// <summary>RAM held by the other processes at the last heartbeat.</summary>
    public long OtherProcessesBytes => Interlocked.Read(ref _others);

    /// <inheritdoc/>
    public long CurrentLimit() => Math.Max(0, _machineMaxBytes - Interlocked.Read(ref _others));

    /// <summary>Publishes this process's usage and reads the others' now.</summary>
    public void Refresh()
    {
        try
        {
            _index.Heartbeat(_ownBytes());
            Interlocked.Exchange(ref _others, _index.OtherProcessesRamBytes(TimeSpan.FromSeconds(10)));
        }
        catch (ObjectDisposedException)
        {
            // The index closed while a heartbeat was due: the process is shutting down.
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // A busy database delays this heartbeat; the next one catches up.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer.Dispose();
        try
        {
            _index.Unregister();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // A failing index (read-only, full) keeps this row until the next process finds this one dead.
        }
    }
}
