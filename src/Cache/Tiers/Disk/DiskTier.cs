using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Serialization;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>
/// One file per entry under a cache directory shared by every process on the machine. Files are written to a temp
/// file, flushed and renamed, so a reader sees a whole entry or none; every read verifies the checksum, and a corrupt
/// file is a miss that is deleted and logged. Sizes, access statistics and the machine-wide budget live in the
/// <see cref="MachineIndex"/>. When the index fails while the process runs (a full disk, a damaged file), the tier
/// says so once and turns itself off: reads miss and writes are skipped, so values are computed instead. Anything
/// other than a regular file where an entry file belongs (a directory, a FIFO) is a miss, never a read that blocks.
/// </summary>
public sealed class DiskTier : ICacheTier
{
    private const int BufferSize = 1 << 20;
    private const int WriteBufferSize = 16 * 1024;
    private readonly DiskTierOptions _options;
    private readonly MachineIndex _index;
    private readonly ValueCodecs _codecs;
    private readonly Func<IEvictionPolicy> _policyFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _entries;
    private readonly string _tmp;
    private long _hits, _misses, _evictions, _expirations, _corrupt;
    private int _indexFailed;

    /// <summary>The index setting that records when the entry files were last registered (see <see cref="Reconcile"/>).</summary>
    internal const string RegisteredSetting = "disk.entriesRegistered";

    /// <summary>
    /// Opens the tier; reclaims space reserved by writers that died mid-write, and registers the entry files when the
    /// index has never seen them (it is new: lost, deleted or moved aside as damaged).
    /// </summary>
    /// <exception cref="SqliteException">The index fails (damaged, full); <see cref="CacheStack"/> then runs without disk.</exception>
    public DiskTier(DiskTierOptions options, MachineIndex index, ValueCodecs codecs, Func<IEvictionPolicy>? policyFactory = null,
        TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(codecs);
        _options = options;
        _index = index;
        _codecs = codecs;
        _policyFactory = policyFactory ?? (() => new LruPolicy());
        _time = time ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;
        Root = Path.GetFullPath(options.Path);
        _entries = Path.Combine(Root, "entries");
        _tmp = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(_entries);
        Directory.CreateDirectory(_tmp);
        Recover();
        if (_index.GetSetting(RegisteredSetting) is null)
        {
            var (registered, _, _) = Reconcile();
            RegisteredAtOpen = registered;
            if (registered > 0)
            {
                _log.LogWarning("The cache index {Path} did not know {Count} entry files (it is new); registered them", _index.Path, registered);
            }
        }
    }

    /// <summary>Entry files registered when the tier opened over a new index (see <see cref="Reconcile"/>).</summary>
    public int RegisteredAtOpen { get; }

    /// <summary>False once the index failed in this process: the tier then misses and skips writes.</summary>
    public bool IsAvailable => Volatile.Read(ref _indexFailed) == 0;

    /// <inheritdoc/>
    public string Name => TierNames.Disk;

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary>The machine-wide budget.</summary>
    public long MaxBytes => _options.MaxBytes;

    /// <summary>
    /// A budget shared beyond this tier (a cluster member's share of the cluster's disk budget), asked before every
    /// write; the tier then holds at most the smaller of it and <see cref="MaxBytes"/>. Null: only <see cref="MaxBytes"/>.
    /// </summary>
    public Budgets.IBudgetScope? Scope { get; set; }

    /// <summary>
    /// The index counter of bytes that other files in the cache directory (run manifests under <c>runs/</c>) occupy;
    /// they count against <see cref="MaxBytes"/>, so entries get what they leave.
    /// </summary>
    public const string DirectoryFilesCounter = "runs.bytes";

    /// <summary>
    /// The most bytes the tier's entries may hold now: <see cref="MaxBytes"/> (or less when <see cref="Scope"/> says so)
    /// minus the bytes of run manifests kept in the directory (<see cref="DirectoryFilesCounter"/>).
    /// </summary>
    public long CurrentLimit() =>
        Math.Max(0, Budgets.BudgetLimit.Of(_options.MaxBytes, Scope) - Math.Max(0, _index.CounterValue(DirectoryFilesCounter)));

    /// <summary>The file that holds <paramref name="key"/>'s entry.</summary>
    public string PathOf(Key key)
    {
        string hex = key.ToString();
        return Path.Combine(_entries, hex[..2], hex[2..4], hex + ".pce");
    }

