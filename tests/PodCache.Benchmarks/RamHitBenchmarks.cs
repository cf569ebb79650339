using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Benchmarks;

/// <summary>A small cached value of fixed size.</summary>
public sealed class Blob(long size) : ICacheValue
{
    public long SizeBytes { get; } = size;
}

/// <summary>
/// RAM hit path: get of a present key (10,000 keys cycled with a prime stride, so every get is of another key than
/// the last), against BitFaster and MemoryCache, on 1 and 2 threads. Each invocation is <see cref="Ops"/> gets per
/// thread, so the reported time is per get and per thread, and one invocation is long enough for a stopwatch
/// (<c>--quick RamHitBenchmarks.PodCacheRamLru</c>). With 2 threads both threads read the same cache at once.
/// </summary>
[MemoryDiagnoser]
public class RamHitBenchmarks
{
    private const int Keys = 10_000;
    private const int Ops = 1 << 16;
    private Key[] _keys = null!;
    private RamTier _lru = null!;
    private RamTier _costAware = null!;
    private FastConcurrentLru<Key, Blob> _fast = null!;
    private ConcurrentLfu<Key, Blob> _lfu = null!;
    private MemoryCache _memory = null!;
    private TwoThreads _threads = null!;

    /// <summary>Threads reading at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, Keys).Select(i => Key.Hash("k" + i)).ToArray();
        _lru = new RamTier(long.MaxValue / 2, new LruPolicy());
        _costAware = new RamTier(long.MaxValue / 2, new CostAwarePolicy());
        _fast = new FastConcurrentLru<Key, Blob>(Keys * 2);
        _lfu = new ConcurrentLfu<Key, Blob>(Keys * 2);
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = long.MaxValue / 2 });
        var now = DateTimeOffset.UtcNow;
        foreach (var k in _keys)
        {
            var b = new Blob(1000);
            _lru.PutAsync(new CacheEntry(k, b, now, null, 0.01)).AsTask().Wait();
            _costAware.PutAsync(new CacheEntry(k, b, now, null, 0.01)).AsTask().Wait();
            _fast.AddOrUpdate(k, b);
            _lfu.AddOrUpdate(k, b);
            _memory.Set(k, b, new MemoryCacheEntryOptions { Size = 1000 });
        }
        _threads = new TwoThreads();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memory.Dispose();
        _threads.Dispose();
    }

    // One struct per cache, so the loop is specialised and the get inlined: no delegate call per get.
    private interface IGet
    {
        bool Get(Key key);
    }

    private readonly struct FastGet(FastConcurrentLru<Key, Blob> c) : IGet
    {
        public bool Get(Key key) => c.TryGet(key, out _);
    }

    private readonly struct LfuGet(ConcurrentLfu<Key, Blob> c) : IGet
    {
        public bool Get(Key key) => c.TryGet(key, out _);
    }

    private readonly struct MemoryGet(MemoryCache c) : IGet
    {
        public bool Get(Key key) => c.TryGetValue(key, out _);
    }

    private readonly struct PodGet(RamTier c) : IGet
    {
        public bool Get(Key key) => c.TryGetAsync(key).Result is not null;
    }

    private int Loop<T>(T cache, int start) where T : struct, IGet
    {
        var keys = _keys;
        int hits = 0, i = start;
        for (int n = 0; n < Ops; n++)
        {
            i += 7919;
            if (i >= Keys) i -= Keys;
            if (cache.Get(keys[i])) hits++;
        }
        return hits;
    }

    private int Run<T>(T cache) where T : struct, IGet
    {
        if (Threads == 1)
        {
            return Loop(cache, 0);
        }
        int other = 0;
        _threads.Run(() => Loop(cache, 0), () => other = Loop(cache, Keys / 2), out int mine);
        return mine + other;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int FastConcurrentLru() => Run(new FastGet(_fast));

    [Benchmark(OperationsPerInvoke = Ops)]
    public int ConcurrentLfu() => Run(new LfuGet(_lfu));

    [Benchmark(OperationsPerInvoke = Ops)]
    public int MemoryCacheSized() => Run(new MemoryGet(_memory));

    [Benchmark(OperationsPerInvoke = Ops)]
    public int PodCacheRamLru() => Run(new PodGet(_lru));

    [Benchmark(OperationsPerInvoke = Ops)]
    public int PodCacheRamCostAware() => Run(new PodGet(_costAware));
}
