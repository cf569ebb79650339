using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PodCache.Cache.Index;

/// <summary>
/// Byte totals of files other than entries that processes keep in the cache directory (run manifests): counters
/// that the disk tier subtracts from its budget, updated best effort (a failing index must not fail a run).
/// </summary>
public sealed partial class MachineIndex
{
    /// <summary>Adds <paramref name="delta"/> to counter <paramref name="name"/>; its new value, or null when the index fails.</summary>
    public long? TryAddCounter(string name, long delta)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            return Locked(() => Convert.ToInt64(Cmd(_db, null,
                "INSERT INTO counters(name, value) VALUES($n, $d) ON CONFLICT(name) DO UPDATE SET value=value+$d RETURNING value",
                ("$n", name), ("$d", delta)).ExecuteScalar(), CultureInfo.InvariantCulture));
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>Sets counter <paramref name="name"/> to a measured <paramref name="value"/>; false when the index fails.</summary>
    public bool TrySetCounter(string name, long value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return BestEffort(false, () => Cmd(_db, null, "INSERT OR REPLACE INTO counters(name, value) VALUES($n, $v)",
            ("$n", name), ("$v", value)).ExecuteNonQuery() > 0);
    }

    /// <summary>The value of counter <paramref name="name"/>; 0 when unset or when the index fails.</summary>
    public long CounterValue(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return BestEffort(0L, () => Cmd(_db, null, "SELECT value FROM counters WHERE name=$n", ("$n", name)).ExecuteScalar() is { } v
            ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0L);
    }
}
