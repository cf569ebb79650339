using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using PodCache.Tests.S3;

namespace PodCache.Cli.Tests;

/// <summary>
/// The S3 tier through the CLI: real OS processes with separate cache directories that share only a bucket on a moto
/// server, and S3 failing under a run. Every process is bounded in time.
/// </summary>
[Collection("moto")]
public sealed class S3CliTests(MotoFixture moto) : IDisposable
{
    // Arrays of ~2 MB: big enough that two processes overlap while computing and uploading.
    private const string Pipeline = """
        {"sin": {"node": "algorithm.SinCoords"},
         "idx": {"node": "algorithm.Arange"},
         "smooth": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "smooth", "B": "idx"}, "attrs": {"eqn": "A * 100 - B / 7"}}}
        """;

    private const string Coords = """
        {"coords": [{"name": "lat", "start": 60, "stop": 20, "step": -0.1}, {"name": "lon", "start": -130, "stop": -60, "step": 0.1}]}
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly TempDir _tmp = Setup();
    private readonly IAmazonS3 _client = moto.CreateClient();

    private static TempDir Setup()
    {
        var tmp = new TempDir();
        tmp.File("p.json", Pipeline);
        tmp.File("c.json", Coords);
        return tmp;
    }

    public void Dispose()
    {
        _client.Dispose();
        _tmp.Dispose();
    }

    /// <summary>A config with tiers [ram, disk (its own directory), s3 (the shared bucket)].</summary>
    private string Config(string name, string bucket, string? serviceUrl = null, string extra = "")
    {
        string dir = Path.Combine(_tmp.Path, name + "-cache");
        string s3 = $"\"bucket\": \"{bucket}\", \"prefix\": \"podcache/\", \"serviceUrl\": \"{serviceUrl ?? moto.ServiceUrl}\", "
            + $"\"region\": \"us-east-1\", \"maxBytes\": \"1GiB\", \"maxErrorRetry\": 1, \"timeout\": 5, \"leasePollMax\": 0.1{extra}";
        return _tmp.File(name + ".json",
            $"{{\"cache\": {{\"tiers\": {{\"ram\": {{\"maxBytes\": \"256MiB\"}}, \"disk\": {{\"path\": \"{dir}\"}}, \"s3\": {{{s3}}}}}}}}}");
    }

    private string[] Run(string config, string report, string format = "json", string pipeline = "p.json") =>
        ["run", _tmp.File(pipeline), "--coords", _tmp.File("c.json"), "--format", format, "--report", report, "--config", config];

    private static JsonObject Nodes(string report) => JsonNode.Parse(File.ReadAllText(report))!["nodes"]!.AsObject();

    private async Task<List<S3Object>> ListAsync(string bucket, string prefix = "podcache/")
    {
        var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        return page.S3Objects ?? [];
    }

    [Fact]
    public async Task SecondProcess_EmptyCacheDirSameBucket_OutputHitS3_ComputesNothing()
    {
        string bucket = await moto.CreateBucketAsync();
        var a = await CliHarness.RunProcessAsync(_tmp.Path, Run(Config("a", bucket), _tmp.File("ra.json")), Bound);
        Assert.True(a.ExitCode == 0, a.Stderr);

        var b = await CliHarness.RunProcessAsync(_tmp.Path, Run(Config("b", bucket), _tmp.File("rb.json")), Bound);

        Assert.True(b.ExitCode == 0, b.Stderr);
        var nodes = Nodes(_tmp.File("rb.json"));
        Assert.Equal("hit:s3", nodes["out"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(nodes, n => n.Value!["status"]!.GetValue<string>() == "computed");
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.Equal("computed", Nodes(_tmp.File("ra.json"))["out"]!["status"]!.GetValue<string>());

        // B promoted the hit into its own disk tier: a third run there is a disk hit.
        var again = await CliHarness.RunAsync(Run(Config("b", bucket), _tmp.File("rb2.json")));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("hit:disk", Nodes(_tmp.File("rb2.json"))["out"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoProcessesSharingOnlyTheBucket_AtOnce_EveryResultKeyComputedOnce()
    {
        string bucket = await moto.CreateBucketAsync();
        var runs = new[] { "a", "b" }
            .Select(n => CliHarness.RunProcessAsync(_tmp.Path, Run(Config(n, bucket), _tmp.File($"r{n}.json"), "summary"), Bound))
            .ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var computedBy = new Dictionary<string, int>();
        foreach (var n in new[] { "a", "b" })
        {
            foreach (var (_, node) in Nodes(_tmp.File($"r{n}.json")))
            {
                string key = node!["resultKey"]!.GetValue<string>();
                computedBy.TryAdd(key, 0);
                if (node["status"]!.GetValue<string>() == "computed") computedBy[key]++;
            }
        }
        Assert.All(computedBy, kv => Assert.True(kv.Value <= 1, $"{kv.Key} computed {kv.Value} times"));
        string outKey = Nodes(_tmp.File("ra.json"))["out"]!["resultKey"]!.GetValue<string>();
        Assert.Equal(1, computedBy[outKey]);
        Assert.Empty(await ListAsync(bucket, "podcache/leases/"));
    }

    [Fact]
    public async Task LeaseHolderKilledWhileComputing_OtherProcessTakesOverWithoutWaitingForTheTtl()
    {
        string bucket = await moto.CreateBucketAsync();
        // A TTL far longer than the test's bound: finishing in time proves the dead holder was detected, not waited out.
        string extra = ", \"leaseTtl\": \"PT10M\"";
        bool orphaned = false;
        for (int attempt = 0; attempt < 4 && !orphaned; attempt++)
        {
            using var holder = CliHarness.Start(_tmp.Path, Run(Config("a", bucket, extra: extra), _tmp.File("ra.json")));
            var seen = System.Diagnostics.Stopwatch.StartNew();
            while ((await ListAsync(bucket, "podcache/leases/")).Count == 0 && !holder.HasExited && seen.Elapsed < Bound)
            {
                await Task.Delay(20);
            }
            if (!holder.HasExited) holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            orphaned = (await ListAsync(bucket, "podcache/leases/")).Count > 0;
        }
        Assert.True(orphaned, "no lease was left behind by a killed holder in four attempts");

        var b = await CliHarness.RunProcessAsync(_tmp.Path, Run(Config("b", bucket, extra: extra), _tmp.File("rb.json")), TimeSpan.FromSeconds(90));

        Assert.True(b.ExitCode == 0, b.Stderr);
        var stats = JsonNode.Parse((await CliHarness.RunAsync("cache", "stats", "--json", "--config", Config("b", bucket, extra: extra))).Stdout)!;
        Assert.True(stats["counters"]!["s3.lease.takeovers"]!.GetValue<long>() >= 1);
        Assert.Empty(await ListAsync(bucket, "podcache/leases/"));
    }

    [Fact]
    public async Task S3AtClosedPort_RunSucceedsByComputing_FailureLoggedAndInStats()
    {
        string bucket = "never-reached";
        string config = Config("a", bucket, $"http://127.0.0.1:{MotoServer.FreePort()}");

        var r = await CliHarness.RunProcessAsync(_tmp.Path, Run(config, _tmp.File("ra.json")), Bound);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("warning: S3 tier s3://never-reached/podcache/", r.Stderr);
        Assert.Equal("computed", Nodes(_tmp.File("ra.json"))["out"]!["status"]!.GetValue<string>());
        var stats = await CliHarness.RunAsync("cache", "stats", "--json", "--config", config);
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        var s = JsonNode.Parse(stats.Stdout)!;
        Assert.True(s["counters"]!["s3.errors"]!.GetValue<long>() >= 1);
        Assert.False(s["s3"]!["available"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(s["s3"]!["lastError"]?.GetValue<string>()));
        var text = await CliHarness.RunAsync("cache", "stats", "--config", config);
        Assert.Contains("s3 errors:", text.Stdout);
    }

    [Fact]
    public async Task StalledS3_RunComputesAfterOneTimeout_OneRequestReachesTheEndpoint()
    {
        // Accepts connections and never answers. Before, each of the four nodes' lookups waited a timeout per SDK attempt.
        await using var silent = new PodCache.Cache.Tests.Tiers.SilentServer();
        string dir = Path.Combine(_tmp.Path, "stalled-cache");
        string config = _tmp.File("stalled.json", new JsonObject
        {
            ["cache"] = new JsonObject
            {
                ["tiers"] = new JsonObject
                {
                    ["disk"] = new JsonObject { ["path"] = dir },
                    ["s3"] = new JsonObject
                    {
                        ["bucket"] = "stalled", ["serviceUrl"] = silent.ServiceUrl, ["maxErrorRetry"] = 2, ["timeout"] = "PT2S",
                        ["retryAfter"] = "PT0S",
                    },
                },
            },
        }.ToJsonString());

        var r = await CliHarness.RunProcessAsync(_tmp.Path, Run(config, _tmp.File("rs.json")), Bound);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("computed", Nodes(_tmp.File("rs.json"))["out"]!["status"]!.GetValue<string>());
        // Even with retryAfter 0 a CLI process never asks a failed S3 again.
        Assert.Equal(1, silent.Requests);
        Assert.Contains("did not answer within 2 s", r.Stderr);
        Assert.Contains("for the rest of this process", r.Stderr);
    }

    [Fact]
    public async Task MotoStoppedMidRun_RunStillSucceedsWithTheSameOutput()
    {
        var reference = await CliHarness.RunProcessAsync(_tmp.Path,
            ["run", _tmp.File("p.json"), "--coords", _tmp.File("c.json"), "--cache-dir", Path.Combine(_tmp.Path, "ref")], Bound);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        using var own = new MotoServer();
        await own.StartAsync();
        string bucket = await own.CreateBucketAsync();
        using var client = own.CreateClient();
        string config = Config("a", bucket, own.ServiceUrl);

        using var p = CliHarness.Start(_tmp.Path, Run(config, _tmp.File("ra.json")));
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // Stop the server once the run has started using it.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!p.HasExited && waited.Elapsed < Bound)
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            if ((page.S3Objects ?? []).Count > 0) break;
            await Task.Delay(20);
        }
        Assert.False(p.HasExited, "the run ended before it wrote to S3; nothing was stopped mid-run");
        own.Stop();
        await p.WaitForExitAsync().WaitAsync(Bound);

        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Equal(reference.Stdout, await stdout);
        var stats = JsonNode.Parse((await CliHarness.RunAsync("cache", "stats", "--json", "--config", config)).Stdout)!;
        Assert.True(stats["counters"]!["s3.errors"]!.GetValue<long>() >= 1);
    }

    [Fact]
    public async Task StatsShowsS3Usage_GcReclaimsExpiredObjectsWrittenByAnotherProcess()
    {
        string bucket = await moto.CreateBucketAsync();
        // The output node's entries are already expired when written: never served, left for gc.
        _tmp.File("expiring.json", Pipeline.Replace(
            "\"attrs\": {\"eqn\": \"A * 100 - B / 7\"}}",
            "\"attrs\": {\"eqn\": \"A * 100 - B / 7\"}, \"cache\": {\"expires\": \"2020-01-01T00:00:00Z\"}}", StringComparison.Ordinal));
        var a = await CliHarness.RunAsync(Run(Config("a", bucket), _tmp.File("ra.json"), pipeline: "expiring.json"));
        Assert.True(a.ExitCode == 0, a.Stderr);
        string outKey = Nodes(_tmp.File("ra.json"))["out"]!["resultKey"]!.GetValue<string>();
        var before = await ListAsync(bucket);
        Assert.Contains(before, o => o.Key.EndsWith(outKey, StringComparison.Ordinal));

        // A process with an empty cache directory sees the bucket's usage once stats reconciles.
        var stats = JsonNode.Parse((await CliHarness.RunAsync("cache", "stats", "--json", "--config", Config("b", bucket))).Stdout)!;
        Assert.Equal(before.Count, stats["tiers"]!["s3"]!["entries"]!.GetValue<long>());
        Assert.Equal(before.Sum(o => o.Size ?? 0), stats["tiers"]!["s3"]!["bytes"]!.GetValue<long>());
        Assert.Equal(before.Count, stats["s3"]!["listed"]!["objects"]!.GetValue<long>());

        var gc = await CliHarness.RunAsync("cache", "gc", "--config", Config("b", bucket));

        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("s3: removed 1 expired objects", gc.Stdout);
        var after = await ListAsync(bucket);
        Assert.Equal(before.Count - 1, after.Count);
        Assert.DoesNotContain(after, o => o.Key.EndsWith(outKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inspect_EntryOnlyInS3_ShowsProvenanceFromTheObject()
    {
        string bucket = await moto.CreateBucketAsync();
        var a = await CliHarness.RunAsync(Run(Config("a", bucket), _tmp.File("ra.json")));
        Assert.True(a.ExitCode == 0, a.Stderr);
        string key = Nodes(_tmp.File("ra.json"))["smooth"]!["resultKey"]!.GetValue<string>();

        var r = await CliHarness.RunAsync("inspect", key, "--config", Config("b", bucket));

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var j = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("s3", j["tier"]!.GetValue<string>());
        Assert.Equal("smooth", j["provenance"]!["node"]!.GetValue<string>());
        Assert.StartsWith($"s3://{bucket}/podcache/{key[..2]}/{key[2..4]}/{key}", j["object"]!.GetValue<string>());
    }

    [Fact]
    public async Task Config_InvalidS3Tier_Exit2NamingThePath()
    {
        string config = _tmp.File("bad.json", """{"cache": {"tiers": {"s3": {"prefix": "p/", "timeout": "soon"}}}}""");

        var r = await CliHarness.RunAsync(Run(config, _tmp.File("r.json")));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cache.tiers.s3.bucket", r.Stderr);
        Assert.Contains("cache.tiers.s3.timeout", r.Stderr);
    }
}
