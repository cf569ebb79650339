using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Benchmarks;

/// <summary>
/// Issue 13's benchmark: a 512 x 512 window of a 64 MB COG (4096 x 4096 float32, 512 x 512 tiles, uncompressed, made by
/// GDAL with <c>remote/make-cog.sh</c>) read over loopback HTTP from <c>examples/remote/serve.py</c>. Baseline: GDAL's
/// <c>gdal_translate -srcwin 1000 1000 512 512 /vsicurl/URL</c>, one process per read (GDAL caches within a process
/// only). Against it: <c>podcache run</c> in a new process with an empty cache, the runtime in process with no cache,
/// and the runtime in process with the block cache warm (the result not cached: the node decodes cached tiles). The
/// bytes each one fetched are printed once in the setup, from the server's log.
/// </summary>
[Config(typeof(BenchConfig))]
public class RemoteCogBenchmarks
{
    private const int Col0 = 1000, Row0 = 1000, Size = 512, N = 4096;
    private string _dir = "";
    private string _url = "";
    private string _podcache = "";
    private string _pipelineFile = "";
    private string _coordsFile = "";
    private Process? _server;
    private string _log = "";
    private Pipeline _pipeline = null!;
    private Coordinates _coords = null!;
    private SourceIO _io = null!;
    private BlockCache _warmBlocks = null!;
    private int _run;

    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryRoot();
        _dir = Path.Combine(Path.GetTempPath(), "podcache-remote-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(_dir, "served"));
        Exec("bash", [Path.Combine(root, "tests", "PodCache.Benchmarks", "remote", "make-cog.sh"), Path.Combine(_dir, "served", "big.tif")]);
        _log = Path.Combine(_dir, "serve.log");
        string portFile = Path.Combine(_dir, "port");
        var psi = new ProcessStartInfo("python3", [Path.Combine(root, "examples", "remote", "serve.py"), Path.Combine(_dir, "served"),
            "--port", "0", "--seconds", "3600", "--port-file", portFile]) { RedirectStandardError = true, RedirectStandardOutput = true };
        _server = Process.Start(psi)!;
        var logWriter = new StreamWriter(_log) { AutoFlush = true };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (logWriter) logWriter.WriteLine(e.Data); };
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();
        for (int i = 0; i < 100 && !File.Exists(portFile); i++) Thread.Sleep(100);
        _url = $"http://127.0.0.1:{File.ReadAllText(portFile).Trim()}/big.tif";

        _podcache = Path.Combine(root, "src", "Cli", "bin", "Release", "net10.0", "podcache");
        if (!File.Exists(_podcache)) Exec("dotnet", ["build", Path.Combine(root, "src", "Cli"), "-c", "Release", "-nologo", "-v", "quiet"]);

        string pipelineJson = "{\"dem\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(_url) + "}}}";
        // The window's first and last pixel centres, a quarter pixel inwards: the raster returns exactly those 512 x 512.
        static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        double p = 1.0 / N;
        string coordsJson = $$"""{"coords": [{"name": "lat", "values": [{{F(40 - p * (Row0 + 0.75))}}, {{F(40 - p * (Row0 + Size - 0.75))}}]}, {"name": "lon", "values": [{{F(-106 + p * (Col0 + 0.75))}}, {{F(-106 + p * (Col0 + Size - 0.75))}}]}]}""";
        _pipelineFile = Path.Combine(_dir, "pipeline.json");
        _coordsFile = Path.Combine(_dir, "coords.json");
        File.WriteAllText(_pipelineFile, pipelineJson);
        File.WriteAllText(_coordsFile, coordsJson);
        _pipeline = Pipeline.Parse(pipelineJson);
        _coords = Coordinates.Parse(coordsJson);
        _io = new SourceIO();
        _warmBlocks = new BlockCache(TieredCache.InMemory(1L << 28));
        InProcessWarmBlocks().GetAwaiter().GetResult();

        // Bytes per way of reading, once each, from the server's log.
        Console.WriteLine($"// bytes: GDAL /vsicurl/ {Bytes(() => GdalVsicurl())}; podcache process, empty cache {Bytes(() => PodcacheProcessCold())}; " +
            $"in process, no cache {Bytes(() => InProcessCold().GetAwaiter().GetResult())}; in process, blocks cached {Bytes(() => InProcessWarmBlocks().GetAwaiter().GetResult())}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try { _server?.Kill(); } catch (InvalidOperationException) { }
        _io.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Benchmark(Baseline = true, Description = "GDAL gdal_translate -srcwin /vsicurl/ (new process)")]
    public void GdalVsicurl()
    {
        string output = Path.Combine(_dir, $"gdal-{_run++}.tif");
        Exec("gdal_translate", ["-q", "-srcwin", $"{Col0}", $"{Row0}", $"{Size}", $"{Size}", "/vsicurl/" + _url, output],
            ("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR"), ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".tif"));
        File.Delete(output);
    }

    [Benchmark(Description = "podcache run (new process, empty cache)")]
    public void PodcacheProcessCold()
    {
        string cache = Path.Combine(_dir, $"cache-{_run++}");
        Exec(_podcache, ["run", _pipelineFile, "--coords", _coordsFile, "--format", "summary", "--cache-dir", cache, "--no-progress"]);
        Directory.Delete(cache, true);
    }

    [Benchmark(Description = "runtime in process, no cache")]
    public async Task<double> InProcessCold()
    {
        var cache = TieredCache.InMemory(1L << 28);
        var services = new SourceServices(_io, new SourceVersions(_io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero),
            new BlockCache(cache));
        var run = await new PipelineRunner(cache, new RunnerOptions { SourceServices = services }).RunAsync(_pipeline, _coords);
        return run.Output![0, 0];
    }

    [Benchmark(Description = "runtime in process, blocks cached, result not")]
    public async Task<double> InProcessWarmBlocks()
    {
        var services = new SourceServices(_io, new SourceVersions(_io, new InMemorySourceVersionStore(), TimeSpan.FromHours(1), TimeSpan.Zero),
            _warmBlocks);
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 28), new RunnerOptions { SourceServices = services }).RunAsync(_pipeline, _coords);
        if (run.Output!.Shape[0] != Size || run.Output.Shape[1] != Size) throw new InvalidOperationException($"window is {string.Join("x", run.Output.Shape)}");
        return run.Output[0, 0];
    }

    private string Bytes(Action read)
    {
        Thread.Sleep(200);
        int before = File.ReadAllLines(_log).Length;
        read();
        Thread.Sleep(200);
        var lines = File.ReadAllLines(_log).Skip(before).Where(l => l.StartsWith("serve: ", StringComparison.Ordinal)).ToArray();
        long bytes = lines.Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return $"{bytes:N0} B in {lines.Length} requests";
    }

    private static void Exec(string file, string[] args, params (string Name, string Value)[] env)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in env) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000) || p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {err}");
    }

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PodCache.sln"))) return d.FullName;
        }
        throw new InvalidOperationException("PodCache.sln not found above " + AppContext.BaseDirectory);
    }
}
