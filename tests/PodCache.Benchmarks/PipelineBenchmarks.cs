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
/// The pipeline SinCoords → mean-5 Convolution → Arithmetic <c>A * 100 - B / 7</c> with B = Arange over lat 60..20
/// step -0.05, lon -130..-60 step 0.05 (801 x 1401): cold (fresh cache), warm (RAM hit), warm after restart (disk
/// hit in a fresh process-like stack), against the same computation as plain C# loops.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const string Json = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "smooth": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "smooth", "B": "idx"}, "attrs": {"eqn": "A * 100 - B / 7"}}}
        """;

    private Pipeline _pipeline = null!;
    private Coordinates _coords = null!;
    private PipelineRunner _warm = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = Pipeline.Parse(Json);
        _coords = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.05}, {"name": "lon", "start": -130, "stop": -60, "step": 0.05}]}""");
        _warm = new PipelineRunner(TieredCache.InMemory(1L << 30));
        _warm.RunAsync(_pipeline, _coords).Wait();
        _dir = Path.Combine(Path.GetTempPath(), "podcache-pipe-bench-" + Guid.NewGuid().ToString("N"));
        using var stack = Open();
        new PipelineRunner(stack.Cache).RunAsync(_pipeline, _coords).Wait();
    }

    private CacheStack Open() => CacheStack.Create(new CacheConfig { DiskPath = _dir }, new ValueCodecs().Register(new DataArrayCodec()));

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Baseline = true)]
    public double PlainLoops()
    {
        const int rows = 801, cols = 1401;
        // SinCoords on the grid grown by the 5-kernel (3 before, 2 after: PODPAC's uniform growth), then a 5x5 mean.
        int gr = rows + 5, gc = cols + 5;
        var sinLat = new double[gr];
        var sinLon = new double[gc];
        for (int i = 0; i < gr; i++) sinLat[i] = Math.Sin(Math.PI * (60 + 0.05 * 3 - 0.05 * i) / 90);
        for (int j = 0; j < gc; j++) sinLon[j] = Math.Sin(Math.PI * (-130 - 0.05 * 3 + 0.05 * j) / 90);
        // Separable 5x5 mean as a programmer would write it: grid values, a vertical 5-tap pass, a horizontal pass.
        var grid = new double[gr * gc];
        for (int i = 0; i < gr; i++)
        {
            for (int j = 0; j < gc; j++) grid[i * gc + j] = sinLat[i] * sinLon[j];
        }
        var vertical = new double[rows * gc];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < gc; j++)
            {
                double s = 0;
                for (int d = 0; d < 5; d++) s += grid[(i + 1 + d) * gc + j];
                vertical[i * gc + j] = s;
            }
        }
        var result = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double s = 0;
                for (int d = 0; d < 5; d++) s += vertical[i * gc + j + 1 + d];
                result[i * cols + j] = s / 25 * 100 - (i * cols + j) / 7.0;
            }
        }
        return result[^1];
    }

    [Benchmark]
    public async Task<double> Cold()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(_pipeline, _coords);
        return run.Output!.Values[^1];
    }

    [Benchmark]
    public async Task<double> WarmRam()
    {
        var run = await _warm.RunAsync(_pipeline, _coords);
        return run.Output!.Values[^1];
    }

    [Benchmark]
    public async Task<double> WarmAfterRestartDisk()
    {
        using var stack = Open();
        var run = await new PipelineRunner(stack.Cache).RunAsync(_pipeline, _coords);
        return run.Output!.Values[^1];
    }
}
