using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

public class GetCommandTests
{
    private static string Case(string name, string file) => Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", name, file);

    [Fact]
    public async Task Get_NodeOfRunMadeByAnotherProcess_FromCacheWithoutComputing()
    {
        using var tmp = new TempDir();
        string cache = Path.Combine(tmp.Path, "cache");
        var run = await CliHarness.RunProcessAsync(tmp.Path, ["run", Case("014-shared-subgraph-composition", "pipeline.json"),
            "--coords", Case("014-shared-subgraph-composition", "coords.json"), "--cache-dir", cache]);
        Assert.True(run.ExitCode == 0, run.Stderr);

        var runs = JsonNode.Parse((await CliHarness.RunAsync("runs", "--json", "--cache-dir", cache)).Stdout)!.AsArray();
        Assert.Single(runs);
        string runId = runs[0]!["runId"]!.GetValue<string>();

        var got = await CliHarness.RunProcessAsync(tmp.Path, ["get", runId, "--node", "Arithmetic", "--cache-dir", cache]);
        var direct = await CliHarness.RunAsync("run", Case("014-shared-subgraph-composition", "pipeline.json"),
            "--coords", Case("014-shared-subgraph-composition", "coords.json"), "--node", "Arithmetic", "--cache-dir", Path.Combine(tmp.Path, "other"));

        Assert.True(got.ExitCode == 0, got.Stderr);
        Assert.DoesNotContain("recomputed", got.Stderr);
        Assert.Empty(Comparison.Compare(direct.Stdout, got.Stdout));
    }

    [Fact]
    public async Task Get_EvictedNode_RecomputedAndSaysSo()
    {
        using var tmp = new TempDir();
        string cache = Path.Combine(tmp.Path, "cache");
        string report = tmp.File("r.json");
        await CliHarness.RunAsync("run", Case("008-convolution-mean-sincoords", "pipeline.json"),
            "--coords", Case("008-convolution-mean-sincoords", "coords.json"), "--cache-dir", cache, "--report", report);
        string key = JsonNode.Parse(File.ReadAllText(report))!["nodes"]!["Convolution"]!["resultKey"]!.GetValue<string>();
        await CliHarness.RunAsync("cache", "evict", key, "--cache-dir", cache);

        var got = await CliHarness.RunAsync("get", "latest", "--cache-dir", cache);

        Assert.Equal(0, got.ExitCode);
        Assert.Contains("recomputed", got.Stderr);
        Assert.Empty(Comparison.Compare(File.ReadAllText(Case("008-convolution-mean-sincoords", "expected.json")), got.Stdout));
    }

    [Fact]
    public async Task Get_FromManifestFile_And_UnknownRunOrNode_Exit2()
    {
        using var tmp = new TempDir();
        string cache = Path.Combine(tmp.Path, "cache");
        string report = tmp.File("r.json");
        await CliHarness.RunAsync("run", Case("010-min-max-broadcast", "pipeline.json"),
            "--coords", Case("010-min-max-broadcast", "coords.json"), "--cache-dir", cache, "--report", report);

        var fromFile = await CliHarness.RunAsync("get", report, "--node", "Max", "--cache-dir", cache);
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal("lon", JsonNode.Parse(fromFile.Stdout)!["dims"]![0]!.GetValue<string>());

        Assert.Equal(2, (await CliHarness.RunAsync("get", "20990101T000000Z-deadbeef", "--cache-dir", cache)).ExitCode);
        var badNode = await CliHarness.RunAsync("get", report, "--node", "Nope", "--cache-dir", cache);
        Assert.Equal(2, badNode.ExitCode);
        Assert.Contains("Nope", badNode.Stderr);
    }

    [Fact]
    public async Task Run_GeoTiffOut_WritesFileThatReadsBack()
    {
        using var tmp = new TempDir();
        string tif = Path.Combine(tmp.Path, "out.tif");
        var r = await CliHarness.RunAsync("run", Case("008-convolution-mean-sincoords", "pipeline.json"),
            "--coords", Case("008-convolution-mean-sincoords", "coords.json"), "--format", "geotiff", "--out", tif, "--cache-dir", Path.Combine(tmp.Path, "c"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string p = tmp.File("read.json", "{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": \"" + tif + "\"}}}");
        var back = await CliHarness.RunAsync("run", p, "--coords", Case("008-convolution-mean-sincoords", "coords.json"), "--cache-dir", Path.Combine(tmp.Path, "c"));
        Assert.True(back.ExitCode == 0, back.Stderr);
        // Same cells; the raster comes back north-up, so compare after ordering lat descending on both sides.
        var expected = JsonNode.Parse(File.ReadAllText(Case("008-convolution-mean-sincoords", "expected.json")))!;
        var actual = JsonNode.Parse(back.Stdout)!;
        var eLat = expected["coords"]!["lat"]!.AsArray().Select(x => x!.GetValue<double>()).ToList();
        var aLat = actual["coords"]!["lat"]!.AsArray().Select(x => x!.GetValue<double>()).ToList();
        Assert.Equal(eLat.OrderByDescending(x => x), aLat, (x, y) => Math.Abs(x - y) < 1e-9);
        for (int i = 0; i < aLat.Count; i++)
        {
            int j = eLat.FindIndex(x => Math.Abs(x - aLat[i]) < 1e-9);
            var eRow = expected["values"]![j]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            var aRow = actual["values"]![i]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            Assert.Equal(eRow, aRow, (x, y) => Math.Abs(x - y) <= 1e-12);
        }
    }

    [Fact]
    public async Task Get_PngFormat_WritesAPngOfTheNode()
    {
        using var tmp = new TempDir();
        string cache = Path.Combine(tmp.Path, "cache");
        var run = await CliHarness.RunAsync("run", Case("008-convolution-mean-sincoords", "pipeline.json"),
            "--coords", Case("008-convolution-mean-sincoords", "coords.json"), "--cache-dir", cache);
        Assert.Equal(0, run.ExitCode);
        string png = Path.Combine(tmp.Path, "conv.png");

        var got = await CliHarness.RunAsync("get", "latest", "--node", "Convolution", "--format", "png", "--out", png, "--cache-dir", cache);

        Assert.True(got.ExitCode == 0, got.Stderr);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(2, (await CliHarness.RunAsync("get", "latest", "--format", "png", "--cache-dir", cache)).ExitCode);
    }
}
