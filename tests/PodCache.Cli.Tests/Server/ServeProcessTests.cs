using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Server;

namespace PodCache.Cli.Tests.Server;

[Collection("multi-process")]
public class ServeProcessTests
{
    [Fact]
    public async Task Serve_AsOsProcess_AnswersThenStopsOnSigterm()
    {
        using var tmp = new TempDir();
        using var p = CliHarness.Start(tmp.Path, ["serve", "--http-port", "0", "--cache-dir", Path.Combine(tmp.Path, "cache")]);
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await p.StandardOutput.ReadLineAsync(startup.Token) ?? throw new InvalidOperationException("no output: " + await stderr);
            Assert.StartsWith("podcache serve: listening on http://127.0.0.1:", line);
            var url = new Uri(line["podcache serve: listening on ".Length..].Split(' ')[0] + "/");

            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            using (var health = await http.GetAsync("healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }
            using (var run = await http.PostAsync("v1/runs", new StringContent(TestServer.CaseBody("008-convolution-mean-sincoords"), Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, run.StatusCode);
            }
            var stats = JsonNode.Parse(await http.GetStringAsync("v1/stats"))!;
            Assert.True(stats["computed"]!.GetValue<long>() > 0);

            var sw = Stopwatch.StartNew();
            ChildServer.Terminate(p);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(exit.Token);
            string rest = await p.StandardOutput.ReadToEndAsync();
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await stderr}");
            Assert.Contains("podcache serve: stopped", rest);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task LoadTest_Bounded_StartsItsOwnServerAndReportsBothPhases()
    {
        var r = await CliHarness.RunAsync("loadtest", "--hits", "40", "--misses", "4", "--concurrency", "2", "--timeout", "120");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("hits ", StringComparison.Ordinal) && l.Contains("hit:ram=40", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("misses ", StringComparison.Ordinal) && l.Contains("computed=4", StringComparison.Ordinal));
        var computed = lines.Single(l => l.StartsWith("node computations on the server during the test: ", StringComparison.Ordinal));
        Assert.True(long.Parse(computed.Split(": ")[1].Trim()) >= 5, computed);
    }

    [Fact]
    public async Task LoadTest_ThreeMemberCluster_AnswersEveryRequestAndComputesEachKeyOnce()
    {
        var r = await CliHarness.RunAsync("loadtest", "--members", "3", "--hits", "30", "--misses", "6", "--concurrency", "4",
            "--timeout", "240", "--no-save-runs");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("server: a cluster of 3 podcache serve members", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hits ", StringComparison.Ordinal) && l.Contains("hit:ram=30", StringComparison.Ordinal));
        var misses = lines.Single(l => l.StartsWith("misses ", StringComparison.Ordinal));
        Assert.Matches(@"^misses\s+6\s+0\s", misses);
        // Each request of the default pipeline evaluates four keys (the sine at the request grid and at the grid the
        // convolution grows it to, the mean, the difference): 4 x (the warm-up's request + 6 misses), once cluster-wide.
        var computed = lines.Single(l => l.StartsWith("node computations on the server during the test: ", StringComparison.Ordinal));
        Assert.Equal(28, long.Parse(computed.Split(": ")[1].Trim()));
    }

    [Fact]
    public async Task LoadTest_MembersWithUrl_Refused()
    {
        var r = await CliHarness.RunAsync("loadtest", "--url", "http://127.0.0.1:1", "--members", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--members starts servers for the test", r.Stderr);
    }

    [Fact]
    public async Task LoadTest_NonLoopbackUrl_Refused()
    {
        var r = await CliHarness.RunAsync("loadtest", "--url", "http://192.0.2.1:8080", "--hits", "1", "--misses", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("loopback", r.Stderr);
    }
}
