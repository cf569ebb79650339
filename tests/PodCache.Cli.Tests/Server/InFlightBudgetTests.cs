using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Server;
using PodCache.Runtime.Execution;
using Xunit.Abstractions;

namespace PodCache.Cli.Tests.Server;

/// <summary>Runs admitted against the server's in-flight memory budget: unit rules, the HTTP answers, and a real process's peak RSS.</summary>
[Collection("multi-process")]
public sealed class InFlightBudgetTests(ITestOutputHelper output)
{
    private const long MiB = 1L << 20;

    /// <summary>SinCoords and an Arithmetic over it, both kept in RAM only: a miss allocates two n x n float64 arrays.</summary>
    private const string BigPipeline = """
        {"sin": {"node": "algorithm.SinCoords", "cache": {"tiers": ["ram"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin"}, "attrs": {"eqn": "A * 2"}, "cache": {"tiers": ["ram"]}},
         "podpac_output_node": "out"}
        """;

    private static string BigBody(int i, int n) => TestServer.Body(BigPipeline, string.Create(CultureInfo.InvariantCulture,
        $$"""{"coords": [{"name": "lat", "start": {{i}}, "stop": {{i + 10}}, "size": {{n}}}, {"name": "lon", "start": 0.5, "stop": 20, "size": {{n}}}]}"""));

