using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The queue passes the tier contract in front of a RAM tier, and demotes in the background.</summary>
public sealed class DemotionQueueTests : CacheTierContract
{
    private readonly List<DemotionQueue> _queues = [];
    private readonly List<GatedTier> _gates = [];

    protected override ICacheTier CreateTier(long maxBytes) => Track(new DemotionQueue(new RamTier(maxBytes, time: Time), 16, 1 << 20, Time));

    private DemotionQueue Track(DemotionQueue q)
    {
        _queues.Add(q);
        return q;
    }

    /// <summary>A queue in front of a gated target; both released and disposed with the test.</summary>
    private (GatedTier Target, DemotionQueue Queue) Open(int maxEntries = 16, long maxBytes = 1 << 20)
    {
        var target = new GatedTier();
        _gates.Add(target);
        return (target, Track(new DemotionQueue(target, maxEntries, maxBytes, Time)));
    }

    /// <summary>Lets the target's writes finish and waits until the queue has written everything.</summary>
    private static async Task DrainAsync(GatedTier target, DemotionQueue queue)
    {
        target.Release();
        await queue.DisposeAsync();
    }

    public override void Dispose()
    {
        // A failed assertion must not leave a writer blocked for ever (disposing waits for it).
        foreach (var g in _gates)
        {
            g.Release();
        }
        foreach (var q in _queues)
        {
            q.Dispose();
        }
        base.Dispose();
    }

    /// <summary>A tier whose writes wait for <see cref="Release"/> and record the thread they ran on.</summary>
    private sealed class GatedTier : ICacheTier
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RamTier Inner { get; } = new(1 << 30);

        public List<int> WriterThreads { get; } = [];

        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => TierNames.Disk;

        public void Release() => _open.TrySetResult();

        public async ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
        {
            lock (WriterThreads)
            {
                WriterThreads.Add(Environment.CurrentManagedThreadId);
            }
            FirstWriteStarted.TrySetResult();
            await _open.Task;
            await Inner.PutAsync(entry, cancellationToken);
        }

