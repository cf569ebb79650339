using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PodCache.Cache.Index;

/// <summary>
/// The parts of the machine index that survive a damaged or failing database: error descriptions, best-effort calls,
/// moving a damaged file aside and re-registering entry rows that a rebuilt index lost.
/// </summary>
public sealed partial class MachineIndex
{
    /// <summary>The index file's name inside the cache directory.</summary>
    public const string FileName = "index.db";

    // SQLite result codes (https://sqlite.org/rescode.html) that mean the file itself is damaged, not busy or full.
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// Adds a ready row for an entry found on storage unless the index already has a row for it (a reservation of a
    /// writer in progress included); true when it was added. Rebuilding an index never overrides what it knows.
    /// </summary>
    public bool AddIfMissing(IndexEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Locked(() => Cmd(_db, null, """
            INSERT OR IGNORE INTO entries(key, tier, bytes, created, expires, cost, hits, last_access, ready)
            VALUES($k, $t, $b, $c, $e, $cost, $h, $la, 1)
            """, ("$k", e.Key.ToString()), ("$t", e.Tier), ("$b", e.Bytes), ("$c", e.Created.ToUnixTimeMilliseconds()),
            ("$e", e.Expires?.ToUnixTimeMilliseconds()), ("$cost", e.ComputeSeconds), ("$h", e.Hits),
            ("$la", e.LastAccess.ToUnixTimeMilliseconds())).ExecuteNonQuery() > 0);
    }

    /// <summary>
    /// Checks the index in <paramref name="directory"/> and, when the file is damaged (not a SQLite database, fails
    /// SQLite's quick check, or is a directory), renames it (with its WAL) to <c>index.db.corrupt-TIMESTAMP</c> so the
    /// next open starts a new index and registers the entry files again. A busy, full or unwritable index is left
    /// alone: it is not damaged. Returns the new name and the reason, or null when nothing was moved.
    /// </summary>
    /// <exception cref="IOException">The damaged index cannot be renamed.</exception>
    public static (string MovedTo, string Reason)? MoveAsideIfDamaged(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        string? reason = Directory.Exists(path) ? "it is a directory, not a file" : File.Exists(path) ? Check(path) : null;
        if (reason is null) return null;
        string stamp = (time ?? TimeProvider.System).GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string aside = path + ".corrupt-" + stamp;
        if (Directory.Exists(path)) Directory.Move(path, aside);
        else File.Move(path, aside);
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
        }
        return (aside, reason);
    }

    private static string? Check(string path)
    {
        try
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 5,
            }.ToString());
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA quick_check(1);";
            string result = cmd.ExecuteScalar() as string ?? "no answer";
            return result == "ok" ? null : "SQLite's quick check: " + result;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            return Describe(ex);
        }
    }

    /// <summary>Caps the database at <paramref name="pages"/> pages on this connection: a full disk, for tests.</summary>
    internal void LimitPages(long pages) => Locked(() =>
    {
        Exec(string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count={pages};"));
        return 0;
    });

    /// <summary>The database's size in pages.</summary>
    internal long PageCount() => Locked(() =>
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "PRAGMA page_count;";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>A SQLite error in a few words: <c>SQLite Error 26: 'file is not a database'</c>.</summary>
    internal static string Describe(SqliteException ex) => ex.Message.TrimEnd('.');

    /// <summary>Runs <paramref name="f"/>; a failing database gives <paramref name="fallback"/> instead of an exception.</summary>
    private T BestEffort<T>(T fallback, Func<T> f)
    {
        try
        {
            return Locked(f);
        }
        catch (SqliteException)
        {
            return fallback;
        }
    }
}
