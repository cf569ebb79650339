using System.Net;
using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests.Server;

public class ServerStatusTests
{
    [Fact]
    public async Task Healthz_SingleServer_200Up()
    {
        await using var s = await TestServer.StartAsync();
        using var r = await s.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("Up", JsonNode.Parse(await r.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_ServiceDown_503Problem()
    {
        await using var s = await TestServer.StartAsync();
        await s.Service.DisposeAsync();
        using var r = await s.Client.GetAsync("healthz");
        await TestServer.AssertProblemAsync(r, 503);
    }

    [Fact]
    public async Task Stats_BeforeAnyRun_ZeroComputedAndTheTiers()
    {
        await using var s = await TestServer.StartAsync();
        var stats = await s.GetJsonAsync("v1/stats");
        Assert.Equal(0, stats["computed"]!.GetValue<long>());
        Assert.Equal(0, stats["runs"]!.GetValue<long>());
        Assert.NotNull(stats["tiers"]!["ram"]);
        Assert.NotNull(stats["tiers"]!["disk"]);
        Assert.True(stats["budgets"]!["disk"]!.GetValue<long>() > 0);
        Assert.Null(stats["cluster"]);
    }
}
