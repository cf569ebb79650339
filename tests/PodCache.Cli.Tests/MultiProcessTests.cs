using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

[CollectionDefinition("multi-process", DisableParallelization = true)]
public sealed class MultiProcessCollection;

/// <summary>Real OS processes sharing one cache directory. Every process is bounded in time.</summary>
[Collection("multi-process")]
public class MultiProcessTests
{
    // Big enough that the processes overlap while computing (tens of milliseconds per node).
    private const string Pipeline = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "smooth": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "smooth", "B": "idx"}, "attrs": {"eqn": "A * 100 - B / 7"}}}
        """;

    private const string Coords = """
        {"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.05}, {"name": "lon", "start": -130, "stop": -60, "step": 0.05}]}
        """;

    private static string[] RunArgs(TempDir tmp, string report, params string[] extra) =>
        ["run", tmp.File("p.json"), "--coords", tmp.File("c.json"), "--format", "summary", "--report", report, .. extra];

    private static TempDir Setup()
    {
        var tmp = new TempDir();
        tmp.File("p.json", Pipeline);
        tmp.File("c.json", Coords);
        return tmp;
    }

    [Fact]
    public async Task FourProcesses_SamePipelineAtOnce_EveryResultKeyComputedOnce()
    {
        using var tmp = Setup();
        string cache = Path.Combine(tmp.Path, "cache");
        var runs = Enumerable.Range(0, 4)
            .Select(i => CliHarness.RunProcessAsync(tmp.Path, RunArgs(tmp, tmp.File($"r{i}.json"), "--cache-dir", cache), TimeSpan.FromSeconds(120)))
            .ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var reports = Enumerable.Range(0, 4).Select(i => JsonNode.Parse(File.ReadAllText(tmp.File($"r{i}.json")))!).ToList();
        var computedBy = new Dictionary<string, int>();
        foreach (var rep in reports)
        {
            foreach (var (_, n) in rep["nodes"]!.AsObject())
            {
                string key = n!["resultKey"]!.GetValue<string>();
                computedBy.TryAdd(key, 0);
                if (n["status"]!.GetValue<string>() == "computed") computedBy[key]++;
            }
        }
        // Each key is computed by exactly one process (or not at all, when every process was served a consumer).
        Assert.All(computedBy, kv => Assert.True(kv.Value <= 1, $"{kv.Key} computed {kv.Value} times"));
        string outKey = reports[0]["nodes"]!["out"]!["resultKey"]!.GetValue<string>();
        Assert.Equal(1, computedBy[outKey]);
        Assert.Single(results.Select(r => r.Stdout.Split('\n')[1]).Distinct());
    }

    [Fact]
    public async Task FourProcesses_DiskBudgetSmallerThanWorkingSet_Holds()
    {
        using var tmp = Setup();
        string cache = Path.Combine(tmp.Path, "cache");
        // Each array is ~9 MB; the working set is ~5 arrays. Allow about two.
        const long budget = 20_000_000;
        string config = tmp.File("podcache.json",
            "{\"cache\": {\"tiers\": {\"ram\": {\"maxBytes\": \"256MiB\"}, \"disk\": {\"path\": \"" + cache + "\", \"maxBytes\": " + budget + "}}}}");
        var runs = Enumerable.Range(0, 4)
            .Select(i => CliHarness.RunProcessAsync(tmp.Path, RunArgs(tmp, tmp.File($"r{i}.json"), "--config", config), TimeSpan.FromSeconds(120)))
            .ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        long onDisk = Directory.EnumerateFiles(Path.Combine(cache, "entries"), "*.pce", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(onDisk <= budget, $"{onDisk} bytes on disk over a budget of {budget}");
        Assert.True(onDisk > 0);
        var stats = await CliHarness.RunAsync("cache", "stats", "--json", "--config", config);
        Assert.True(JsonNode.Parse(stats.Stdout)!["tiers"]!["disk"]!["bytes"]!.GetValue<long>() <= budget);
    }

    [Fact]
    public async Task WriterKilledMidWrite_NextProcessServesCorrectValues()
    {
        using var tmp = Setup();
        string cache = Path.Combine(tmp.Path, "cache");
        var reference = await CliHarness.RunProcessAsync(tmp.Path, ["run", tmp.File("p.json"), "--coords", tmp.File("c.json"), "--cache-dir", Path.Combine(tmp.Path, "ref")]);
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // Kill writers at different moments of their run (start-up, computing, writing).
        var rng = new Random(20261125);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            using var p = CliHarness.Start(tmp.Path, ["run", tmp.File("p.json"), "--coords", tmp.File("c.json"), "--cache-dir", cache]);
            await Task.Delay(300 + rng.Next(0, 900));
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var after = await CliHarness.RunProcessAsync(tmp.Path, ["run", tmp.File("p.json"), "--coords", tmp.File("c.json"), "--cache-dir", cache]);

        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Equal(reference.Stdout, after.Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache, "tmp")));
        var ls = JsonNode.Parse((await CliHarness.RunAsync("cache", "ls", "--json", "--cache-dir", cache)).Stdout)!.AsArray();
        Assert.All(ls, e => Assert.True(e!["ready"]!.GetValue<bool>()));
    }
}
