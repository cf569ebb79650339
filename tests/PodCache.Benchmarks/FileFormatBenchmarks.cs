using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Benchmarks;

/// <summary>
/// Issue 14's format benchmark: one 64 MiB float64 array (4096 x 2048, 512 x 512 chunks) written by python's zarr
/// (defaults: Blosc LZ4 with byte shuffle) and by h5py (gzip 4) with <c>formats/worker.py</c>, read whole and as a
/// 512 x 512 window. Baseline: python's zarr reading the whole array, in a python process started once that reads on
/// command (so Python's start-up is not timed; the pipe costs well under a millisecond). Against it: python's h5py and
/// PodCache's <c>data.Zarr</c> / <c>data.H5PY</c> through a fresh runner with an empty RAM cache each time (nothing is
/// reused between reads in either language).
/// </summary>
[Config(typeof(BenchConfig))]
public class FileFormatBenchmarks
{
    private const int Rows = 4096, Cols = 2048;
    private string _dir = "";
    private Process? _python;
    private Pipeline _zarr = null!, _h5 = null!;
    private Coordinates _all = null!, _window = null!;

    [GlobalSetup]
    public void Setup()
    {
        string worker = Path.Combine(RemoteCogBenchmarks.RepositoryRoot(), "tests", "PodCache.Benchmarks", "formats", "worker.py");
        _dir = Path.Combine(Path.GetTempPath(), "podcache-format-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        using (var make = Process.Start(new ProcessStartInfo("/usr/bin/python3", [worker, "make", _dir]))!)
        {
            make.WaitForExit();
            if (make.ExitCode != 0) throw new InvalidOperationException("formats/worker.py make failed (needs python3-zarr and python3-h5py)");
        }
        _python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [worker, "serve", _dir])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        _zarr = Pipeline.Parse("{\"z\": {\"node\": \"data.Zarr\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(Path.Combine(_dir, "grid.zarr"))
            + ", \"data_key\": \"data\"}}}");
        _h5 = Pipeline.Parse("{\"h\": {\"node\": \"data.H5PY\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(Path.Combine(_dir, "grid.h5"))
            + ", \"data_key\": \"/data\", \"lat_key\": \"/lat\", \"lon_key\": \"/lon\"}}}");
        // Pixel centres a quarter step inwards: the outward selection returns exactly those rows and columns.
        double dLat = 10.0 / (Rows - 1), dLon = 10.0 / (Cols - 1);
        static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        _all = Coordinates.Parse($$"""{"coords": [{"name": "lat", "values": [{{F(50 - dLat / 4)}}, {{F(40 + dLat / 4)}}]}, {"name": "lon", "values": [{{F(-110 + dLon / 4)}}, {{F(-100 - dLon / 4)}}]}]}""");
        _window = Coordinates.Parse($$"""{"coords": [{"name": "lat", "values": [{{F(50 - dLat * 1000.25)}}, {{F(50 - dLat * 1510.75)}}]}, {"name": "lon", "values": [{{F(-110 + dLon * 700.25)}}, {{F(-110 + dLon * 1210.75)}}]}]}""");
        // Same numbers in both languages, or the comparison means nothing.
        foreach (var (what, pipeline, coords, cmd, shape) in new[] { ("zarr", _zarr, _all, "zarr-all", Rows), ("h5", _h5, _window, "h5-window", 512) })
        {
            var a = Read(pipeline, coords).GetAwaiter().GetResult();
            double py = Python(cmd);
            if (a.Shape[0] != shape || Math.Abs(a.Data.Sum() - py) > 1e-6 * Math.Abs(py))
                throw new InvalidOperationException($"{what}: PodCache read {string.Join("x", a.Shape)} summing to {a.Data.Sum()}, python {py}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try { _python?.StandardInput.WriteLine("quit"); _python?.WaitForExit(5000); _python?.Kill(); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Benchmark(Baseline = true, Description = "python zarr, whole array")]
    public double PythonZarrAll() => Python("zarr-all");

    [Benchmark(Description = "PodCache data.Zarr, whole array")]
    public async Task<double> PodCacheZarrAll() => (await Read(_zarr, _all)).Data[^1];

    [Benchmark(Description = "python zarr, 512x512 window")]
    public double PythonZarrWindow() => Python("zarr-window");

    [Benchmark(Description = "PodCache data.Zarr, 512x512 window")]
    public async Task<double> PodCacheZarrWindow() => (await Read(_zarr, _window)).Data[^1];

    [Benchmark(Description = "python h5py, whole array")]
    public double PythonH5All() => Python("h5-all");

    [Benchmark(Description = "PodCache data.H5PY, whole array")]
    public async Task<double> PodCacheH5All() => (await Read(_h5, _all)).Data[^1];

    [Benchmark(Description = "python h5py, 512x512 window")]
    public double PythonH5Window() => Python("h5-window");

    [Benchmark(Description = "PodCache data.H5PY, 512x512 window")]
    public async Task<double> PodCacheH5Window() => (await Read(_h5, _window)).Data[^1];

    private static async Task<DataArray> Read(Pipeline pipeline, Coordinates coords) =>
        (await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(pipeline, coords)).Output!;

    private double Python(string command)
    {
        _python!.StandardInput.WriteLine(command);
        _python.StandardInput.Flush();
        string line = _python.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the python worker stopped");
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
