using System.Globalization;

namespace PodCache.Cache.Index;

/// <summary>The parts of the machine index that shared tiers (S3) use beyond entry rows: budget trims and settings.</summary>
public sealed partial class MachineIndex
{
    private bool _settingsReady;

    /// <summary>
    /// Brings <paramref name="tier"/> back under <paramref name="maxBytes"/> after its rows grew without a reservation
    /// (reconciliation found other writers' objects): in one transaction, picks victims among ready rows with
    /// <paramref name="chooseVictims"/>, removes their rows and returns them (the caller deletes the objects).
    /// </summary>
    public IReadOnlyList<IndexEntry> TrimToBudget(string tier, long maxBytes,
        Func<IReadOnlyList<IndexEntry>, long, IReadOnlyList<IndexEntry>> chooseVictims)
    {
        ArgumentNullException.ThrowIfNull(chooseVictims);
        return Locked(() =>
        {
            using var tx = _db.BeginTransaction(deferred: false);
            long used = UsedLocked(tx, tier);
            if (used <= maxBytes)
            {
                return (IReadOnlyList<IndexEntry>)[];
            }
            var victims = chooseVictims(ReadEntries(tx, tier, readyOnly: true), used - maxBytes);
            foreach (var v in victims)
            {
                Cmd(_db, tx, "DELETE FROM entries WHERE key=$k AND tier=$t AND ready=1", ("$k", v.Key.ToString()), ("$t", tier)).ExecuteNonQuery();
            }
            tx.Commit();
            return victims;
        });
    }

    /// <summary>A named setting shared by the processes using this index (e.g. when S3 was last reconciled); null when unset.</summary>
    public string? GetSetting(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Locked(() =>
        {
            EnsureSettings();
            return Cmd(_db, null, "SELECT value FROM settings WHERE name=$n", ("$n", name)).ExecuteScalar() as string;
        });
    }

    /// <summary>Sets a named setting (see <see cref="GetSetting"/>).</summary>
    public void SetSetting(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Locked(() =>
        {
            EnsureSettings();
            return Cmd(_db, null, "INSERT OR REPLACE INTO settings(name, value) VALUES($n, $v)", ("$n", name), ("$v", value)).ExecuteNonQuery();
        });
    }

    private void EnsureSettings()
    {
        if (_settingsReady) return;
        // Created on first use so that indexes made before the S3 tier existed gain the table without a migration step.
        Exec("CREATE TABLE IF NOT EXISTS settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);");
        _settingsReady = true;
    }
}
