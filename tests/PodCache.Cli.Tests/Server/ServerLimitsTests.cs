using System.Net;
using System.Text;

namespace PodCache.Cli.Tests.Server;

public class ServerLimitsTests
{
    private const string Coords = """{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "values": [1, 2]}]}""";

    [Fact]
    public async Task PostRun_240KBBodyNested40000Deep_400AtThePathAndTheServerAnswersTheNextRequest()
    {
        await using var s = await TestServer.StartAsync();
        string deep = new string('[', 120_000) + new string(']', 120_000);
        Assert.True(Encoding.UTF8.GetByteCount(deep) >= 240_000);
        using (var r = await s.PostRunAsync("""{"pipeline": {"a": {"node": "algorithm.SinCoords", "attrs": {"x": """ + deep + "}}}, \"coordinates\": " + Coords + "}"))
        {
            var p = await TestServer.AssertProblemAsync(r, 400);
            var path = Assert.Single(TestServer.ErrorPaths(p));
            Assert.StartsWith("pipeline.a.attrs.x[0][0]", path);
            Assert.Equal("arrays and objects nest deeper than 64 levels (limits.maxJsonDepth)", p["errors"]![0]!["message"]!.GetValue<string>());
        }
        var ok = await s.PostRunOkAsync(TestServer.Body("""{"sin": {"node": "algorithm.SinCoords"}}""", Coords));
        Assert.Equal("computed", ok["nodes"]!["sin"]!["status"]!.GetValue<string>());
        using var health = await s.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task PostRun_KernelThatGrowsPast6GB_400BeforeAllocating()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body("""
            {"sin": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,40000", "kernel_dims": ["lat", "lon"]}}}
            """, Coords));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["pipeline.m.attrs.kernel_type"], TestServer.ErrorPaths(p));
        Assert.Contains("(limits.maxKernelCells)", p["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRun_RequestPastTheCellLimit_400AtCoordinates()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.PostRunAsync(TestServer.Body("""{"a": {"node": "algorithm.Arange"}}""",
            """{"coords": [{"name": "lat", "start": 0, "stop": 65535, "step": 1}, {"name": "lon", "start": 0, "stop": 65535, "step": 1}]}"""));
        var p = await TestServer.AssertProblemAsync(r, 400);
        Assert.Equal(["coordinates.coords"], TestServer.ErrorPaths(p));
        Assert.Contains("(limits.maxCellsPerRequest)", p["errors"]![0]!["message"]!.GetValue<string>());
    }
}
