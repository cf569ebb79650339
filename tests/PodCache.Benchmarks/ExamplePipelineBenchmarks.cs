using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;

namespace PodCache.Benchmarks;

/// <summary>
/// A realistic pipeline as shipped: <c>examples/pipelines/anomaly</c> (the example GeoTIFF read by <c>data.Rasterio</c>,
/// a 5 x 5 Gaussian <c>Convolution</c>, <c>E - R</c>, and a <c>Mask</c> with an expiry) at its example coordinates:
/// cold (fresh RAM cache), warm (RAM hit), warm after restart (disk hit through a fresh cache stack over the same
/// directory), against evaluating the same nodes directly (each node's own planning and evaluation, every evaluation
/// once, no keys, cache or executor) — so the ratios are what memoized execution costs or saves on it.
/// </summary>
[MemoryDiagnoser]
public class ExamplePipelineBenchmarks
{
    private Pipeline _pipeline = null!;
    private Coordinates _coords = null!;
    private PipelineRunner _warm = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryRoot();
        string folder = Path.Combine(root, "examples", "pipelines", "anomaly");
        // The example names its raster relative to the repository root; the benchmark may run anywhere.
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "pipeline.json")))!;
        var attrs = (JsonObject)json["elevation"]!["attrs"]!;
        attrs["source"] = Path.Combine(root, attrs["source"]!.GetValue<string>());
        _pipeline = Pipeline.FromJson(json);
        _coords = Coordinates.Parse(File.ReadAllText(Path.Combine(folder, "coords.json")));
        _warm = new PipelineRunner(TieredCache.InMemory(1L << 30));
        _warm.RunAsync(_pipeline, _coords).Wait();
        _dir = Path.Combine(Path.GetTempPath(), "podcache-example-bench-" + Guid.NewGuid().ToString("N"));
        using var stack = Open();
        new PipelineRunner(stack.Cache).RunAsync(_pipeline, _coords).Wait();
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "examples", "pipelines", "anomaly", "pipeline.json")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("examples/pipelines/anomaly not found above " + AppContext.BaseDirectory);
    }

    private CacheStack Open() => CacheStack.Create(new CacheConfig { DiskPath = _dir }, new ValueCodecs().Register(new DataArrayCodec()));

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Baseline = true)]
    public DataArray DirectNodes()
    {
        var done = new Dictionary<(string, PodCache.Cache.Keys.Key), DataArray>();
        return Evaluate(_pipeline.OutputRef, _coords, done);
    }

    /// <summary>Each node's own PlanInputs and Evaluate, inputs first, each (node, coordinates) once.</summary>
    private DataArray Evaluate(string nodeRef, Coordinates request, Dictionary<(string, PodCache.Cache.Keys.Key), DataArray> done)
    {
        if (done.TryGetValue((nodeRef, request.Key), out var known))
        {
            return known;
        }
        var node = _pipeline[nodeRef];
        var requests = node.Implementation.PlanInputs(request, node.Slots);
        var inputs = new Dictionary<string, DataArray>(StringComparer.Ordinal);
        foreach (var slot in node.Slots)
        {
            inputs[slot] = Evaluate(node.RefOf(slot), requests[slot], done);
        }
        var value = node.Implementation.Evaluate(new NodeContext(request, inputs, node.Slots, nodeRef)).TransposeToRequest(request);
        done[(nodeRef, request.Key)] = value;
        return value;
    }

    [Benchmark]
    public async Task<DataArray> Cold()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(_pipeline, _coords);
        return run.Output!;
    }

    [Benchmark]
    public async Task<DataArray> WarmRam()
    {
        var run = await _warm.RunAsync(_pipeline, _coords);
        return run.Output!;
    }

    [Benchmark]
    public async Task<DataArray> WarmAfterRestartDisk()
    {
        using var stack = Open();
        var run = await new PipelineRunner(stack.Cache).RunAsync(_pipeline, _coords);
        return run.Output!;
    }
}
