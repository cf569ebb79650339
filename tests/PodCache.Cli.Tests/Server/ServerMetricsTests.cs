using System.Net;

namespace PodCache.Cli.Tests.Server;

/// <summary>
/// OpenTelemetry keeps the first instrument of a name process-wide, so metrics are checked while no other server runs
/// in this process (as in production: one server per process).
/// </summary>
[CollectionDefinition("server-metrics", DisableParallelization = true)]
public sealed class ServerMetricsCollection;

[Collection("server-metrics")]
public class ServerMetricsTests
{
    [Fact]
    public async Task Metrics_AfterARun_PrometheusTextWithPodCacheMetrics()
    {
        await using var s = await TestServer.StartAsync();
        string body = TestServer.CaseBody("008-convolution-mean-sincoords");
        await s.PostRunOkAsync(body);
        await s.PostRunOkAsync(body);

        using var r = await s.Client.GetAsync("metrics");
        string text = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        foreach (var name in new[]
        {
            "podcache_runs_total", "podcache_node_computations_total", "podcache_cache_hits_total",
            "podcache_tier_lookups_total", "podcache_tier_size_bytes", "podcache_tier_entries",
            "podcache_run_duration_seconds_bucket", "http_server_request_duration_seconds_bucket",
        })
        {
            Assert.Contains("# TYPE " + name.Replace("_bucket", "", StringComparison.Ordinal), text);
        }
        Assert.Contains("podcache_runs_total{", text);
        var runs = text.Split('\n').Single(l => l.StartsWith("podcache_runs_total", StringComparison.Ordinal));
        Assert.Equal("2", runs.Split(' ')[1]);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("podcache_cache_hits_total{", StringComparison.Ordinal) && l.Contains("tier=\"ram\"", StringComparison.Ordinal));
    }
}