    [Fact]
    public void Admit_OverBudgetNowOrEver_ThrowsAndReleasingMakesRoom()
    {
        var budget = new InFlightBudget(100);
        var a = budget.Admit(new RunMemoryEstimate(60, 8, 1));
        Assert.Equal(60, budget.InFlightBytes);

        var busy = Assert.Throws<RunNotAdmittedException>(() => budget.Admit(new RunMemoryEstimate(41, 6, 1)));
        Assert.False(busy.TooLarge);
        Assert.Equal(60, busy.InFlightBytes);
        var tooLarge = Assert.Throws<RunNotAdmittedException>(() => budget.Admit(new RunMemoryEstimate(101, 13, 2)));
        Assert.True(tooLarge.TooLarge);
        using (budget.Admit(new RunMemoryEstimate(40, 5, 1)))
        using (budget.Admit(new RunMemoryEstimate(0, 0, 0)))
        {
            Assert.Equal(100, budget.InFlightBytes);
        }

        a.Dispose();
        a.Dispose();
        Assert.Equal(0, budget.InFlightBytes);
        using var whole = budget.Admit(new RunMemoryEstimate(100, 13, 1));
        var stats = budget.Stats();
        Assert.Equal(4, stats["admitted"]!.GetValue<long>());
        Assert.Equal(1, stats["rejected"]!.GetValue<long>());
        Assert.Equal(1, stats["tooLarge"]!.GetValue<long>());
        Assert.Equal(100, stats["peakInFlightBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task PostRun_LargerThanTheWholeBudget_Is413NamingEstimateAndBudget_AndAHitNeedsNothing()
    {
        await using var server = await TestServer.StartAsync(maxInFlightBytes: 10 * MiB);
        using var tooLarge = await server.PostRunAsync(BigBody(0, 1000));
        var problem = JsonNode.Parse(await tooLarge.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("urn:podcache:problem:run-too-large", problem["type"]!.GetValue<string>());
        // SinCoords' output, and Arithmetic's output plus its aligned copy of A: three arrays of 1000 x 1000 float64.
        Assert.Equal(3 * 1000 * 1000 * 8, problem["estimatedBytes"]!.GetValue<long>());
        Assert.Equal(10 * MiB, problem["maxInFlightBytes"]!.GetValue<long>());
        Assert.Contains("24,000,000 bytes", problem["detail"]!.GetValue<string>());
        Assert.Contains("10,485,760 bytes", problem["detail"]!.GetValue<string>());
        Assert.False(tooLarge.Headers.Contains("Retry-After"));

        // Small enough: computed; the same request again is a RAM hit that needs no budget at all.
        await server.PostRunOkAsync(BigBody(0, 500));
        var hit = await server.PostRunOkAsync(BigBody(0, 500));
        Assert.Equal("hit:ram", hit["nodes"]!["out"]!["status"]!.GetValue<string>());
        var admission = (await server.GetJsonAsync("v1/stats"))["admission"]!;
        Assert.Equal(1, admission["tooLarge"]!.GetValue<long>());
        Assert.Equal(2, admission["admitted"]!.GetValue<long>());
        Assert.Equal(0, admission["inFlightBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task Serve_24ConcurrentLargeMisses_PeakRssStaysWithinBudgetAndEveryRequestEndsIn200()
    {
        const long budget = 128 * MiB;
        const long ramTier = 64 * MiB;
        const long runtimeAllowance = 400 * MiB;
        const int requests = 24, n = 1500;
        using var tmp = new TempDir();
        string config = tmp.File("podcache.json", new JsonObject
        {
            ["server"] = new JsonObject { ["maxInFlightBytes"] = budget },
            ["cache"] = new JsonObject
            {
                ["tiers"] = new JsonObject
                {
                    ["ram"] = new JsonObject { ["maxBytes"] = ramTier },
                    ["disk"] = new JsonObject { ["path"] = Path.Combine(tmp.Path, "cache") },
                },
            },
        }.ToJsonString());
        using var p = CliHarness.Start(tmp.Path, ["serve", "--http-port", "0", "--config", config]);
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await p.StandardOutput.ReadLineAsync(startup.Token) ?? throw new InvalidOperationException("no output: " + await stderr);
            Assert.Contains("in-flight budget 128 MiB", line);
            using var http = new HttpClient
            {
                BaseAddress = new Uri(line["podcache serve: listening on ".Length..].Split(' ')[0] + "/"),
                Timeout = TimeSpan.FromSeconds(60),
            };
            long baseline = PeakRss(p.Id);
            var sw = Stopwatch.StartNew();
            int rejected = 0;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(50));

            async Task<string> OneAsync(int i)
            {
                while (true)
                {
                    using var r = await http.PostAsync("v1/runs", new StringContent(BigBody(i, n), Encoding.UTF8, "application/json"), deadline.Token);
                    string text = await r.Content.ReadAsStringAsync(deadline.Token);
                    if (r.StatusCode == HttpStatusCode.OK) return text;
                    Assert.True(r.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)r.StatusCode}: {text}");
                    var retryAfter = r.Headers.RetryAfter?.Delta;
                    Assert.NotNull(retryAfter);
                    Assert.Equal("urn:podcache:problem:over-budget", JsonNode.Parse(text)!["type"]!.GetValue<string>());
                    Interlocked.Increment(ref rejected);
                    // As a client should: back off for the time the server asks.
                    await Task.Delay(retryAfter.Value, deadline.Token);
                }
            }

            var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(i => Task.Run(() => OneAsync(i))));
            sw.Stop();
            long peak = PeakRss(p.Id);
            var admission = JsonNode.Parse(await http.GetStringAsync("v1/stats"))!["admission"]!;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak RSS (VmHWM) of podcache serve: {peak / (double)MiB:F0} MiB (at start {baseline / (double)MiB:F0} MiB); bound {(budget + ramTier + runtimeAllowance) / MiB} MiB " +
                $"= in-flight budget {budget / MiB} + RAM tier {ramTier / MiB} + runtime {runtimeAllowance / MiB}; {requests} misses of 2 x {n} x {n} float64 " +
                $"({RunMemoryEstimate.BytesPerCell * 3L * n * n / MiB} MiB estimate each, {requests * RunMemoryEstimate.BytesPerCell * 3L * n * n / MiB} MiB together); " +
                $"{rejected} answers 503 + Retry-After, all retried to 200 in {sw.Elapsed.TotalSeconds:F1} s; peak in flight {admission["peakInFlightBytes"]} B"));

            Assert.All(answers, a => Assert.Equal("computed", JsonNode.Parse(a)!["nodes"]!["out"]!["status"]!.GetValue<string>()));
            Assert.True(rejected > 0, "24 concurrent misses of 51 MiB each fit a 128 MiB budget without one refusal?");
            Assert.InRange(admission["peakInFlightBytes"]!.GetValue<long>(), 1, budget);
            Assert.Equal(0, admission["inFlightBytes"]!.GetValue<long>());
            Assert.True(peak < budget + ramTier + runtimeAllowance,
                $"peak RSS {peak / MiB} MiB over the bound {(budget + ramTier + runtimeAllowance) / MiB} MiB");
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

    /// <summary>The process's peak resident set (VmHWM in /proc/PID/status), in bytes.</summary>
    private static long PeakRss(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
