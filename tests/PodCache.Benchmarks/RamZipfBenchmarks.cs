using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Benchmarks;

/// <summary>
/// Get-or-add under a Zipf workload sized for a ~90% hit ratio, on 1 and 2 threads: each operation looks the key up
/// and adds it on a miss. 2^16 operations per invocation.
/// </summary>
[MemoryDiagnoser]
public class RamZipfBenchmarks
{
    private const int Ops = 1 << 16;
    private const int Universe = 50_000;
    private const int Capacity = 5_000;
    private Key[] _universe = null!;
    private int[] _trace = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    private FastConcurrentLru<Key, Blob> _fast = null!;
    private ConcurrentLfu<Key, Blob> _lfu = null!;
    private MemoryCache _memory = null!;
    private RamTier _pod = null!;
    private static readonly Blob Value = new(1);

    [GlobalSetup]
    public void Setup()
    {
        _universe = Enumerable.Range(0, Universe).Select(i => Key.Hash("z" + i)).ToArray();
        // Zipf(s = 1.1) over the universe, seeded.
        var rng = new Random(42);
        var cdf = new double[Universe];
        double sum = 0;
        for (int i = 0; i < Universe; i++) cdf[i] = sum += 1.0 / Math.Pow(i + 1, 1.1);
        _trace = new int[Ops * 2];
        for (int i = 0; i < _trace.Length; i++)
        {
            int idx = Array.BinarySearch(cdf, rng.NextDouble() * sum);
            _trace[i] = idx < 0 ? ~idx : idx;
        }
    }

    [IterationSetup]
    public void Fresh()
    {
        _fast = new FastConcurrentLru<Key, Blob>(Capacity);
        _lfu = new ConcurrentLfu<Key, Blob>(Capacity);
        _memory?.Dispose();
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.1 });
        _pod = new RamTier(Capacity, new CostAwarePolicy());
    }

    private void Run(Action<Key> op)
    {
        if (Threads == 1)
        {
            for (int i = 0; i < Ops; i++) op(_universe[_trace[i]]);
            return;
        }
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int i = t * Ops; i < (t + 1) * Ops; i += 1) op(_universe[_trace[i % _trace.Length]]);
        });
    }

    [Benchmark(Baseline = true)]
    public void FastConcurrentLru() => Run(k => _fast.GetOrAdd(k, _ => Value));

    [Benchmark]
    public void ConcurrentLfu() => Run(k => _lfu.GetOrAdd(k, _ => Value));

    [Benchmark]
    public void MemoryCacheSized() => Run(k =>
    {
        if (!_memory.TryGetValue(k, out _)) _memory.Set(k, Value, new MemoryCacheEntryOptions { Size = 1 });
    });

    [Benchmark]
    public void PodCacheRamCostAware() => Run(k =>
    {
        if (_pod.TryGetAsync(k).Result is null)
        {
            _pod.PutAsync(new CacheEntry(k, Value, DateTimeOffset.UnixEpoch, null, 0.001)).AsTask().Wait();
        }
    });
}
