using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary>Hostile inputs and the <c>limits</c> section through <c>podcache run</c> and <c>plan</c>: exit 2 naming the path.</summary>
public class LimitsTests
{
    private const string Coords = """{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""";

    private static string Chain(int n)
    {
        var sb = new StringBuilder("{\"n0\": {\"node\": \"algorithm.SinCoords\"}");
        for (int i = 1; i < n; i++)
        {
            sb.Append($",\n\"n{i}\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"n{i - 1}\"}}, \"attrs\": {{\"eqn\": \"A + 1\"}}}}");
        }
        return sb.Append($", \"podpac_output_node\": \"n{n - 1}\"}}").ToString();
    }

    private static async Task<CliHarness.Result> Run(TempDir tmp, string pipeline, string coords = Coords, params string[] extra) =>
        await CliHarness.RunAsync(["run", tmp.File("p.json", pipeline), "--coords", tmp.File("c.json", coords),
            "--cache-dir", Path.Combine(tmp.Path, "cache"), .. extra]);

    private static bool NothingCached(TempDir tmp) =>
        !Directory.Exists(Path.Combine(tmp.Path, "cache", "entries"))
        || !Directory.EnumerateFiles(Path.Combine(tmp.Path, "cache", "entries"), "*", SearchOption.AllDirectories).Any();

