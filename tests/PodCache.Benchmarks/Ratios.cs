using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PodCache.Benchmarks;

/// <summary>
/// The regression guard of issue 17: a short run of the benchmarks behind each performance target, printed as one table
/// of ratios against the targets (each ratio from two rows of the same run, so a noisy machine moves both). About five
/// minutes on two cores: <c>dotnet run -c Release --project tests/PodCache.Benchmarks -- --ratios [--cli PODCACHE.DLL --empty EMPTYAPP.DLL]
/// [--native PODCACHE-NATIVE] [--process-only]</c> (<c>ratios.sh</c> builds them and passes them; <c>--process-only</c> times
/// the whole processes alone, in a minute). Exit code 1 when a target is missed, so a script can gate on it.
/// </summary>
internal static class Ratios
{
    /// <summary>A target: what is compared, the measured figure, the bound, and whether lower is better.</summary>
    private sealed record Row(string Target, double Value, double Bound, bool LowerIsBetter, string Unit)
    {
        public bool Met => LowerIsBetter ? Value <= Bound : Value >= Bound;
    }

    public static int Run(string[] args)
    {
        string? cli = Option(args, "--cli");
        string? empty = Option(args, "--empty");
        string? native = Option(args, "--native");
        bool processOnly = args.Contains("--process-only");
        int processRuns = int.Parse(Option(args, "--process-runs") ?? "15", CultureInfo.InvariantCulture);
        var config = new QuickConfig();
        var types = new[] { typeof(RamHitBenchmarks), typeof(RamZipfBenchmarks), typeof(DiskTierBenchmarks), typeof(ExecutorBenchmarks), typeof(PipelineBenchmarks) };
        List<Row> rows = processOnly ? [] : BenchmarkRows(BenchmarkRunner.Run(types, config));
        if (cli is not null && empty is not null)
        {
            rows.AddRange(ProcessRows(cli, empty, native, processRuns));
        }

        Console.WriteLine();
        Console.WriteLine($"## Ratios against the issue 17 targets ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()})");
        Console.WriteLine();
        Console.WriteLine("| target | measured | bound | met |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var r in rows)
        {
            string cmp = r.LowerIsBetter ? "≤" : "≥";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Value:0.###}{r.Unit} | {cmp} {r.Bound:0.##}{r.Unit} | {(r.Met ? "yes" : "**no**")} |"));
        }
        if (cli is null || empty is null)
        {
            Console.WriteLine("| whole process (`podcache run` from disk / `dotnet EmptyApp.dll`) | not measured: pass --cli and --empty, or use ratios.sh | ≤ 2.5x | |");
        }
        Console.WriteLine();
        Console.WriteLine("The eviction policy and cluster targets have their own commands: see docs/benchmarks.md, \"Regression guard\".");
        return rows.All(r => r.Met) ? 0 : 1;
    }

    /// <summary>The rows of the in-process benchmarks.</summary>
    private static List<Row> BenchmarkRows(Summary[] summaries)
    {
        var rows = new List<Row>();
        double Mean(string type, string method, string? param = null) => MeanOf(summaries, type, method, param);

        foreach (string threads in new[] { "1", "2" })
        {
            rows.Add(new($"RAM hit, {threads} thread(s): PodCache cost-aware / FastConcurrentLru",
                Mean("RamHitBenchmarks", "PodCacheRamCostAware", threads) / Mean("RamHitBenchmarks", "FastConcurrentLru", threads), 2.2, true, "x"));
            rows.Add(new($"RAM hit, {threads} thread(s): PodCache cost-aware / MemoryCache",
                Mean("RamHitBenchmarks", "PodCacheRamCostAware", threads) / Mean("RamHitBenchmarks", "MemoryCacheSized", threads), 1.0, true, "x"));
        }
        foreach (string threads in new[] { "1", "2" })
        {
            rows.Add(new($"Zipf get-or-add, {threads} thread(s): PodCache cost-aware / FastConcurrentLru",
                Mean("RamZipfBenchmarks", "PodCacheRamCostAware", threads) / Mean("RamZipfBenchmarks", "FastConcurrentLru", threads), 2.2, true, "x"));
            rows.Add(new($"Zipf get-or-add, {threads} thread(s): PodCache cost-aware / MemoryCache",
                Mean("RamZipfBenchmarks", "PodCacheRamCostAware", threads) / Mean("RamZipfBenchmarks", "MemoryCacheSized", threads), 1.0, true, "x"));
        }
        foreach (string mb in new[] { "1", "64" })
        {
            rows.Add(new($"disk get {mb} MB: speed as a fraction of a FileStream read",
                Mean("DiskTierBenchmarks", "FileStreamRead", mb) / Mean("DiskTierBenchmarks", "DiskTierGet", mb), 0.8, false, ""));
            rows.Add(new($"disk put {mb} MB: speed as a fraction of a FileStream write + flush",
                Mean("DiskTierBenchmarks", "FileStreamWriteFlush", mb) / Mean("DiskTierBenchmarks", "DiskTierPut", mb), 0.9, false, ""));
        }
        // Means are in nanoseconds; 1,000 nodes per run.
        rows.Add(new("executor overhead per node, 1,000-node chain",
            (Mean("ExecutorBenchmarks", "PodCacheChain") - Mean("ExecutorBenchmarks", "DirectChain")) / 1000 / 1000, 3.0, true, " µs"));
        rows.Add(new("executor overhead per node, 1,000-node fan-in",
            (Mean("ExecutorBenchmarks", "PodCacheFanIn") - Mean("ExecutorBenchmarks", "DirectFanIn")) / 1000 / 1000, 3.0, true, " µs"));
        rows.Add(new("801 x 1401 pipeline cold / plain C# loops",
            Mean("PipelineBenchmarks", "Cold") / Mean("PipelineBenchmarks", "PlainLoops"), 1.5, true, "x"));
        return rows;
    }

    /// <summary>The mean in nanoseconds of one benchmark of one class (and parameter value, for parameterised classes).</summary>
    private static double MeanOf(Summary[] summaries, string type, string method, string? param)
    {
        var report = summaries.SelectMany(s => s.Reports).FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type.Name == type
            && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && (param is null || r.BenchmarkCase.Parameters.Items.Any(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture) == param)));
        return report?.ResultStatistics?.Mean
            ?? throw new InvalidOperationException($"no result for {type}.{method}{(param is null ? "" : $" ({param})")}: did the benchmark fail?");
    }

    /// <summary>
    /// A warm <c>podcache run</c> of process/pipeline.json (801 x 1401) against <c>dotnet EmptyApp.dll</c>, and the same
    /// run of <paramref name="native"/> (podcache-native) when given, interleaved, <paramref name="runs"/> each after three
    /// warm-ups over one warm cache: the mean of each.
    /// </summary>
    private static IEnumerable<Row> ProcessRows(string cli, string empty, string? native, int runs)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "process");
        if (!File.Exists(Path.Combine(dir, "pipeline.json")))
        {
            dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../process"));
        }
        string cache = Directory.CreateTempSubdirectory("podcache-ratios-").FullName;
        try
        {
            string[] runArgs = ["run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"), "--format", "summary", "--cache-dir", cache, "--no-progress"];
            string[] run = [cli, .. runArgs];
            for (int i = 0; i < 3; i++)
            {
                Time("dotnet", run);
                Time("dotnet", [empty]);
                if (native is not null) Time(native, runArgs);
            }
            double podcache = 0, hello = 0, aot = 0;
            for (int i = 0; i < runs; i++)
            {
                hello += Time("dotnet", [empty]);
                podcache += Time("dotnet", run);
                if (native is not null) aot += Time(native, runArgs);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"whole process: podcache run {podcache / runs:F1} ms, {(native is null ? "" : $"podcache-native run {aot / runs:F1} ms, ")}dotnet EmptyApp.dll {hello / runs:F1} ms (means of {runs})"));
            var rows = new List<Row> { new("whole process: warm `podcache run` / `dotnet EmptyApp.dll`", podcache / hello, 2.5, true, "x") };
            if (native is not null)
            {
                rows.Add(new("whole process: warm `podcache-native run` / `dotnet EmptyApp.dll`", aot / hello, 2.5, true, "x"));
            }
            return rows;
        }
        finally
        {
            Directory.Delete(cache, true);
        }
    }

    /// <summary>Runs <c>FILE ARGS</c> to completion and returns its wall time in milliseconds; a failure stops the run.</summary>
    private static double Time(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        long t0 = Stopwatch.GetTimestamp();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        _ = stdout.Result;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Trim()}");
        }
        return ms;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Fewer iterations than <see cref="BenchConfig"/>: a check in minutes, not a figure to publish.</summary>
    private sealed class QuickConfig : ManualConfig
    {
        public QuickConfig()
        {
            Add(DefaultConfig.Instance);
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1)
                .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
            WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        }
    }
}
