using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;

namespace PodCache.Benchmarks;

/// <summary>
/// One pipeline run three ways: cold (a fresh RAM cache), warm (all RAM hits), warm after restart (disk hits through
/// a fresh cache stack over the directory an earlier run filled). A derived class picks the pipeline in its
/// <c>[GlobalSetup]</c> (calling <see cref="Prepare"/>) and supplies the baseline.
/// </summary>
public abstract class MemoizedRunBenchmarks
{
    private PipelineRunner _warm = null!;
    private string _dir = null!;

    protected Pipeline Pipeline { get; private set; } = null!;

    protected Coordinates Coords { get; private set; } = null!;

    /// <summary>Warms a RAM cache and fills a disk cache directory with one run of <paramref name="pipeline"/>.</summary>
    protected void Prepare(Pipeline pipeline, Coordinates coords)
    {
        Pipeline = pipeline;
        Coords = coords;
        _warm = new PipelineRunner(TieredCache.InMemory(1L << 30));
        _warm.RunAsync(pipeline, coords).Wait();
        _dir = Path.Combine(Path.GetTempPath(), $"podcache-{GetType().Name}-" + Guid.NewGuid().ToString("N"));
        using var stack = Open();
        new PipelineRunner(stack.Cache).RunAsync(pipeline, coords).Wait();
    }

    private CacheStack Open() => CacheStack.Create(new CacheConfig { DiskPath = _dir }, new ValueCodecs().Register(new DataArrayCodec()));

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark]
    public async Task<DataArray> Cold()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(Pipeline, Coords);
        return run.Output!;
    }

    /// <summary>A cold run's seconds per node (for <c>--quick ColdNodeSeconds</c>: where the cold run's time goes).</summary>
    public async Task<string> ColdNodeSeconds()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(Pipeline, Coords);
        return string.Join(", ", run.Nodes.Values.Select(n => $"{n.Ref} {n.Seconds * 1000:F1} ms"));
    }

    [Benchmark]
    public async Task<DataArray> WarmRam()
    {
        var run = await _warm.RunAsync(Pipeline, Coords);
        return run.Output!;
    }

    [Benchmark]
    public async Task<DataArray> WarmAfterRestartDisk()
    {
        using var stack = Open();
        var run = await new PipelineRunner(stack.Cache).RunAsync(Pipeline, Coords);
        return run.Output!;
    }
}
