using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

public class CacheCommandTests
{
    private static async Task<(TempDir Tmp, JsonNode Report)> RunOnce()
    {
        var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "014-shared-subgraph-composition");
        string report = tmp.File("r.json");
        var r = await CliHarness.RunAsync("run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"),
            "--cache-dir", Path.Combine(tmp.Path, "cache"), "--report", report);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return (tmp, JsonNode.Parse(File.ReadAllText(report))!);
    }

    [Fact]
    public async Task Inspect_ComputedNode_PrintsProvenance()
    {
        var (tmp, report) = await RunOnce();
        using var _ = tmp;
        string key = report["nodes"]!["Convolution"]!["resultKey"]!.GetValue<string>();

        var r = await CliHarness.RunAsync("inspect", key, "--cache-dir", Path.Combine(tmp.Path, "cache"));

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var j = JsonNode.Parse(r.Stdout)!;
        var prov = j["provenance"]!;
        Assert.Equal("Convolution", prov["node"]!.GetValue<string>());
        Assert.Equal(report["nodes"]!["Convolution"]!["nodeKey"]!.GetValue<string>(), prov["nodeKey"]!.GetValue<string>());
        Assert.NotNull(prov["pipeline"]!["SinCoords"]);
        Assert.Null(prov["pipeline"]!["Mean"]);
        Assert.Equal("Convolution", prov["pipeline"]!["podpac_output_node"]!.GetValue<string>());
        Assert.Equal(1, prov["nodeVersions"]!["algorithm.Convolution"]!.GetValue<int>());
        Assert.NotNull(prov["coordinates"]!["coords"]);
        Assert.False(string.IsNullOrEmpty(prov["host"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(prov["podcacheVersion"]!.GetValue<string>()));
        Assert.True(j["computeSeconds"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public async Task Inspect_BadKey_Exit2()
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync("inspect", "not-a-key", "--cache-dir", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("64 lowercase hex", r.Stderr);
    }

    [Fact]
    public async Task StatsLsEvictClear_WorkOnTheDiskTier()
    {
        var (tmp, report) = await RunOnce();
        using var _ = tmp;
        string cache = Path.Combine(tmp.Path, "cache");
        int refsComputed = report["nodes"]!.AsObject().Count(n => n.Value!["status"]!.GetValue<string>() == "computed");
        // SinCoords is evaluated twice: on the request and on the grid grown for the Convolution; and the run's
        // pipeline record (the provenance its entries share) is one entry too.
        int computed = refsComputed + 1 + 1;

        var stats = JsonNode.Parse((await CliHarness.RunAsync("cache", "stats", "--json", "--cache-dir", cache)).Stdout)!;
        Assert.Equal(computed, stats["tiers"]!["disk"]!["entries"]!.GetValue<long>());
        Assert.True(stats["tiers"]!["disk"]!["bytes"]!.GetValue<long>() > 0);

        var ls = JsonNode.Parse((await CliHarness.RunAsync("cache", "ls", "--json", "--cache-dir", cache)).Stdout)!.AsArray();
        Assert.Equal(computed, ls.Count);

        string key = report["nodes"]!["Mean"]!["resultKey"]!.GetValue<string>();
        var evict = await CliHarness.RunAsync("cache", "evict", key, "--cache-dir", cache);
        Assert.Contains("evicted", evict.Stdout);
        var ls2 = JsonNode.Parse((await CliHarness.RunAsync("cache", "ls", "--json", "--cache-dir", cache)).Stdout)!.AsArray();
        Assert.Equal(computed - 1, ls2.Count);
        Assert.DoesNotContain(ls2, e => e!["key"]!.GetValue<string>() == key);

        var clear = await CliHarness.RunAsync("cache", "clear", "--cache-dir", cache);
        Assert.Contains($"removed {computed - 1}", clear.Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache, "entries"), "*.pce", SearchOption.AllDirectories));
    }
}
