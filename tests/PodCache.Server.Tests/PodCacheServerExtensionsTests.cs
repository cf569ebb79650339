using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace PodCache.Server.Tests;

public sealed class PodCacheServerExtensionsTests
{
    /// <summary>A run request: SinCoords smoothed by a 3x3 mean, at a 5 x 6 grid (shared with the other server tests).</summary>
    internal const string Body = """
        {"pipeline": {"SinCoords": {"node": "algorithm.SinCoords"},
                      "Mean": {"node": "algorithm.Convolution", "attrs": {"kernel_dims": ["lat", "lon"], "kernel_type": "mean,3"},
                               "inputs": {"source": "SinCoords"}}},
         "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 40, "step": 10},
                                    {"name": "lon", "start": 0, "stop": 50, "step": 10}]},
         "node": "Mean"}
        """;

    [Fact]
    public async Task MapPodCache_InAMinimalApp_AnswersAPostedRunThenServesItFromRam()
    {
        await using var app = await PodCacheApp.StartAsync();

        using var first = await app.Client.PostAsync("v1/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        string text = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("computed", first.Headers.GetValues(PodCacheServer.StatusHeader).Single());
        var manifest = JsonNode.Parse(text)!;
        Assert.Equal("computed", manifest["nodes"]!["Mean"]!["status"]!.GetValue<string>());

        using var second = await app.Client.PostAsync("v1/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("hit:ram", second.Headers.GetValues(PodCacheServer.StatusHeader).Single());
    }

    [Fact]
    public async Task Healthz_LiveAndReady_200WhileUp()
    {
        await using var app = await PodCacheApp.StartAsync();
        foreach (var (path, status) in new[] { ("healthz/live", "alive"), ("healthz/ready", "Up"), ("healthz", "Up") })
        {
            using var r = await app.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal(status, JsonNode.Parse(await r.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Healthz_ServiceDown_ReadyIs503ProblemAndLiveStays200()
    {
        await using var app = await PodCacheApp.StartAsync();
        await app.Service.DisposeAsync();

        using (var live = await app.Client.GetAsync("healthz/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        foreach (var path in new[] { "healthz/ready", "healthz" })
        {
            using var r = await app.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            Assert.Equal("urn:podcache:problem:not-ready", problem["type"]!.GetValue<string>());
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.Contains("Down", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("/" + path, problem["instance"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task UnknownRoute_404ProblemInPodCachesShape()
    {
        await using var app = await PodCacheApp.StartAsync();
        using var r = await app.Client.GetAsync("v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var problem = JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["type", "title", "status", "detail", "instance"], problem.Select(p => p.Key).ToArray());
        Assert.Equal("urn:podcache:problem:not-found", problem["type"]!.GetValue<string>());
    }
}
