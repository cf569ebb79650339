using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary>Saved run manifests (<c>runs/</c>) shown by <c>cache stats</c> and counted against the disk budget.</summary>
public class RunManifestBudgetTests
{
    private static string Case(string file) => Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "008-convolution-mean-sincoords", file);

    [Fact]
    public async Task Stats_AfterRuns_ShowsTheSavedManifestsAndTheirShareOfTheDiskBudget()
    {
        using var tmp = new TempDir();
        string cache = Path.Combine(tmp.Path, "cache");
        string config = tmp.File("podcache.json", "{\"cache\": {\"tiers\": {\"ram\": {}, \"disk\": {\"path\": \"" + cache + "\", \"maxBytes\": \"200MB\"}}}}");
        for (int i = 0; i < 2; i++)
        {
            var r = await CliHarness.RunAsync("run", Case("pipeline.json"), "--coords", Case("coords.json"), "--config", config);
            Assert.True(r.ExitCode == 0, r.Stderr);
        }

        var json = await CliHarness.RunAsync("cache", "stats", "--json", "--config", config);
        var text = await CliHarness.RunAsync("cache", "stats", "--config", config);
        var gc = await CliHarness.RunAsync("cache", "gc", "--config", config);

        var runs = JsonNode.Parse(json.Stdout)!["savedRuns"]!;
        var files = Directory.GetFiles(Path.Combine(cache, "runs"), "*.json");
        Assert.Equal(2, files.Length);
        Assert.Equal(2, runs["files"]!.GetValue<int>());
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), runs["bytes"]!.GetValue<long>());
        Assert.Equal(20_000_000, runs["maxBytes"]!.GetValue<long>());
        Assert.Contains(text.Stdout.Split('\n'), l => l.StartsWith("runs ", StringComparison.Ordinal) && l.Contains("2 saved", StringComparison.Ordinal));
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("runs: removed 0 saved runs", gc.Stdout);
    }
}
