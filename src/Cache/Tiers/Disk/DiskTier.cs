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
/// <see cref="MachineIndex"/>.
/// </summary>
public sealed class DiskTier : ICacheTier
{
    private const int BufferSize = 1 << 20;
    private readonly DiskTierOptions _options;
    private readonly MachineIndex _index;
    private readonly ValueCodecs _codecs;
    private readonly Func<IEvictionPolicy> _policyFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _entries;
    private readonly string _tmp;
    private long _hits, _misses, _evictions, _expirations, _corrupt;

    /// <summary>Opens the tier; reclaims space reserved by writers that died mid-write.</summary>
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
    }

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

    /// <summary>The most bytes the tier may hold now: <see cref="MaxBytes"/>, or less when <see cref="Scope"/> says so.</summary>
    public long CurrentLimit() => Budgets.BudgetLimit.Of(_options.MaxBytes, Scope);

    /// <summary>The file that holds <paramref name="key"/>'s entry.</summary>
    public string PathOf(Key key)
    {
        string hex = key.ToString();
        return Path.Combine(_entries, hex[..2], hex[2..4], hex + ".pce");
    }

    /// <inheritdoc/>
    public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default)
    {
        string path = PathOf(key);
        CacheEntry entry;
        try
        {
            using var fs = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = BufferSize,
                Options = FileOptions.SequentialScan,
            });
            entry = EntryFormat.Read(fs, fs.Length, _codecs, key);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Interlocked.Increment(ref _misses);
            _index.Count("disk.misses");
            return ValueTask.FromResult<CacheEntry?>(null);
        }
        catch (CacheCorruptException ex)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _misses);
            _log.LogWarning("Removed corrupt cache file {Path}: {Reason}", path, ex.Message);
            TryDelete(path);
            _index.Remove(key, Name);
            _index.Count("disk.corrupt");
            return ValueTask.FromResult<CacheEntry?>(null);
        }
        if (entry.IsExpired(_time.GetUtcNow()))
        {
            Interlocked.Increment(ref _expirations);
            Interlocked.Increment(ref _misses);
            TryDelete(path);
            _index.Remove(key, Name);
            return ValueTask.FromResult<CacheEntry?>(null);
        }
        Interlocked.Increment(ref _hits);
        _index.RecordAccess(key, Name);
        _index.Count("disk.hits");
        return ValueTask.FromResult<CacheEntry?>(entry);
    }

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default)
    {
        string path = PathOf(key);
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            var header = EntryFormat.ReadHeader(fs);
            bool live = header.Key == key && !(header.Expires is { } e && _time.GetUtcNow() >= e);
            return ValueTask.FromResult(live);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or CacheCorruptException)
        {
            return ValueTask.FromResult(false);
        }
    }

    /// <summary>Reads the header of an entry without its payload (for inspect); null when absent or corrupt.</summary>
    public EntryHeader? ReadHeader(Key key)
    {
        try
        {
            using var fs = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            return EntryFormat.ReadHeader(fs);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or CacheCorruptException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var codec = _codecs.For(entry.Value);
        if (codec is null)
        {
            _log.LogDebug("No codec stores {Type}; not written to disk", entry.Value.GetType().Name);
            return ValueTask.CompletedTask;
        }
        // Reserve before writing so concurrent writers in all processes together stay within the budget.
        long estimate = entry.SizeBytes + 4096;
        var victims = _index.Reserve(entry.Key, Name, estimate, CurrentLimit(), entry.Created, entry.Expires,
            entry.ComputeSeconds, ChooseVictims);
        if (victims is null)
        {
            _log.LogDebug("Entry {Key} ({Bytes} B) does not fit the disk budget now; not written", entry.Key, estimate);
            return ValueTask.CompletedTask;
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
                BufferSize = BufferSize,
            }))
            {
                written = EntryFormat.Write(fs, entry, codec, _options.Lz4);
                // Data must be on disk before the rename publishes it, or a crash could publish a hole.
                fs.Flush(flushToDisk: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(tmp, final, overwrite: true);
            _index.Commit(entry.Key, Name, written);
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
        return ValueTask.CompletedTask;
    }

    private IReadOnlyList<Index.IndexEntry> ChooseVictims(IReadOnlyList<Index.IndexEntry> candidates, long needed) =>
        Index.VictimSelector.Choose(candidates, needed, _time.GetUtcNow(), _policyFactory);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default)
    {
        bool existed = TryDelete(PathOf(key));
        existed |= _index.Remove(key, Name);
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

    /// <summary>Removes every entry; returns how many.</summary>
    public int Clear()
    {
        int n = 0;
        foreach (var e in _index.Entries(Name))
        {
            TryDelete(PathOf(e.Key));
            _index.Remove(e.Key, Name);
            n++;
        }
        return n;
    }

    /// <inheritdoc/>
    public TierStatistics GetStatistics()
    {
        var rows = _index.Entries(Name);
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
