using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

public class NodeCacheSettingsTests
{
    [Fact]
    public async Task Run_PerNodeCacheSettings_OverrideDefaults()
    {
        using var tmp = new TempDir();
        string p = tmp.File("p.json", """
            {"s": {"node": "algorithm.SinCoords", "cache": {"tiers": ["ram"]}},
             "a": {"node": "algorithm.Arange", "cache": {"enabled": false}},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"S": "s", "A": "a"}, "attrs": {"eqn": "S + A"}, "cache": {"expires": "PT6H"}}}
            """);
        string c = tmp.File("c.json", """{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": 1}, {"name": "lon", "start": 0, "stop": 10, "step": 1}]}""");
        string cache = Path.Combine(tmp.Path, "cache");
        string report = tmp.File("r.json");
        var r = await CliHarness.RunAsync("run", p, "--coords", c, "--cache-dir", cache, "--report", report);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var nodes = JsonNode.Parse(File.ReadAllText(report))!["nodes"]!;

        var ls = JsonNode.Parse((await CliHarness.RunAsync("cache", "ls", "--json", "--cache-dir", cache)).Stdout)!.AsArray();
        var onDisk = ls.Select(e => e!["key"]!.GetValue<string>()).ToHashSet();

        // "s" is RAM-only and "a" is not cached at all: only "out" reaches the disk, with its expiry, beside the run's
        // pipeline record that its provenance names.
        string outKey = nodes["out"]!["resultKey"]!.GetValue<string>();
        var inspect = JsonNode.Parse((await CliHarness.RunAsync("inspect", outKey, "--cache-dir", cache)).Stdout)!;
        string recordKey = inspect["provenance"]!["pipelineKey"]!.GetValue<string>();
        Assert.Equal(new HashSet<string> { outKey, recordKey }, onDisk);
        var entry = ls.First(e => e!["key"]!.GetValue<string>() == outKey)!;
        var created = DateTimeOffset.Parse(entry["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(entry["expires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(6), expires - created);
    }
}