    /// <inheritdoc/>
    public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable) return ValueTask.FromResult<CacheEntry?>(null);
        try
        {
            return ValueTask.FromResult(TryGet(key));
        }
        catch (SqliteException ex)
        {
            IndexFailed(ex);
            return ValueTask.FromResult<CacheEntry?>(null);
        }
    }

    private CacheEntry? TryGet(Key key)
    {
        string path = PathOf(key);
        if (!IsEntryFile(path))
        {
            Interlocked.Increment(ref _misses);
            RemoveNonEntry(key, path);
            _index.Count("disk.misses");
            return null;
        }
        CacheEntry entry;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
            long length = RandomAccess.GetLength(handle);
            using var stream = new EntryFileReadStream(handle, length);
            entry = EntryFormat.Read(stream, length, _codecs, key);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Interlocked.Increment(ref _misses);
            _index.Count("disk.misses");
            return null;
        }
        catch (CacheCorruptException ex)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _misses);
            _log.LogWarning("Removed corrupt cache file {Path}: {Reason}", path, ex.Message);
            TryDelete(path);
            _index.Remove(key, Name);
            _index.Count("disk.corrupt");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Replaced by something unreadable between the check and the open: a miss, not a failed run.
            Interlocked.Increment(ref _misses);
            _log.LogWarning("Could not read cache file {Path}: {Reason}", path, ex.Message);
            return null;
        }
        if (entry.IsExpired(_time.GetUtcNow()))
        {
            Interlocked.Increment(ref _expirations);
            Interlocked.Increment(ref _misses);
            TryDelete(path);
            _index.Remove(key, Name);
            return null;
        }
        Interlocked.Increment(ref _hits);
        _index.RecordAccess(key, Name);
        _index.Count("disk.hits");
        return entry;
    }

    /// <summary>
    /// True when <paramref name="path"/> is a non-empty regular file. A FIFO or device reports length 0 (as does an
    /// empty file, never a whole entry since entries are renamed into place), so nothing is opened that could block.
    /// </summary>
    private static bool IsEntryFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.Directory) == 0 && info.Length > 0;
    }

    /// <summary>
    /// Something that is not an entry file sits where <paramref name="key"/>'s file belongs (a directory, a FIFO, an
    /// empty file): removed when that is safe (an empty directory, or anything but a directory), and its row dropped.
    /// </summary>
    /// <returns>True when it was removed.</returns>
    private bool RemoveNonEntry(Key key, string path)
    {
        bool removed;
        if (Directory.Exists(path))
        {
            try
            {
                Directory.Delete(path, recursive: false);
                removed = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                removed = false;
            }
            _log.LogWarning("A directory sits where cache file {Path} belongs; {Action}", path,
                removed ? "removed it (it was empty)" : "left it (it is not empty) and treat the entry as a miss");
        }
        else if (File.Exists(path))
        {
            // An empty file is an entry cut short (as good as corrupt); a FIFO or device reports length 0 too.
            Interlocked.Increment(ref _corrupt);
            _index.Count("disk.corrupt");
            removed = TryDelete(path);
            _log.LogWarning("{Path} is not a cache file (empty, a FIFO or a device); {Action}", path, removed ? "removed it" : "skipped it");
        }
        else
        {
            return false;
        }
        _index.Remove(key, Name);
        return removed;
    }

    private void IndexFailed(SqliteException ex)
    {
        if (Interlocked.Exchange(ref _indexFailed, 1) == 0)
        {
            _log.LogWarning(
                "The cache index {Path} failed ({Reason}); the disk tier is off for the rest of this process and values are computed instead. " +
                "If the index is damaged, `podcache cache gc` moves it aside and rebuilds it from the entry files",
                _index.Path, MachineIndex.Describe(ex));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default)
    {
        string path = PathOf(key);
        if (!IsAvailable || !IsEntryFile(path)) return ValueTask.FromResult(false);
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            var header = EntryFormat.ReadHeader(fs);
            bool live = header.Key == key && !(header.Expires is { } e && _time.GetUtcNow() >= e);
            return ValueTask.FromResult(live);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CacheCorruptException)
        {
            return ValueTask.FromResult(false);
        }
    }

    /// <summary>Reads the header of an entry without its payload (for inspect); null when absent or corrupt.</summary>
    public EntryHeader? ReadHeader(Key key)
    {
        if (!IsEntryFile(PathOf(key))) return null;
        try
        {
            using var fs = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            return EntryFormat.ReadHeader(fs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CacheCorruptException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!IsAvailable) return ValueTask.CompletedTask;
        var codec = _codecs.For(entry.Value);
        if (codec is null)
        {
            _log.LogDebug("No codec stores {Type}; not written to disk", entry.Value.GetType().Name);
            return ValueTask.CompletedTask;
        }
        try
        {
            Put(entry, codec);
        }
        catch (SqliteException ex)
        {
            IndexFailed(ex);
        }
        return ValueTask.CompletedTask;
    }

    private void Put(CacheEntry entry, IValueCodec codec)
    {
        // Reserve before writing so concurrent writers in all processes together stay within the budget.
        long estimate = entry.SizeBytes + 4096;
        var victims = _index.Reserve(entry.Key, Name, estimate, CurrentLimit(), entry.Created, entry.Expires,
            entry.ComputeSeconds, ChooseVictims);
        if (victims is null)
        {
            _log.LogDebug("Entry {Key} ({Bytes} B) does not fit the disk budget now; not written", entry.Key, estimate);
            return;
        }
        DeleteVictims(victims);
        string final = PathOf(entry.Key);
        string tmp = Path.Combine(_tmp, $"{entry.Key}.{_index.Self.Pid}.{_index.Self.StartTicks}.{Guid.NewGuid():N}.tmp");
        try
        {
            long written;
            using (var fs = new FileStream(tmp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                // Far smaller than the hashing writer's chunks, so the payload goes from the value to the kernel without a
                // second copy through this buffer; it still gathers the prefix, header and codec metadata into one write.
                BufferSize = WriteBufferSize,
            }))
            {
                written = EntryFormat.Write(fs, entry, codec, _options.Lz4);
                // Data must be on disk before the rename publishes it, or a crash could publish a hole.
                fs.Flush(flushToDisk: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(tmp, final, overwrite: true);
            try
            {
                _index.Commit(entry.Key, Name, written);
            }
            catch (SqliteException)
            {
                // A file the index does not account for would be served but invisible to the budget: not kept.
                TryDelete(final);
                throw;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Could not write cache file for {Key}: {Reason}", entry.Key, ex.Message);
            TryDelete(tmp);
            _index.Remove(entry.Key, Name);
        }
        catch
        {
            TryDelete(tmp);
            _index.Remove(entry.Key, Name);
            throw;
        }
    }

    private IReadOnlyList<Index.IndexEntry> ChooseVictims(IReadOnlyList<Index.IndexEntry> candidates, long needed) =>
        Index.VictimSelector.Choose(candidates, needed, _time.GetUtcNow(), _policyFactory);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default)
    {
        bool existed = TryDelete(PathOf(key));
        try
        {
            existed |= IsAvailable && _index.Remove(key, Name);
        }
        catch (SqliteException ex)
        {
            IndexFailed(ex);
        }
        return ValueTask.FromResult(existed);
    }

    /// <summary>
    /// Evicts, in the policy's order, until the tier holds no more than <see cref="CurrentLimit"/> — for when
    /// <see cref="Scope"/> shrinks (a cluster member's share after shards moved away). Returns how many entries went.
    /// </summary>
    public int TrimToLimit()
    {
        var victims = _index.TrimToBudget(Name, CurrentLimit(), ChooseVictims);
        DeleteVictims(victims);
        return victims.Count;
    }

    /// <summary>Deletes the files of entries whose index rows were already given up.</summary>
    private void DeleteVictims(IReadOnlyList<Index.IndexEntry> victims)
    {
        foreach (var v in victims)
        {
            TryDelete(PathOf(v.Key));
            Interlocked.Increment(ref _evictions);
        }
    }

    /// <summary>Removes every expired entry; returns how many.</summary>
    public int CollectExpired()
    {
        var now = _time.GetUtcNow();
        int n = 0;
        foreach (var e in _index.Entries(Name))
        {
            if (e.Ready && e.Expires is { } x && now >= x)
            {
                TryDelete(PathOf(e.Key));
                _index.Remove(e.Key, Name);
                n++;
            }
        }
        Interlocked.Add(ref _expirations, n);
        return n;
    }

    /// <summary>Removes every entry, with or without a row in the index; returns how many.</summary>
    public int Clear()
    {
        int n = 0;
        foreach (var e in _index.Entries(Name))
        {
            TryDelete(PathOf(e.Key));
            _index.Remove(e.Key, Name);
            n++;
        }
        foreach (var (_, path) in EntryFiles())
        {
            if (TryDelete(path)) n++;
        }
        return n;
    }

    /// <summary>
    /// Makes the index agree with the entry files, for an index that was lost, rebuilt or edited: registers every
    /// entry file it has no row for (key, size, created, expiry and cost from the file's header), drops ready rows
    /// whose file is gone, and removes what cannot be served (damaged or expired files; a FIFO, an empty file or an
    /// empty directory where an entry file belongs). Rows of writers in progress are left alone. Then evicts down to
    /// the budget, since registered entries count against it. Also run by <c>podcache cache gc</c>.
    /// </summary>
    /// <returns>Entry files registered, rows dropped, and things removed.</returns>
    /// <exception cref="SqliteException">The index fails.</exception>
    public (int Registered, int Dropped, int Removed) Reconcile()
    {
        var now = _time.GetUtcNow();
        var rows = _index.Entries(Name).ToDictionary(r => r.Key);
        var seen = new HashSet<Key>();
        int registered = 0, dropped = 0, removed = 0;
        foreach (var (key, path) in EntryFiles())
        {
            if (!IsEntryFile(path))
            {
                if (RemoveNonEntry(key, path)) removed++;
                continue;
            }
            seen.Add(key);
            if (rows.ContainsKey(key)) continue;
            var header = ReadHeader(key);
            if (header is null || header.Key != key || header.Expires is { } x && now >= x)
            {
                if (TryDelete(path)) removed++;
                continue;
            }
            var info = new FileInfo(path);
            if (_index.AddIfMissing(new Index.IndexEntry(key, Name, info.Length, header.Created, header.Expires, header.ComputeSeconds, 0,
                new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), true)))
            {
                registered++;
            }
        }
        foreach (var row in rows.Values)
        {
            // Checked again: a file written after the listing started is not missing.
            if (row.Ready && !seen.Contains(row.Key) && !File.Exists(PathOf(row.Key)) && _index.Remove(row.Key, Name))
            {
                dropped++;
            }
        }
        _index.SetSetting(RegisteredSetting, now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        TrimToLimit();
        return (registered, dropped, removed);
    }

    /// <summary>Every name under <c>entries/</c> shaped like an entry file at its key's place, whatever it is.</summary>
    private IEnumerable<(Key Key, string Path)> EntryFiles()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var path in Directory.EnumerateFileSystemEntries(_entries, "*.pce", options))
        {
            string name = Path.GetFileName(path);
            if (Key.TryParse(name[..^4], out var key) && PathOf(key) == path)
            {
                yield return (key, path);
            }
        }
    }

    /// <inheritdoc/>
    public TierStatistics GetStatistics()
    {
        IReadOnlyList<Index.IndexEntry> rows;
        try
        {
            rows = IsAvailable ? _index.Entries(Name) : [];
        }
        catch (SqliteException ex)
        {
            IndexFailed(ex);
            rows = [];
        }
        return new TierStatistics(Name, rows.Count(r => r.Ready), rows.Sum(r => r.Bytes), _options.MaxBytes,
            Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _evictions),
            Interlocked.Read(ref _expirations));
    }

    /// <summary>Corrupt files found (and removed) by this process.</summary>
    public long CorruptCount => Interlocked.Read(ref _corrupt);

    private void Recover()
    {
        foreach (var key in _index.ReclaimAbandonedReservations(Name))
        {
            // A writer killed after its rename but before recording it left a whole, valid file: keep it.
            string path = PathOf(key);
            var header = ReadHeader(key);
            if (header is not null && header.Key == key)
            {
                try
                {
                    long len = new FileInfo(path).Length;
                    using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize);
                    EntryFormat.Read(fs, len, _codecs, key);
                    _index.Upsert(new Index.IndexEntry(key, Name, len, header.Created, header.Expires, header.ComputeSeconds, 0, header.Created, true));
                    continue;
                }
                catch (CacheCorruptException)
                {
                }
            }
            TryDelete(path);
        }
        foreach (var tmp in Directory.EnumerateFiles(_tmp, "*.tmp"))
        {
            var parts = Path.GetFileName(tmp).Split('.');
            if (parts.Length >= 5 && int.TryParse(parts[1], out var pid) && long.TryParse(parts[2], out var start)
                && !new ProcessIdentity(pid, start).IsAlive)
            {
                TryDelete(tmp);
            }
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
