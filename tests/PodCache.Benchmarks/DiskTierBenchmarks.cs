using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;
using PodCache.Runtime;
using PodCache.Runtime.Serialization;

namespace PodCache.Benchmarks;

/// <summary>Disk tier put and get of float64 arrays against a plain FileStream write (+ flush to disk) and read of the same bytes.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory, BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class DiskTierBenchmarks
{
    private string _dir = null!;
    private MachineIndex _index = null!;
    private DiskTier _tier = null!;
    private DataArray _array = null!;
    private byte[] _bytes = null!;
    private CacheEntry _entry = null!;
    private string _plainPath = null!;

    [Params(1, 64)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "podcache-bench-" + Guid.NewGuid().ToString("N"));
        _index = new MachineIndex(_dir);
        _tier = new DiskTier(new DiskTierOptions { Path = _dir, MaxBytes = 1L << 40 }, _index, new ValueCodecs().Register(new DataArrayCodec()));
        int n = Megabytes * (1 << 20) / 8;
        var rng = new Random(1);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = rng.NextDouble();
        int cols = 1024;
        var coords = new Coordinates([UniformCoordinates1D.FromSize("lat", 0, 1, n / cols), UniformCoordinates1D.FromSize("lon", 0, 1, cols)]);
        _array = new DataArray(coords, values);
        _bytes = new byte[n * 8];
        Buffer.BlockCopy(values, 0, _bytes, 0, _bytes.Length);
        _entry = new CacheEntry(Key.Hash("bench" + Megabytes), _array, DateTimeOffset.UtcNow, null, 1.0);
        _plainPath = Path.Combine(_dir, "plain.bin");
        _tier.PutAsync(_entry).AsTask().Wait();
        File.WriteAllBytes(_plainPath, _bytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("write")]
    public void FileStreamWriteFlush()
    {
        using var fs = new FileStream(_plainPath + ".w", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        fs.Write(_bytes);
        fs.Flush(flushToDisk: true);
    }

    [Benchmark]
    [BenchmarkCategory("write")]
    public void DiskTierPut() => _tier.PutAsync(_entry).AsTask().Wait();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("read")]
    public int FileStreamRead()
    {
        using var fs = new FileStream(_plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buf = GC.AllocateUninitializedArray<byte>((int)fs.Length);
        fs.ReadExactly(buf);
        return buf.Length;
    }

    [Benchmark]
    [BenchmarkCategory("read")]
    public int DiskTierGet() => ((DataArray)_tier.TryGetAsync(_entry.Key).Result!.Value).Length;
}