    [Fact]
    public async Task Run_Pipeline240KBNested40000Deep_Exit2AtThePath()
    {
        using var tmp = new TempDir();
        string deep = new string('[', 40_000) + new string(']', 40_000);
        var r = await Run(tmp, """{"a": {"node": "algorithm.SinCoords", "attrs": {"x": """ + deep + "}}}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("a.attrs.x[0][0]", r.Stderr);
        Assert.Contains("arrays and objects nest deeper than 64 levels (limits.maxJsonDepth)", r.Stderr);
        Assert.Contains("p.json", r.Stderr);
    }

    [Fact]
    public async Task Run_MeanKernelOf40000_Exit2BeforeAllocating()
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, """
            {"sin": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,40000", "kernel_dims": ["lat", "lon"]}}}
            """);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("m.attrs.kernel_type: the kernel \"mean,40000\" over 2 dim(s) has 1,600,000,000 taps; at most 1,048,576 are allowed (limits.maxKernelCells)", r.Stderr);
        Assert.True(NothingCached(tmp));
    }

    [Fact]
    public async Task Run_ConvolutionGrowthPastTheNodeLimit_Exit2AtTheSource()
    {
        using var tmp = new TempDir();
        string config = tmp.File("cfg.json", """{"cache": {"tiers": {"ram": {"maxBytes": "64MiB"}}}, "limits": {"maxCellsPerNode": 10000}}""");
        var r = await Run(tmp, """
            {"sin": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,99", "kernel_dims": ["lat", "lon"]}}}
            """, Coords, "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sin: would be evaluated at 10,404 points (lat: 102 x lon: 102); a node may produce at most 10,000 (limits.maxCellsPerNode)", r.Stderr);
    }

    [Fact]
    public async Task Run_DevZeroAsPipelineOrCoordinates_Exit2NamingTheFile()
    {
        using var tmp = new TempDir();
        var p = await CliHarness.RunAsync("run", "/dev/zero", "--coords", tmp.File("c.json", Coords), "--cache-dir", Path.Combine(tmp.Path, "cache"));
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("pipeline file '/dev/zero' is a character device; only regular files are read", p.Stderr);
        var c = await CliHarness.RunAsync("plan", tmp.File("p.json", """{"a": {"node": "algorithm.SinCoords"}}"""), "--coords", "/dev/zero",
            "--cache-dir", Path.Combine(tmp.Path, "cache"));
        Assert.Equal(2, c.ExitCode);
        Assert.Contains("coordinates file '/dev/zero' is a character device", c.Stderr);
        var cfg = await CliHarness.RunAsync("run", tmp.File("p.json"), "--coords", tmp.File("c.json"), "--config", "/dev/zero");
        Assert.Equal(2, cfg.ExitCode);
        Assert.Contains("configuration file '/dev/zero' is a character device", cfg.Stderr);
    }

    [Fact]
    public async Task Run_ExpiryOf99999999Years_Exit2AtTheNodesCacheSettings()
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, """{"sin": {"node": "algorithm.SinCoords", "cache": {"expires": "P99999999Y"}}}""");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sin.cache.expires: expiry 'P99999999Y' is too long; at most 1000 years", r.Stderr);
    }

    [Fact]
    public async Task Run_GridPast2Pow31Cells_Exit2AtCoords()
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, """{"a": {"node": "algorithm.Arange"}}""",
            """{"coords": [{"name": "lat", "start": 0, "stop": 49999, "step": 1}, {"name": "lon", "start": 0, "stop": 49999, "step": 1}]}""");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("coords: 2,500,000,000 points (50000 x 50000); a request may have at most 268,435,456 (limits.maxCellsPerRequest)", r.Stderr);
        Assert.Contains("c.json", r.Stderr);
    }

    [Fact]
    public async Task Run_MoreNodesThanTheConfiguredLimit_Exit2()
    {
        using var tmp = new TempDir();
        string config = tmp.File("cfg.json", """{"limits": {"maxNodes": 3}}""");
        var r = await Run(tmp, Chain(4), Coords, "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the pipeline has 4 nodes; at most 3 are allowed (limits.maxNodes)", r.Stderr);
        var ok = await Run(tmp, Chain(3), Coords, "--config", config);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
    }

    [Fact]
    public async Task Run_InvalidLimitsSection_Exit2NamingThePath()
    {
        using var tmp = new TempDir();
        string config = tmp.File("cfg.json", """{"limits": {"maxJsonDepth": 5000, "maxNode": 3}}""");
        var r = await Run(tmp, Chain(2), Coords, "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cfg.json", r.Stderr);
        Assert.Contains("limits.maxJsonDepth: must be from 2 to 1000 (got 5000)", r.Stderr);
        Assert.Contains("limits.maxNode: unknown key", r.Stderr);
    }

    [Fact]
    public async Task Run_100000NodeChain_PlansAndRunsInAChildProcessWithoutStackOverflow()
    {
        // A child process: a stack overflow would end the test host. RAM only, so the run measures the traversals,
        // not 100,000 fsyncs.
        using var tmp = new TempDir();
        string pipeline = tmp.File("chain.json", Chain(100_000));
        string coords = tmp.File("c.json", Coords);
        string config = tmp.File("cfg.json", """{"cache": {"tiers": {"ram": {"maxBytes": "1GiB"}}}, "limits": {"maxNodes": 100000}}""");
        var sw = Stopwatch.StartNew();
        var plan = await CliHarness.RunProcessAsync(tmp.Path, ["plan", pipeline, "--coords", coords, "--config", config], TimeSpan.FromMinutes(3));
        Assert.True(plan.ExitCode == 0, plan.Stderr[..Math.Min(2000, plan.Stderr.Length)]);
        Assert.Equal(100_000, JsonNode.Parse(plan.Stdout)!["nodes"]!.AsObject().Count);
        var run = await CliHarness.RunProcessAsync(tmp.Path, ["run", pipeline, "--coords", coords, "--config", config, "--format", "json"],
            TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, run.Stderr[..Math.Min(2000, run.Stderr.Length)]);
        var values = JsonNode.Parse(run.Stdout)!["values"]!.AsArray();
        // SinCoords is 0 at (0, 0); each of the 99,999 Arithmetic nodes adds 1.
        Assert.Equal(99_999, values[0]![0]!.GetValue<double>(), 6);
        Assert.True(sw.Elapsed < TimeSpan.FromMinutes(3), $"took {sw.Elapsed}");
    }
}