        public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default) => Inner.TryGetAsync(key, cancellationToken);

        public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default) => Inner.ContainsAsync(key, cancellationToken);

        public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) => Inner.DeleteAsync(key, cancellationToken);

        public TierStatistics GetStatistics() => Inner.GetStatistics();
    }

    [Fact]
    public async Task Evict_WhileTheTargetIsBlocked_ReturnsWithoutWritingOnTheEvictingThread()
    {
        var (target, queue) = Open();
        var ram = new RamTier(15_000, time: Time);
        ram.Evicted += e => queue.TryEnqueue(e);
        int evictingThread = Environment.CurrentManagedThreadId;

        await ram.PutAsync(Entry("a", "a", padTo: 10_000));
        // Evicts "a"; completes even though the target will not finish a write until released.
        var put = ram.PutAsync(Entry("b", "b", padTo: 10_000)).AsTask();
        Assert.True(put.IsCompleted);
        await put;
        await target.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(evictingThread, target.WriterThreads);
        await DrainAsync(target, queue);
        Assert.True(await target.Inner.ContainsAsync(Key.Hash("a")));
    }

    [Fact]
    public async Task TryGet_WhileTheDemotionIsQueued_FindsTheEntryInTheQueue()
    {
        var (target, queue) = Open();
        var ram = new RamTier(15_000, time: Time);
        ram.Evicted += e => queue.TryEnqueue(e);
        var cache = new TieredCache([ram, queue], [TierNames.Ram], time: Time);

        await ram.PutAsync(Entry("a", "a", padTo: 10_000));
        await ram.PutAsync(Entry("b", "b", padTo: 10_000));
        await target.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(await target.Inner.ContainsAsync(Key.Hash("a")));
        Assert.True(await queue.ContainsAsync(Key.Hash("a")));
        var found = await cache.GetAsync(Key.Hash("a"));
        Assert.Equal(TierNames.Disk, found?.Tier);
        target.Release();
    }

    [Fact]
    public async Task DisposeAsync_WithDemotionsQueued_WritesThemAll()
    {
        var (target, queue) = Open(maxEntries: 64);
        var names = Enumerable.Range(0, 20).Select(i => "k" + i).ToArray();
        foreach (var name in names)
        {
            Assert.True(queue.TryEnqueue(Entry(name, name, padTo: 1000)));
        }
        var disposed = queue.DisposeAsync().AsTask();
        Assert.False(disposed.IsCompleted);
        target.Release();
        await disposed;

        foreach (var name in names)
        {
            Assert.True(await target.Inner.ContainsAsync(Key.Hash(name)), name);
        }
        Assert.Equal(0, queue.QueuedBytes);
        Assert.False(queue.TryEnqueue(Entry("late", "late")));
    }

    [Fact]
    public async Task TryEnqueue_BeyondTheByteBound_DropsAndTheBoundHolds()
    {
        var first = Entry("first", "x", padTo: 4000);
        var others = Enumerable.Range(0, 10).Select(i => Entry("k" + i, "x", padTo: 2000)).ToArray();
        long bound = first.SizeBytes + (3 * others[0].SizeBytes);
        var (target, queue) = Open(maxEntries: 1000, maxBytes: bound);
        // The first is taken by the writer (and blocks there, still counted); the rest wait in the queue.
        Assert.True(queue.TryEnqueue(first));
        await target.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        int accepted = 0;
        foreach (var e in others)
        {
            if (queue.TryEnqueue(e))
            {
                accepted++;
            }
            Assert.True(queue.QueuedBytes <= bound, $"{queue.QueuedBytes} bytes queued");
        }
        Assert.Equal(3, accepted);
        Assert.Equal(7, queue.Dropped);
        await DrainAsync(target, queue);
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public async Task TryEnqueue_OneEntryLargerThanTheBound_IsQueuedWhenTheQueueIsEmpty()
    {
        var (target, queue) = Open(maxBytes: 1000);
        Assert.True(queue.TryEnqueue(Entry("big", "x", padTo: 5000)));
        Assert.False(queue.TryEnqueue(Entry("next", "x", padTo: 10)));
        await DrainAsync(target, queue);
        Assert.True(await target.Inner.ContainsAsync(Key.Hash("big")));
    }

    [Fact]
    public async Task Delete_WhileTheDemotionIsQueued_IsNotWrittenBack()
    {
        var (target, queue) = Open();
        Assert.True(queue.TryEnqueue(Entry("first", "x")));
        await target.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(queue.TryEnqueue(Entry("gone", "x")));

        Assert.True(await queue.ContainsAsync(Key.Hash("gone")));
        var deleted = queue.DeleteAsync(Key.Hash("gone")).AsTask();
        target.Release();
        Assert.True(await deleted);
        await queue.DisposeAsync();

        Assert.False(await target.Inner.ContainsAsync(Key.Hash("gone")));
        Assert.True(await target.Inner.ContainsAsync(Key.Hash("first")));
    }

    [Fact]
    public async Task CacheStack_RamEviction_DemotesToDiskByDispose()
    {
        var dir = Directory.CreateTempSubdirectory("podcache-demote-").FullName;
        try
        {
            var config = new CacheConfig { DiskEnabled = true, DiskPath = dir, RamMaxBytes = 15_000 };
            var codecs = new ValueCodecs();
            await using (var stack = CacheStack.Create(config, codecs, time: Time))
            {
                // In RAM only, as after a promotion from a tier below disk; evicted by the second.
                await stack.Ram.PutAsync(Entry("a", "a", padTo: 10_000));
                await stack.Ram.PutAsync(Entry("b", "b", padTo: 10_000));
                Assert.NotNull(await stack.Cache.GetAsync(Key.Hash("a")));
            }
            await using (var again = CacheStack.Create(config, codecs, time: Time))
            {
                Assert.True(await again.Disk!.ContainsAsync(Key.Hash("a")));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
