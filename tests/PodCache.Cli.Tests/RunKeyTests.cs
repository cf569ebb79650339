using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary>
/// Issue 12 items 1–3 through real processes over one disk cache: inputs whose results differ never share a key, a
/// raster source is its resolved file, and a sliced hit is what a fresh run prints.
/// </summary>
public class RunKeyTests
{
    private static string Status(string reportPath, string nodeRef) =>
        JsonNode.Parse(File.ReadAllText(reportPath))!["nodes"]![nodeRef]!["status"]!.GetValue<string>();

    [Fact]
    public async Task Run_ParamsZeroThenNegativeZero_SecondIsNegativeInfinityAndComputed()
    {
        using var tmp = new TempDir();
        const string pipeline = """
            {"s": {"node": "algorithm.SinCoords"},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "1 / ({z} * (A*0 + 1))", "params": {"z": ZED}}}}
            """;
        string zero = tmp.File("zero.json", pipeline.Replace("ZED", "0", StringComparison.Ordinal));
        string negative = tmp.File("negative.json", pipeline.Replace("ZED", "-0.0", StringComparison.Ordinal));
        string coords = tmp.File("c.json", """{"coords": [{"name": "lat", "values": [1]}, {"name": "lon", "values": [2]}]}""");
        string cache = Path.Combine(tmp.Path, "cache");

        var first = await CliHarness.RunProcessAsync(tmp.Path, ["run", zero, "--coords", coords, "--cache-dir", cache]);
        var second = await CliHarness.RunProcessAsync(tmp.Path, ["run", negative, "--coords", coords, "--cache-dir", cache, "--report", tmp.File("r.json")]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("Infinity", JsonNode.Parse(first.Stdout)!["values"]![0]![0]!.GetValue<string>());
        Assert.Equal("-Infinity", JsonNode.Parse(second.Stdout)!["values"]![0]![0]!.GetValue<string>());
        Assert.Equal("computed", Status(tmp.File("r.json"), "out"));
    }

    [Fact]
    public async Task Run_SameRelativeRasterInTwoFoldersWithOneMtime_EachFolderGetsItsOwnPixels()
    {
        using var tmp = new TempDir();
        string coords = tmp.File("c.json", """{"coords": [{"name": "lat", "start": 10, "stop": 8, "step": -1}, {"name": "lon", "start": 1, "stop": 3, "step": 1}]}""");
        string cache = Path.Combine(tmp.Path, "cache");
        var t0 = new DateTime(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        foreach (var (folder, factor) in new[] { ("one", "1"), ("two", "2") })
        {
            Directory.CreateDirectory(Path.Combine(tmp.Path, folder));
            string maker = tmp.File($"make-{folder}.json",
                $$"""{"s": {"node": "algorithm.SinCoords"}, "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A * {{factor}}"} } }""");
            string tif = Path.Combine(tmp.Path, folder, "dem.tif");
            var made = await CliHarness.RunProcessAsync(tmp.Path, ["run", maker, "--coords", coords, "--cache-dir", Path.Combine(tmp.Path, "maker"), "--format", "geotiff", "--out", tif]);
            Assert.True(made.ExitCode == 0, made.Stderr);
            File.SetLastWriteTimeUtc(tif, t0);
        }
        Assert.Equal(new FileInfo(Path.Combine(tmp.Path, "one", "dem.tif")).Length, new FileInfo(Path.Combine(tmp.Path, "two", "dem.tif")).Length);
        // One pipeline text in both folders: a relative source resolves against the pipeline file's folder.
        const string Raster = """{"r": {"node": "data.Raster", "attrs": {"source": "dem.tif"}}}""";
        string pipelineOne = tmp.File(Path.Combine("one", "raster.json"), Raster);
        string pipelineTwo = tmp.File(Path.Combine("two", "raster.json"), Raster);

        var one = await CliHarness.RunProcessAsync(tmp.Path, ["run", pipelineOne, "--coords", coords, "--cache-dir", cache]);
        var two = await CliHarness.RunProcessAsync(tmp.Path, ["run", pipelineTwo, "--coords", coords, "--cache-dir", cache, "--report", tmp.File("r.json")]);
        var again = await CliHarness.RunProcessAsync(Path.Combine(tmp.Path, "one"), ["run", pipelineTwo, "--coords", coords, "--cache-dir", cache, "--report", tmp.File("r2.json")]);

        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.True(two.ExitCode == 0, two.Stderr);
        Assert.Equal("computed", Status(tmp.File("r.json"), "r"));
        Assert.Equal("hit:disk", Status(tmp.File("r2.json"), "r"));
        double a = JsonNode.Parse(one.Stdout)!["values"]![0]![0]!.GetValue<double>();
        double b = JsonNode.Parse(two.Stdout)!["values"]![0]![0]!.GetValue<double>();
        Assert.Equal(2 * a, b, 6);
        Assert.Equal(two.Stdout, again.Stdout);
    }

    [Fact]
    public async Task Run_CoordDataSubGridAfterConvolutionGrewTheGrid_PrintsWhatAFreshRunPrints()
    {
        using var tmp = new TempDir();
        string conv = tmp.File("conv.json", """
            {"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
             "c": {"node": "algorithm.Convolution", "inputs": {"source": "l"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat"]}}}
            """);
        string mask = tmp.File("mask.json", """
            {"l": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "l"}, "attrs": {"eqn": "L == 77.4"}}}
            """);
        string big = tmp.File("big.json", """{"coords": [{"name": "lat", "start": 70, "stop": 80, "step": 0.1}]}""");
        string small = tmp.File("small.json", """{"coords": [{"name": "lat", "start": 77, "stop": 78, "step": 0.1}]}""");
        string cache = Path.Combine(tmp.Path, "cache");

        var first = await CliHarness.RunProcessAsync(tmp.Path, ["run", conv, "--coords", big, "--cache-dir", cache]);
        var second = await CliHarness.RunProcessAsync(tmp.Path, ["run", mask, "--coords", small, "--cache-dir", cache]);
        var fresh = await CliHarness.RunProcessAsync(tmp.Path, ["run", mask, "--coords", small, "--cache-dir", Path.Combine(tmp.Path, "fresh")]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(fresh.Stdout, second.Stdout);
        Assert.Equal(1.0, JsonNode.Parse(second.Stdout)!["values"]![4]!.GetValue<double>());
    }
}
