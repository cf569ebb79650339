using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tests.Index;

/// <summary>
/// Batched access statistics on a real SQLite file: held in memory, then written on a full batch, on the timer, before
/// this process's next index call and on dispose. A second connection (another process's view) reads what was written.
/// </summary>
public sealed class MachineIndexStatisticsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-stats-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimerTime _time = new();
    private readonly List<MachineIndex> _indexes = [];

    public void Dispose()
    {
        foreach (var i in _indexes) i.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private MachineIndex Open(bool timer = false)
    {
        var index = new MachineIndex(_dir, _time);
        if (!timer) index.StatisticsFlushDelay = Timeout.InfiniteTimeSpan;
        _indexes.Add(index);
        return index;
    }

    private static Key Ready(MachineIndex index, string name, DateTimeOffset at)
    {
        var k = Key.Hash(name);
        Assert.NotNull(index.Reserve(k, "disk", 100, 1 << 20, at, null, 1, (c, n) => []));
        index.Commit(k, "disk", 100);
        return k;
    }

    [Fact]
    public void RecordAccess_Pending_IsWrittenOnDispose()
    {
        var writer = Open();
        var reader = Open();
        var k = Ready(writer, "a", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5));
        for (int i = 0; i < 3; i++)
        {
            writer.RecordAccess(k, "disk");
            writer.Count("disk.hits");
        }

        Assert.Equal(6, writer.PendingStatistics);
        Assert.Equal(0, reader.Get(k, "disk")!.Hits);
        Assert.False(reader.Counters().ContainsKey("disk.hits"));

        writer.Dispose();

        var row = reader.Get(k, "disk")!;
        Assert.Equal(3, row.Hits);
        Assert.Equal(_time.GetUtcNow(), row.LastAccess);
        Assert.Equal(3, reader.Counters()["disk.hits"]);
    }

    [Fact]
    public void RecordAccess_OwnNextCall_SeesPendingStatistics()
    {
        var index = Open();
        var k = Ready(index, "a", _time.GetUtcNow());
        index.RecordAccess(k, "disk");
        index.RecordAccess(k, "disk");
        index.Count("disk.misses", 4);

        Assert.Equal(2, index.Get(k, "disk")!.Hits);
        Assert.Equal(0, index.PendingStatistics);
        Assert.Equal(4, index.Counters()["disk.misses"]);
    }

    [Fact]
    public void RecordAccess_FullBatch_IsWrittenWithoutWaiting()
    {
        var writer = Open();
        var reader = Open();
        var k = Ready(writer, "a", _time.GetUtcNow());
        for (int i = 0; i < MachineIndex.StatisticsBatchSize - 1; i++)
        {
            writer.RecordAccess(k, "disk");
        }
        Assert.Equal(0, reader.Get(k, "disk")!.Hits);

        writer.RecordAccess(k, "disk");

        Assert.Equal(0, writer.PendingStatistics);
        Assert.Equal(MachineIndex.StatisticsBatchSize, reader.Get(k, "disk")!.Hits);
    }

    [Fact]
    public void RecordAccess_Timer_WritesTheBatchAfterTheDelay()
    {
        var writer = Open(timer: true);
        var reader = Open();
        var k = Ready(writer, "a", _time.GetUtcNow());
        Assert.Empty(_time.Timers);

        writer.RecordAccess(k, "disk");
        writer.RecordAccess(k, "disk");

        var timer = Assert.Single(_time.Timers);
        Assert.Equal(writer.StatisticsFlushDelay, timer.Due);
        Assert.Equal(0, reader.Get(k, "disk")!.Hits);
        timer.Fire();
        Assert.Equal(2, reader.Get(k, "disk")!.Hits);
        Assert.Equal(0, writer.PendingStatistics);

        // Armed again by the next record, not left running while nothing is pending.
        Assert.Equal(Timeout.InfiniteTimeSpan, timer.Due);
        writer.RecordAccess(k, "disk");
        Assert.Equal(writer.StatisticsFlushDelay, timer.Due);
    }

    [Fact]
    public void RecordAccess_LaterAccessOfAnotherProcess_IsNotMovedBack()
    {
        var early = Open();
        var late = Open();
        var k = Ready(early, "a", _time.GetUtcNow());
        early.RecordAccess(k, "disk");
        _time.Advance(TimeSpan.FromMinutes(1));
        late.RecordAccess(k, "disk");
        late.FlushStatistics();

        early.FlushStatistics();

        var row = late.Get(k, "disk")!;
        Assert.Equal(2, row.Hits);
        Assert.Equal(_time.GetUtcNow(), row.LastAccess);
    }

    [Fact]
    public async Task DiskTierHits_ReachTheIndexOnClose_AndFeedEviction()
    {
        var index = Open();
        var tier = new DiskTier(new DiskTierOptions { Path = _dir, MaxBytes = 1 << 20 }, index, new ValueCodecs(), time: _time);
        var hot = new CacheEntry(Key.Hash("hot"), new BinaryValue("text/plain", new byte[1000]), _time.GetUtcNow(), null, 1);
        var cold = new CacheEntry(Key.Hash("cold"), new BinaryValue("text/plain", new byte[1000]), _time.GetUtcNow(), null, 1);
        await tier.PutAsync(hot);
        _time.Advance(TimeSpan.FromSeconds(1));
        await tier.PutAsync(cold);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await tier.TryGetAsync(hot.Key));
        Assert.NotNull(await tier.TryGetAsync(hot.Key));
        Assert.Null(await tier.TryGetAsync(Key.Hash("absent")));

        // The recency the LRU policy evicts by is the batched one: "cold" was put after "hot" but read before it.
        var victims = index.Reserve(Key.Hash("new"), "disk", (1 << 20) - 1500, 1 << 20, _time.GetUtcNow(), null, 1,
            (candidates, needed) => candidates.OrderBy(c => c.LastAccess).Take(1).ToList());
        Assert.Equal(cold.Key, Assert.Single(victims!).Key);
        Assert.True(index.Remove(Key.Hash("new"), "disk"));
        Assert.NotNull(await tier.TryGetAsync(hot.Key));
        index.Dispose();

        using var reopened = new MachineIndex(_dir, _time);
        Assert.Equal(3, reopened.Get(hot.Key, "disk")!.Hits);
        var counters = reopened.Counters();
        Assert.Equal(3, counters["disk.hits"]);
        Assert.Equal(1, counters["disk.misses"]);
    }

    [Fact]
    public void RecordAccess_AfterDispose_Throws()
    {
        var index = Open();
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.RecordAccess(Key.Hash("a"), "disk"));
        Assert.Throws<ObjectDisposedException>(() => index.Count("disk.hits"));
    }

    /// <summary>A clock moved by hand whose timers fire only when a test fires them.</summary>
    private sealed class ManualTimerTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public List<ManualTimer> Timers { get; } = [];

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var t = new ManualTimer(callback, state) { Due = dueTime };
            Timers.Add(t);
            return t;
        }
    }

    private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
    {
        public TimeSpan Due { get; set; }

        public void Fire()
        {
            Due = Timeout.InfiniteTimeSpan;
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime;
            return true;
        }

        public void Dispose() => Due = Timeout.InfiniteTimeSpan;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
