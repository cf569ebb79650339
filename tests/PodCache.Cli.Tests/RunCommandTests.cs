using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

public class RunCommandTests
{
    public static IEnumerable<object[]> Cases() =>
        Directory.GetDirectories(Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases"))
            .Where(d => File.Exists(Path.Combine(d, "expected.json")))
            .Select(d => new object[] { Path.GetFileName(d) })
            .OrderBy(o => (string)o[0], StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_ConformanceCase_JsonMatchesPodpac(string name)
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", name);
        var r = await CliHarness.RunAsync("run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"),
            "--format", "json", "--cache-dir", tmp.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var problems = Comparison.Compare(File.ReadAllText(Path.Combine(dir, "expected.json")), r.Stdout);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The cases whose data files sit beside pipeline.json.</summary>
    public static IEnumerable<object[]> CasesWithFiles() =>
        Cases().Where(c => Directory.EnumerateFileSystemEntries(Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", (string)c[0]))
            .Any(f => Path.GetFileName(f) is not ("pipeline.json" or "coords.json" or "expected.json")));

    [Theory]
    [MemberData(nameof(CasesWithFiles))]
    public async Task Run_ConformanceCaseWithDataFiles_FromItsFolder_AsAUserWould(string name)
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", name);
        // A process in the case's folder naming the files relatively, as PODPAC was run to make the case.
        var r = await CliHarness.RunProcessAsync(dir, ["run", "pipeline.json", "--coords", "coords.json", "--format", "json", "--cache-dir", tmp.Path],
            TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var problems = Comparison.Compare(File.ReadAllText(Path.Combine(dir, "expected.json")), r.Stdout);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Run_Twice_SecondReportsHitDiskAndComputesNothing()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "014-shared-subgraph-composition");
        string report1 = tmp.File("r1.json"), report2 = tmp.File("r2.json");
        string[] common = ["run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"), "--cache-dir", Path.Combine(tmp.Path, "cache")];

        var first = await CliHarness.RunProcessAsync(tmp.Path, [.. common, "--report", report1]);
        var second = await CliHarness.RunProcessAsync(tmp.Path, [.. common, "--report", report2]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var m1 = JsonNode.Parse(File.ReadAllText(report1))!;
        var m2 = JsonNode.Parse(File.ReadAllText(report2))!;
        string output = m2["output"]!.GetValue<string>();
        Assert.Equal("hit:disk", m2["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(m2["nodes"]!.AsObject(), n => n.Value!["status"]!.GetValue<string>() == "computed");
        Assert.Contains(m1["nodes"]!.AsObject(), n => n.Value!["status"]!.GetValue<string>() == "computed");
        Assert.Equal(m1["nodes"]![output]!["resultKey"]!.GetValue<string>(), m2["nodes"]![output]!["resultKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_NodeOption_PrintsThatNode()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "010-min-max-broadcast");
        var r = await CliHarness.RunAsync("run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"),
            "--node", "Min", "--cache-dir", tmp.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("lat", j["dims"]![0]!.GetValue<string>());
        Assert.Single(j["dims"]!.AsArray());
    }

    [Fact]
    public async Task Plan_BeforeAndAfterRun_PredictsMissThenHit()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "008-convolution-mean-sincoords");
        string[] files = [Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"), "--cache-dir", tmp.Path];
        var before = await CliHarness.RunAsync(["plan", .. files]);
        await CliHarness.RunAsync(["run", .. files]);
        var after = await CliHarness.RunAsync(["plan", .. files]);
        Assert.Equal("computed", JsonNode.Parse(before.Stdout)!["nodes"]!["Convolution"]!["status"]!.GetValue<string>());
        Assert.Equal("hit:disk", JsonNode.Parse(after.Stdout)!["nodes"]!["Convolution"]!["status"]!.GetValue<string>());
        Assert.Equal("pruned", JsonNode.Parse(after.Stdout)!["nodes"]!["SinCoords"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_SubGridInAnotherProcess_SlicedFromDisk()
    {
        using var tmp = new TempDir();
        string p = tmp.File("p.json", """
            {"sin": {"node": "algorithm.SinCoords"},
             "conv": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}}}
            """);
        string big = tmp.File("big.json", """{"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.5}, {"name": "lon", "start": -130, "stop": -60, "step": 0.5}]}""");
        string small = tmp.File("small.json", """{"coords": [{"name": "lat", "start": 40, "stop": 35, "step": -0.5}, {"name": "lon", "start": -125, "stop": -110, "step": 0.5}]}""");
        string cache = Path.Combine(tmp.Path, "cache");
        var first = await CliHarness.RunProcessAsync(tmp.Path, ["run", p, "--coords", big, "--cache-dir", cache]);
        Assert.True(first.ExitCode == 0, first.Stderr);

        var second = await CliHarness.RunProcessAsync(tmp.Path, ["run", p, "--coords", small, "--cache-dir", cache, "--report", tmp.File("r.json")]);
        var fresh = await CliHarness.RunProcessAsync(tmp.Path, ["run", p, "--coords", small, "--cache-dir", Path.Combine(tmp.Path, "fresh")]);

        Assert.True(second.ExitCode == 0, second.Stderr);
        var report = JsonNode.Parse(File.ReadAllText(tmp.File("r.json")))!;
        Assert.Equal("hit:disk", report["nodes"]!["conv"]!["status"]!.GetValue<string>());
        Assert.Empty(Comparison.Compare(fresh.Stdout, second.Stdout));
    }

    [Fact]
    public async Task Run_SourcesAllowFilesSet_RasterOutsideRefusedExit2_InsideRuns()
    {
        using var tmp = new TempDir();
        string allowed = Path.Combine(tmp.Path, "data");
        Directory.CreateDirectory(allowed);
        string terrain = Path.Combine(CliHarness.RepoRoot, "examples", "data", "terrain.tif");
        File.Copy(terrain, Path.Combine(allowed, "dem.tif"));
        string config = tmp.File("podcache.json", new System.Text.Json.Nodes.JsonObject
        {
            ["cache"] = new System.Text.Json.Nodes.JsonObject { ["tiers"] = new System.Text.Json.Nodes.JsonObject { ["disk"] = new System.Text.Json.Nodes.JsonObject { ["path"] = Path.Combine(tmp.Path, "cache") } } },
            ["sources"] = new System.Text.Json.Nodes.JsonObject { ["allow"] = new System.Text.Json.Nodes.JsonObject { ["files"] = new System.Text.Json.Nodes.JsonArray(allowed) } },
        }.ToJsonString());
        string coords = Path.Combine(CliHarness.RepoRoot, "examples", "pipelines", "terrain", "coords.json");
        string Pipeline(string name, string source) => tmp.File(name, new System.Text.Json.Nodes.JsonObject
        {
            ["dem"] = new System.Text.Json.Nodes.JsonObject { ["node"] = "data.Raster", ["attrs"] = new System.Text.Json.Nodes.JsonObject { ["source"] = source } },
        }.ToJsonString());

        var outside = await CliHarness.RunAsync("run", Pipeline("out.json", terrain), "--coords", coords, "--config", config);
        var inside = await CliHarness.RunAsync("run", Pipeline("in.json", Path.Combine(allowed, "dem.tif")), "--coords", coords, "--config", config);
        var unrestricted = await CliHarness.RunAsync("run", Pipeline("any.json", terrain), "--coords", coords, "--cache-dir", Path.Combine(tmp.Path, "c2"));

        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("dem.attrs.source: not under an allowed data root", outside.Stderr);
        Assert.True(inside.ExitCode == 0, inside.Stderr);
        Assert.True(unrestricted.ExitCode == 0, unrestricted.Stderr);
    }

    [Fact]
    public async Task Run_SourcesSectionInvalid_Exit2NamingThePath()
    {
        using var tmp = new TempDir();
        string config = tmp.File("podcache.json", """{"sources": {"allow": {"files": [3], "hosts": []}}}""");
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "014-shared-subgraph-composition");

        var r = await CliHarness.RunAsync("run", Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"), "--config", config);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sources.allow.files[0]", r.Stderr);
        Assert.Contains("sources.allow.hosts", r.Stderr);
    }
}
