namespace PodCache.Cli.Tests;

/// <summary><c>podcache run</c> on a PODPAC datalib node PodCache does not run: exit 2, the node's path and the reason.</summary>
public class UnsupportedNodeTests
{
    [Fact]
    public async Task Run_ASmapNode_Exit2_WithTheNodesPathAndWhy_NothingCached()
    {
        using var tmp = new TempDir();
        string p = tmp.File("p.json", """
            {"sm": {"node": "datalib.smap_egi.SMAP", "attrs": {"product": "SPL4SMAU"}},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sm"}, "attrs": {"eqn": "A * 2"}}}
            """);
        string c = tmp.File("c.json", """{"coords": [{"name": "lat", "values": [40]}, {"name": "lon", "values": [-100]}]}""");
        var r = await CliHarness.RunAsync(["run", p, "--coords", c, "--cache-dir", Path.Combine(tmp.Path, "cache")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sm.node: 'datalib.smap_egi.SMAP'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("PodCache does not support it", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("NASA Earthdata login", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown node type", r.Stderr, StringComparison.Ordinal);
        string entries = Path.Combine(tmp.Path, "cache", "entries");
        Assert.False(Directory.Exists(entries) && Directory.EnumerateFiles(entries, "*", SearchOption.AllDirectories).Any());
    }
}
