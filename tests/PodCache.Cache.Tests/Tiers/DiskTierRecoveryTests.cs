using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The disk tier over a failing index and over things that are not entry files, on a real SQLite file.</summary>
public sealed class DiskTierRecoveryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-diskrec-" + Guid.NewGuid().ToString("N"));
    private readonly List<MachineIndex> _indexes = [];
    private readonly FakeTime _time = new();
    private readonly Warnings _log = new();

    public void Dispose()
    {
        foreach (var i in _indexes) i.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private (DiskTier Tier, MachineIndex Index) Open(long maxBytes = 1L << 30)
    {
        var index = new MachineIndex(_dir, _time);
        _indexes.Add(index);
        return (new DiskTier(new DiskTierOptions { Path = _dir, MaxBytes = maxBytes }, index, new ValueCodecs(), time: _time, logger: _log), index);
    }

    private CacheEntry Entry(string name, int padTo = 100, double cost = 1.5) =>
        new(Key.Hash(name), new BinaryValue("text/plain", Encoding.UTF8.GetBytes(name.PadRight(padTo, '.'))), _time.GetUtcNow(),
            _time.GetUtcNow() + TimeSpan.FromDays(1), cost, "{}");

    private IEnumerable<string> EntryFiles() =>
        Directory.EnumerateFiles(Path.Combine(_dir, "entries"), "*.pce", SearchOption.AllDirectories);

    [Fact]
    public async Task Put_IndexFull_SkipsWritesWarnsOnceAndLeavesNoUnaccountedFile()
    {
        var (tier, index) = Open();
        await tier.PutAsync(Entry("first"));
        index.LimitPages(index.PageCount());
        int attempted = 0;
        while (tier.IsAvailable && attempted < 5000)
        {
            await tier.PutAsync(Entry("k" + attempted++));
        }

        Assert.False(tier.IsAvailable);
        Assert.Single(_log.Lines, l => l.Contains("failed", StringComparison.Ordinal) && l.Contains("full", StringComparison.Ordinal));
        Assert.Null(await tier.TryGetAsync(Key.Hash("first")));
        await tier.PutAsync(Entry("after"));
        Assert.Single(_log.Lines);
        // Every file on disk has a ready row (read through a second connection, without the page cap), and back.
        using var other = new MachineIndex(_dir, _time);
        var rows = other.Entries(TierNames.Disk).Where(r => r.Ready).Select(r => tier.PathOf(r.Key)).ToHashSet();
        Assert.Equal(rows.Order(), EntryFiles().Order());
        Assert.Contains(tier.PathOf(Key.Hash("first")), rows);
    }

    [Fact]
    public async Task Open_NewIndexOverEntryFiles_RegistersThemForBudgetStatsAndClear()
    {
        var (tier, index) = Open();
        var entries = new[] { Entry("a", 1000, 0.25), Entry("b", 2000, 2), Entry("c", 3000, 7) };
        foreach (var e in entries) await tier.PutAsync(e);
        var before = index.Entries(TierNames.Disk).ToDictionary(r => r.Key);
        index.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in Directory.EnumerateFiles(_dir, MachineIndex.FileName + "*")) File.Delete(f);

        var (reopened, newIndex) = Open();

        Assert.Equal(3, reopened.RegisteredAtOpen);
        var after = newIndex.Entries(TierNames.Disk).ToDictionary(r => r.Key);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, row) in before)
        {
            Assert.Equal(row.Bytes, after[key].Bytes);
            Assert.Equal(row.ComputeSeconds, after[key].ComputeSeconds);
            Assert.Equal(row.Created, after[key].Created);
            Assert.Equal(row.Expires, after[key].Expires);
            Assert.True(after[key].Ready);
        }
        Assert.Equal(before.Values.Sum(r => r.Bytes), reopened.GetStatistics().Bytes);
        Assert.NotNull(await reopened.TryGetAsync(Key.Hash("b")));
        Assert.Equal(3, reopened.Clear());
        Assert.Empty(EntryFiles());
    }

    [Fact]
    public async Task Reconcile_RowWithoutFile_IsDroppedAndUnknownFileRegistered()
    {
        var (tier, index) = Open();
        await tier.PutAsync(Entry("kept"));
        await tier.PutAsync(Entry("lost"));
        File.Delete(tier.PathOf(Key.Hash("lost")));
        index.Remove(Key.Hash("kept"), TierNames.Disk);

        var (registered, dropped, removed) = tier.Reconcile();

        Assert.Equal((1, 1, 0), (registered, dropped, removed));
        Assert.Equal([Key.Hash("kept")], index.Entries(TierNames.Disk).Select(r => r.Key));
    }

    [Fact]
    public async Task TryGet_DirectoryAtEntryPath_IsAMissAndAnEmptyOneIsRemoved()
    {
        var (tier, _) = Open();
        var full = Entry("full");
        var empty = Entry("empty");
        await tier.PutAsync(full);
        await tier.PutAsync(empty);
        foreach (var e in new[] { full, empty })
        {
            File.Delete(tier.PathOf(e.Key));
            Directory.CreateDirectory(tier.PathOf(e.Key));
        }
        File.WriteAllText(Path.Combine(tier.PathOf(full.Key), "someone's file"), "x");

        Assert.Null(await tier.TryGetAsync(full.Key));
        Assert.Null(await tier.TryGetAsync(empty.Key));
        Assert.False(await tier.ContainsAsync(full.Key));
        Assert.Null(tier.ReadHeader(full.Key));

        Assert.True(Directory.Exists(tier.PathOf(full.Key)));
        Assert.False(Directory.Exists(tier.PathOf(empty.Key)));
        Assert.Equal(0, tier.GetStatistics().Entries);
        // A later write of the emptied path works again.
        await tier.PutAsync(empty);
        Assert.NotNull(await tier.TryGetAsync(empty.Key));
    }

    [Fact]
    public async Task TryGet_FifoAtEntryPath_IsAMissThatDoesNotBlockAndTheFifoIsRemoved()
    {
        var (tier, _) = Open();
        var e = Entry("piped");
        await tier.PutAsync(e);
        string path = tier.PathOf(e.Key);
        File.Delete(path);
        using (var mkfifo = Process.Start("mkfifo", path))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for reading blocks until a writer comes: the tier must not open it.
        var got = await tier.TryGetAsync(e.Key).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Null(got);
        Assert.False(File.Exists(path));
        Assert.Contains(_log.Lines, l => l.Contains(path, StringComparison.Ordinal) && l.Contains("FIFO", StringComparison.Ordinal));
    }

    /// <summary>Collects the tier's warnings.</summary>
    private sealed class Warnings : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines) return _lines.ToList();
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (_lines) _lines.Add(formatter(state, exception));
        }
    }
}
