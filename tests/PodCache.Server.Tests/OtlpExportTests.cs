using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PodCache.Server.Tests;

/// <summary>
/// <c>server.otlpEndpoint</c>: a run's spans and the server's metrics reach an OTLP/HTTP collector — here a real HTTP
/// server on loopback that keeps what it is sent.
/// </summary>
public sealed class OtlpExportTests
{
    private const string Body = PodCacheServerExtensionsTests.Body;

    /// <summary>A collector that records each POST's path, content type and body.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Received { get; } = new();

        public Uri Address { get; private set; } = null!;

        private Collector(WebApplication app) => _app = app;

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/{**path}", async (HttpContext context) =>
            {
                using var ms = new MemoryStream();
                await context.Request.Body.CopyToAsync(ms);
                collector.Received.Enqueue((context.Request.Path.Value!, context.Request.ContentType, ms.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            collector.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return collector;
        }

        public bool Got(string path, string text) =>
            Received.Any(r => r.Path == path && r.ContentType == "application/x-protobuf" && Contains(r.Body, text));

        private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task OtlpEndpoint_RunAndNodeSpans_AndMetrics_ReachTheCollector()
    {
        await using var collector = await Collector.StartAsync();
        string runId;
        await using (var app = await PodCacheApp.StartAsync(new ServerOptions { OtlpEndpoint = collector.Address }.Validate()))
        {
            using var response = await app.Client.PostAsync("v1/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            runId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
        } // stopping the server flushes both exporters

        Assert.True(collector.Got("/v1/traces", "podcache.run"), "no podcache.run span reached the collector");
        Assert.True(collector.Got("/v1/traces", runId), $"the run span does not carry run id {runId}");
        Assert.True(collector.Got("/v1/traces", "podcache.node"), "no podcache.node span reached the collector");
        Assert.True(collector.Got("/v1/traces", "SinCoords"), "the node spans do not name the nodes");
        Assert.True(collector.Got("/v1/metrics", "podcache.runs"), "the server's metrics did not reach the collector");
    }

    [Theory]
    [InlineData("\"ftp://127.0.0.1/x\"")]
    [InlineData("\"not a url\"")]
    [InlineData("4318")]
    public void OtlpEndpoint_NotAnHttpUrl_NamedError(string value)
    {
        var errors = new List<string>();

        ServerOptions.Read(JsonNode.Parse($$"""{"otlpEndpoint": {{value}}}""")!.AsObject(), null, errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("server.otlpEndpoint:", error);
    }
}
