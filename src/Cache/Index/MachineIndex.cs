using System.Globalization;
using Microsoft.Data.Sqlite;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Index;

/// <summary>
/// The machine index: one SQLite database (WAL) in the cache directory that every process sharing the directory uses
/// for entry metadata and access statistics, byte accounting, leases (cross-process single-flight) and per-process
/// RAM usage with heartbeats. Thread-safe; each call is one short transaction. Access statistics and counters are
/// recorded in memory and written in batches (see <see cref="RecordAccess"/>).
/// </summary>
public sealed partial class MachineIndex : IResultCatalog, ISourceVersionRecords, IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <summary>Opens (creating if needed) the index in <paramref name="directory"/>.</summary>
    /// <exception cref="CacheIndexException">
    /// The index exists but is not a usable SQLite database (garbage, a directory, unwritable); nothing was changed.
    /// </exception>
    public MachineIndex(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        _time = time ?? TimeProvider.System;
        Path = System.IO.Path.Combine(directory, "index.db");
        try
        {
            _db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            _db.Open();
            Exec("PRAGMA journal_mode=WAL;");
            Exec("PRAGMA synchronous=NORMAL;");
            Exec("PRAGMA busy_timeout=30000;");
            Exec("""
                CREATE TABLE IF NOT EXISTS entries(
                  key TEXT NOT NULL, tier TEXT NOT NULL, bytes INTEGER NOT NULL, created INTEGER NOT NULL,
                  expires INTEGER NULL, cost REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0, last_access INTEGER NOT NULL,
                  ready INTEGER NOT NULL, writer_pid INTEGER NOT NULL DEFAULT 0, writer_start INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY(key, tier));
                CREATE TABLE IF NOT EXISTS leases(
                  key TEXT PRIMARY KEY, pid INTEGER NOT NULL, start INTEGER NOT NULL, host TEXT NOT NULL, expires INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS processes(
                  pid INTEGER NOT NULL, start INTEGER NOT NULL, ram_bytes INTEGER NOT NULL, heartbeat INTEGER NOT NULL,
                  PRIMARY KEY(pid, start));
                CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS catalog(grp TEXT NOT NULL, member TEXT NOT NULL, data TEXT NOT NULL, added INTEGER NOT NULL,
                  PRIMARY KEY(grp, member));
                CREATE TABLE IF NOT EXISTS source_versions(identity TEXT PRIMARY KEY, token TEXT NOT NULL, length INTEGER NOT NULL,
                  etag TEXT NULL, last_modified INTEGER NULL, version_id TEXT NULL, checked INTEGER NOT NULL);
                """);
            EnsureTierTotals();
        }
        catch (SqliteException ex)
        {
            _db?.Dispose();
            throw new CacheIndexException(Path, Describe(ex), ex);
        }
        Self = ProcessIdentity.Current;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>This process as recorded in leases and usage rows.</summary>
    public ProcessIdentity Self { get; }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Exec(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private T Locked<T>(Func<T> f)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Whatever this process asks next (victims by recency, a row's hits, the counters) must see the hits it
            // recorded, as when every hit was written at once.
            if (Volatile.Read(ref _pending) > 0)
            {
                TryFlushStatisticsLocked();
            }
            return f();
        }
    }

    private static SqliteCommand Cmd(SqliteConnection db, SqliteTransaction? tx, string sql, params (string, object?)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }
        return cmd;
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a new entry in <paramref name="tier"/> under <paramref name="maxBytes"/>:
    /// in one transaction, picks victims with <paramref name="chooseVictims"/> until the reservation fits, removes their
    /// rows and records the reservation. Returns the victims (whose files the caller deletes), or null when the entry
    /// cannot fit even in an empty tier.
    /// </summary>
    public IReadOnlyList<IndexEntry>? Reserve(Key key, string tier, long bytes, long maxBytes, DateTimeOffset created,
        DateTimeOffset? expires, double cost, Func<IReadOnlyList<IndexEntry>, long, IReadOnlyList<IndexEntry>> chooseVictims)
    {
        ArgumentNullException.ThrowIfNull(chooseVictims);
        if (bytes > maxBytes) return null;
        return Locked(() =>
        {
            using var tx = _db.BeginTransaction(deferred: false);
            string k = key.ToString();
            Hot(tx, "DELETE FROM entries WHERE key=$k AND tier=$t", ("$k", k), ("$t", tier)).ExecuteNonQuery();
            long used = UsedLocked(tx, tier);
            IReadOnlyList<IndexEntry> victims = [];
            if (used + bytes > maxBytes)
            {
                var candidates = ReadEntries(tx, tier, readyOnly: true);
                victims = chooseVictims(candidates, EvictionTarget(used + bytes - maxBytes, maxBytes, candidates.Count));
                foreach (var v in victims)
                {
                    Hot(tx, "DELETE FROM entries WHERE key=$k AND tier=$t", ("$k", v.Key.ToString()), ("$t", tier)).ExecuteNonQuery();
                    used -= v.Bytes;
                }
                if (used + bytes > maxBytes)
                {
                    // Reservations of entries still being written cannot be evicted: do not admit this one now.
                    tx.Rollback();
                    return null;
                }
            }
            Hot(tx, """
                INSERT INTO entries(key, tier, bytes, created, expires, cost, hits, last_access, ready, writer_pid, writer_start)
                VALUES($k, $t, $b, $c, $e, $cost, 0, $now, 0, $pid, $start)
                """, ("$k", k), ("$t", tier), ("$b", bytes), ("$c", created.ToUnixTimeMilliseconds()),
                ("$e", expires?.ToUnixTimeMilliseconds()), ("$cost", cost), ("$now", Now), ("$pid", Self.Pid), ("$start", Self.StartTicks)).ExecuteNonQuery();
            tx.Commit();
            return victims;
        });
    }

    /// <summary>
    /// Bytes to free when a tier over budget must evict: what is needed, or, in a tier of more than
    /// <see cref="EvictionBatchRows"/> entries, at least 1/<see cref="EvictionBatchFraction"/> of its budget. Choosing
    /// victims reads every row of the tier (70 ms at 100,000 entries on the benchmark machine), so a full large tier
    /// frees a batch at a time instead of paying that on every write; it stays within the budget, up to that fraction
    /// below it. Small tiers evict exactly what is needed.
    /// </summary>
    internal static long EvictionTarget(long needed, long maxBytes, int rows) =>
        rows > EvictionBatchRows ? Math.Max(needed, maxBytes / EvictionBatchFraction) : needed;

    internal const int EvictionBatchRows = 1024;
    internal const int EvictionBatchFraction = 64;

    /// <summary>Marks a reserved entry as written, with its final size.</summary>
    public void Commit(Key key, string tier, long bytes) => Locked(() =>
        Hot(null, "UPDATE entries SET ready=1, bytes=$b WHERE key=$k AND tier=$t",
            ("$b", bytes), ("$k", key.ToString()), ("$t", tier)).ExecuteNonQuery());

    /// <summary>Adds or replaces a ready entry without a budget check (index rebuilds, S3 reconciliation).</summary>
    public void Upsert(IndexEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Locked(() => Cmd(_db, null, """
            INSERT INTO entries(key, tier, bytes, created, expires, cost, hits, last_access, ready)
            VALUES($k, $t, $b, $c, $e, $cost, $h, $la, 1)
            ON CONFLICT(key, tier) DO UPDATE SET bytes=excluded.bytes, created=excluded.created, expires=excluded.expires,
              cost=excluded.cost, hits=excluded.hits, last_access=excluded.last_access, ready=1, writer_pid=0, writer_start=0
            """, ("$k", e.Key.ToString()), ("$t", e.Tier), ("$b", e.Bytes), ("$c", e.Created.ToUnixTimeMilliseconds()),
            ("$e", e.Expires?.ToUnixTimeMilliseconds()), ("$cost", e.ComputeSeconds), ("$h", e.Hits),
            ("$la", e.LastAccess.ToUnixTimeMilliseconds())).ExecuteNonQuery());
    }

    /// <summary>Removes an entry's row; true when there was one.</summary>
    public bool Remove(Key key, string tier) => Locked(() =>
        Cmd(_db, null, "DELETE FROM entries WHERE key=$k AND tier=$t", ("$k", key.ToString()), ("$t", tier)).ExecuteNonQuery() > 0);

    /// <summary>The row of an entry, or null.</summary>
    public IndexEntry? Get(Key key, string tier) => Locked(() =>
    {
        using var cmd = Cmd(_db, null, "SELECT key, tier, bytes, created, expires, cost, hits, last_access, ready FROM entries WHERE key=$k AND tier=$t",
            ("$k", key.ToString()), ("$t", tier));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRow(r) : null;
    });

    /// <summary>Every row of <paramref name="tier"/>.</summary>
    public IReadOnlyList<IndexEntry> Entries(string tier) => Locked(() => ReadEntries(null, tier, readyOnly: false));

    /// <summary>Bytes accounted to <paramref name="tier"/> (reservations included).</summary>
    public long Bytes(string tier) => Locked(() => UsedLocked(null, tier));

    /// <summary>
    /// Drops reservations whose writer process is gone (killed mid-write); returns their keys so the caller can delete
    /// any partial files.
    /// </summary>
    public IReadOnlyList<Key> ReclaimAbandonedReservations(string tier) => Locked(() =>
    {
        var dead = new List<(string Key, ProcessIdentity Writer)>();
        using (var cmd = Cmd(_db, null, "SELECT key, writer_pid, writer_start FROM entries WHERE tier=$t AND ready=0", ("$t", tier)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var w = new ProcessIdentity(r.GetInt32(1), r.GetInt64(2));
                if (!w.IsAlive) dead.Add((r.GetString(0), w));
            }
        }
        var keys = new List<Key>();
        foreach (var (k, w) in dead)
        {
            Cmd(_db, null, "DELETE FROM entries WHERE key=$k AND tier=$t AND ready=0 AND writer_pid=$p AND writer_start=$s",
                ("$k", k), ("$t", tier), ("$p", w.Pid), ("$s", w.StartTicks)).ExecuteNonQuery();
            keys.Add(Key.Parse(k));
        }
        return keys;
    });

    private List<IndexEntry> ReadEntries(SqliteTransaction? tx, string tier, bool readyOnly)
    {
        var list = new List<IndexEntry>();
        using var cmd = Cmd(_db, tx, "SELECT key, tier, bytes, created, expires, cost, hits, last_access, ready FROM entries WHERE tier=$t" + (readyOnly ? " AND ready=1" : ""), ("$t", tier));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadRow(r));
        }
        return list;
    }

    private static IndexEntry ReadRow(SqliteDataReader r) => new(
        Key.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.GetDouble(5), r.GetInt64(6),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)), r.GetInt64(8) == 1);

    /// <summary>
    /// Takes the lease on <paramref name="key"/> for <paramref name="ttl"/> if nobody holds a live one (an expired lease,
    /// or one whose holder process is dead, is taken over). True when this process now holds it.
    /// </summary>
    public bool TryAcquireLease(Key key, TimeSpan ttl) => Locked(() =>
    {
        using var tx = _db.BeginTransaction(deferred: false);
        string k = key.ToString();
        using (var cmd = Cmd(_db, tx, "SELECT pid, start, expires FROM leases WHERE key=$k", ("$k", k)))
        using (var r = cmd.ExecuteReader())
        {
            if (r.Read())
            {
                var holder = new ProcessIdentity(r.GetInt32(0), r.GetInt64(1));
                long expires = r.GetInt64(2);
                bool mine = holder == Self;
                if (!mine && expires > Now && holder.IsAlive)
                {
                    return false;
                }
            }
        }
        Cmd(_db, tx, "INSERT OR REPLACE INTO leases(key, pid, start, host, expires) VALUES($k, $p, $s, $h, $e)",
            ("$k", k), ("$p", Self.Pid), ("$s", Self.StartTicks), ("$h", Environment.MachineName),
            ("$e", Now + (long)ttl.TotalMilliseconds)).ExecuteNonQuery();
        tx.Commit();
        return true;
    });

    /// <summary>Extends this process's lease on <paramref name="key"/>; false if it no longer holds it.</summary>
    public bool RenewLease(Key key, TimeSpan ttl) => Locked(() =>
        Cmd(_db, null, "UPDATE leases SET expires=$e WHERE key=$k AND pid=$p AND start=$s",
            ("$e", Now + (long)ttl.TotalMilliseconds), ("$k", key.ToString()), ("$p", Self.Pid), ("$s", Self.StartTicks)).ExecuteNonQuery() > 0);

    /// <summary>Releases this process's lease on <paramref name="key"/>.</summary>
    public void ReleaseLease(Key key) => Locked(() =>
        Cmd(_db, null, "DELETE FROM leases WHERE key=$k AND pid=$p AND start=$s",
            ("$k", key.ToString()), ("$p", Self.Pid), ("$s", Self.StartTicks)).ExecuteNonQuery());

    /// <summary>True when another live process holds an unexpired lease on <paramref name="key"/>.</summary>
    public bool IsLeasedByOther(Key key) => Locked(() =>
    {
        using var cmd = Cmd(_db, null, "SELECT pid, start, expires FROM leases WHERE key=$k", ("$k", key.ToString()));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return false;
        var holder = new ProcessIdentity(r.GetInt32(0), r.GetInt64(1));
        return holder != Self && r.GetInt64(2) > Now && holder.IsAlive;
    });

    /// <summary>Records this process's RAM usage (a heartbeat).</summary>
    public void Heartbeat(long ramBytes) => HeartbeatAs(Self, ramBytes);

    /// <summary>Records another process's heartbeat (tests of the machine budget).</summary>
    internal void HeartbeatAs(ProcessIdentity process, long ramBytes) => Locked(() =>
        Cmd(_db, null, "INSERT OR REPLACE INTO processes(pid, start, ram_bytes, heartbeat) VALUES($p, $s, $b, $now)",
            ("$p", process.Pid), ("$s", process.StartTicks), ("$b", ramBytes), ("$now", Now)).ExecuteNonQuery());

    /// <summary>Removes this process's usage row (on shutdown).</summary>
    public void Unregister() => Locked(() =>
        Cmd(_db, null, "DELETE FROM processes WHERE pid=$p AND start=$s", ("$p", Self.Pid), ("$s", Self.StartTicks)).ExecuteNonQuery());

    /// <summary>
    /// RAM bytes held by the other live processes sharing this cache directory. Rows of dead processes, or with a
    /// heartbeat older than <paramref name="staleAfter"/>, are removed.
    /// </summary>
    public long OtherProcessesRamBytes(TimeSpan staleAfter) => Locked(() =>
    {
        var rows = new List<(ProcessIdentity P, long Bytes, long Beat)>();
        using (var cmd = Cmd(_db, null, "SELECT pid, start, ram_bytes, heartbeat FROM processes"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read()) rows.Add((new ProcessIdentity(r.GetInt32(0), r.GetInt64(1)), r.GetInt64(2), r.GetInt64(3)));
        }
        long sum = 0;
        foreach (var (p, bytes, beat) in rows)
        {
            if (p == Self) continue;
            if (beat < Now - (long)staleAfter.TotalMilliseconds || !p.IsAlive)
            {
                Cmd(_db, null, "DELETE FROM processes WHERE pid=$p AND start=$s", ("$p", p.Pid), ("$s", p.StartTicks)).ExecuteNonQuery();
                continue;
            }
            sum += bytes;
        }
        return sum;
    });

    /// <summary>All counters.</summary>
    public IReadOnlyDictionary<string, long> Counters() => Locked(() =>
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        using var cmd = Cmd(_db, null, "SELECT name, value FROM counters");
        using var r = cmd.ExecuteReader();
        while (r.Read()) d[r.GetString(0)] = r.GetInt64(1);
        return (IReadOnlyDictionary<string, long>)d;
    });

    /// <inheritdoc/>
    /// <remarks>Best effort: an index that fails (full disk, damaged) records nothing; sub-grid reuse is an optimisation.</remarks>
    public void Add(Key group, Key member, string data) => BestEffort(0, () =>
        Cmd(_db, null, "INSERT OR REPLACE INTO catalog(grp, member, data, added) VALUES($g, $m, $d, $now)",
            ("$g", group.ToString()), ("$m", member.ToString()), ("$d", data), ("$now", Now)).ExecuteNonQuery());

    /// <inheritdoc/>
    /// <remarks>Best effort: an index that fails (damaged) finds nothing, and the request is computed.</remarks>
    public IReadOnlyList<(Key Member, string Data)> Find(Key group, int limit = 64) => BestEffort<IReadOnlyList<(Key, string)>>([], () =>
    {
        var list = new List<(Key, string)>();
        using var cmd = Cmd(_db, null, "SELECT member, data FROM catalog WHERE grp=$g ORDER BY added DESC LIMIT $l",
            ("$g", group.ToString()), ("$l", limit));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (Key.TryParse(r.GetString(0), out var m)) list.Add((m, r.GetString(1)));
        }
        return (IReadOnlyList<(Key, string)>)list;
    });

    /// <inheritdoc/>
    public void Remove(Key group, Key member) => BestEffort(0, () =>
        Cmd(_db, null, "DELETE FROM catalog WHERE grp=$g AND member=$m", ("$g", group.ToString()), ("$m", member.ToString())).ExecuteNonQuery());

    /// <inheritdoc/>
    /// <remarks>Best effort: an index that fails remembers nothing, and the source is asked again.</remarks>
    public SourceVersionRecord? GetSourceVersion(string identity) => BestEffort<SourceVersionRecord?>(null, () =>
    {
        using var cmd = Cmd(_db, null,
            "SELECT token, length, etag, last_modified, version_id, checked FROM source_versions WHERE identity=$i", ("$i", identity));
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }
        return new SourceVersionRecord(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));
    });

    /// <inheritdoc/>
    /// <remarks>Best effort, like <see cref="GetSourceVersion"/>.</remarks>
    public void PutSourceVersion(string identity, SourceVersionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        BestEffort(0, () => Cmd(_db, null,
            "INSERT OR REPLACE INTO source_versions(identity, token, length, etag, last_modified, version_id, checked) " +
            "VALUES($i, $t, $l, $e, $m, $v, $c)",
            ("$i", identity), ("$t", record.Token), ("$l", record.Length), ("$e", record.ETag),
            ("$m", record.LastModified?.ToUnixTimeMilliseconds()), ("$v", record.VersionId),
            ("$c", record.CheckedAt.ToUnixTimeMilliseconds())).ExecuteNonQuery());
    }

    /// <inheritdoc/>
    /// <remarks>Writes the statistics still pending first (see <see cref="RecordAccess"/>).</remarks>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            TryFlushStatisticsLocked();
            _disposed = true;
            DisposePreparedLocked();
            _db.Dispose();
        }
        DisposeFlushTimer();
    }
}
