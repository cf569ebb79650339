using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary><c>podcache nodes</c>: every runnable type with its attrs and defaults, one type by any PODPAC spelling, JSON that is valid and unescaped.</summary>
public sealed class NodesCommandTests
{
    [Fact]
    public async Task Nodes_Json_ListsEveryRunnableTypeWithAttrsDefaultsAndVersions_AndTheRefusedOnesWithTheReason()
    {
        var r = await CliHarness.RunAsync("nodes", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var doc = JsonNode.Parse(r.Stdout)!;
        var nodes = doc["nodes"]!.AsArray();
        Assert.Equal(PodCache.Runtime.Nodes.NodeRegistry.Default.Types.Count, nodes.Count);
        var array = nodes.Single(n => n!["node"]!.GetValue<string>() == "data.Array")!;
        Assert.Equal(1, array["version"]!.GetValue<int>());
        var nanVal = array["attrs"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "nan_val")!;
        Assert.Equal("NaN", nanVal["default"]!.GetValue<string>());
        Assert.True(array["attrs"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "source")!["required"]!.GetValue<bool>());
        var generic = doc["unsupported"]!.AsArray().Single(n => n!["node"]!.GetValue<string>() == "core.algorithm.generic.Generic")!;
        Assert.Contains("Python", generic["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_Text_IsATable_AndOneNodeByAnySpelling()
    {
        var all = await CliHarness.RunAsync("nodes");
        Assert.Equal(0, all.ExitCode);
        Assert.Contains("algorithm.Arithmetic", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("eqn (required)", all.Stdout, StringComparison.Ordinal);

        var one = await CliHarness.RunAsync("nodes", "core.compositor.ordered_compositor.OrderedCompositor");
        Assert.Equal(0, one.ExitCode);
        Assert.StartsWith("compositor.OrderedCompositor (version 1)", one.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("algorithm.Generic", "PodCache runs no Python code")]
    [InlineData("algorithm.Arithmatic", "did you mean algorithm.Arithmetic")]
    public async Task Nodes_ARefusedOrMistypedName_Exit2WithTheReason(string name, string message)
    {
        var r = await CliHarness.RunAsync("nodes", name);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_Podpac_ListsEveryPodpacClassWithItsStatus_AsTextAndJson()
    {
        var text = await CliHarness.RunAsync("nodes", "--podpac");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("| `core.algorithm.stats.Percentile` |", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("| `core.algorithm.generic.Generic` | 2 | refused |", text.Stdout, StringComparison.Ordinal);

        var json = await CliHarness.RunAsync("nodes", "--podpac", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        var rows = JsonNode.Parse(json.Stdout)!["podpac"]!.AsArray();
        Assert.Equal(PodCache.Runtime.Nodes.PodpacNames.Classes.Count(), rows.Count);
        var interpolate = rows.Single(r => r!["class"]!.GetValue<string>() == "core.interpolation.interpolation.Interpolate")!;
        Assert.Equal("runs", interpolate["status"]!.GetValue<string>());
        Assert.Equal("interpolators.Interpolate", interpolate["node"]!.GetValue<string>());

        var extra = await CliHarness.RunAsync("nodes", "--podpac", "algorithm.Mean");
        Assert.Equal(2, extra.ExitCode);
    }
}
