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

/// <summary>RAM hit path: get of a present key, against BitFaster and MemoryCache.</summary>
[MemoryDiagnoser]
public class RamHitBenchmarks
{
    private const int Keys = 10_000;
    private Key[] _keys = null!;
    private RamTier _lru = null!;
    private RamTier _costAware = null!;
    private FastConcurrentLru<Key, Blob> _fast = null!;
    private ConcurrentLfu<Key, Blob> _lfu = null!;
    private MemoryCache _memory = null!;
    private int _i;

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
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.Dispose();

    private Key Next() => _keys[(_i = (_i + 7919) % Keys)];

    [Benchmark(Baseline = true)]
    public Blob? FastConcurrentLru() => _fast.TryGet(Next(), out var v) ? v : null;

    [Benchmark]
    public Blob? ConcurrentLfu() => _lfu.TryGet(Next(), out var v) ? v : null;

    [Benchmark]
    public object? MemoryCacheSized() => _memory.TryGetValue(Next(), out var v) ? v : null;

    [Benchmark]
    public ICacheValue? PodCacheRamLru() => _lru.TryGetAsync(Next()).Result?.Value;

    [Benchmark]
    public ICacheValue? PodCacheRamCostAware() => _costAware.TryGetAsync(Next()).Result?.Value;
}
