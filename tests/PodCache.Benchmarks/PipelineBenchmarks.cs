using BenchmarkDotNet.Attributes;
using PodCache.Runtime;
using PodCache.Runtime.Pipelines;

namespace PodCache.Benchmarks;

/// <summary>
/// The pipeline SinCoords → mean-5 Convolution → Arithmetic <c>A * 100 - B / 7</c> with B = Arange over lat 60..20
/// step -0.05, lon -130..-60 step 0.05 (801 x 1401): cold (fresh cache), warm (RAM hit), warm after restart (disk
/// hit in a fresh process-like stack; <see cref="MemoizedRunBenchmarks"/>), against the same computation as plain C# loops.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks : MemoizedRunBenchmarks
{
    private const string Json = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "smooth": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "smooth", "B": "idx"}, "attrs": {"eqn": "A * 100 - B / 7"}}}
        """;

    [GlobalSetup]
    public void Setup() => Prepare(Pipeline.Parse(Json),
        Coordinates.Parse("""{"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.05}, {"name": "lon", "start": -130, "stop": -60, "step": 0.05}]}"""));

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
}
