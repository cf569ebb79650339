using System.Globalization;
using System.Text.RegularExpressions;

namespace PodCache.Cli.Tests;

/// <summary><c>PODCACHE_TIMINGS=1</c>: a one-shot command's phases on stderr, its output unchanged.</summary>
public sealed class StartupTimingsTests
{
    private static readonly string[] Phases =
        ["runtime start", "command line", "configuration", "pipeline and coordinates", "cache opened", "run", "manifest saved", "output written", "cache closed"];

    [Fact]
    public async Task Run_WithTimings_PrintsEveryPhaseInOrder_SummingToTheTotal_AndTheSameOutput()
    {
        using var tmp = new TempDir();
        string pipeline = tmp.File("p.json", """{"a": {"node": "algorithm.SinCoords"}, "b": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A * 2"}}}""");
        string coords = tmp.File("c.json", """{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""");
        string[] args = ["run", pipeline, "--coords", coords, "--cache-dir", Path.Combine(tmp.Path, "cache"), "--no-progress"];

        var plain = await Run(tmp.Path, args, timings: false);
        var timed = await Run(tmp.Path, args, timings: true);

        Assert.Equal(0, plain.Code);
        Assert.Equal(0, timed.Code);
        Assert.DoesNotContain("timing:", plain.Stderr);

        Assert.Equal(Values(plain.Stdout), Values(timed.Stdout));
        var lines = Regex.Matches(timed.Stderr, @"^timing: (.+?)\s+([0-9.]+) ms", RegexOptions.Multiline)
            .Select(m => (Phase: m.Groups[1].Value.Trim(), Ms: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal([.. Phases, "total"], lines.Select(l => l.Phase));
        Assert.All(lines, l => Assert.True(l.Ms >= 0, $"{l.Phase}: {l.Ms} ms"));
        double sum = lines.SkipLast(1).Sum(l => l.Ms);
        // The phases cover the process from its start: they add up to the total, up to what ran after the last mark.
        Assert.InRange(sum, lines[^1].Ms * 0.9, lines[^1].Ms + 1);
        Assert.Matches(@"run\s+[0-9.]+ ms  \(JIT: +[0-9]+ methods", timed.Stderr);
    }

    private static string Values(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!["values"]!.ToJsonString();

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string dir, string[] args, bool timings)
    {
        using var p = CliHarness.Start(dir, args, timings ? new Dictionary<string, string> { ["PODCACHE_TIMINGS"] = "1" } : null);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
