using System.Text.Json.Nodes;
using PodCache.Tests.S3;
using Xunit.Abstractions;

namespace PodCache.Cli.Tests.Server;

/// <summary>
/// Three cluster members sharing one bucket on a moto S3 server (each with its own disk directory): the cluster S3
/// budget holds, and after a member is killed its keys are read back from S3 by the others rather than recomputed.
/// </summary>
[Collection("moto")]
public sealed class ClusterS3Tests(MotoFixture moto, ITestOutputHelper output)
{
    [Fact]
    public async Task SharedS3Tier_ClusterBudgetHolds_AndAKilledMembersKeysAreReadBackFromS3()
    {
        string bucket = await moto.CreateBucketAsync();
        using var configDir = new TempDir();
        string config = configDir.File("cluster.json", $$"""
            {
              "cache": {"tiers": {"ram": {"maxBytes": "64MB"}, "disk": {"maxBytes": "1GB"},
                                  "s3": {"bucket": "{{bucket}}", "prefix": "podcache/", "serviceUrl": "{{moto.ServiceUrl}}", "region": "us-east-1",
                                         "maxBytes": "1GB", "maxErrorRetry": 1, "timeout": 10, "leasePollMax": 0.1} } },
              "cluster": {"budgets": {"s3": "3MB"} }
            }
            """);
        await using var cluster = await TestCluster.StartAsync(output, nameof(SharedS3Tier_ClusterBudgetHolds_AndAKilledMembersKeysAreReadBackFromS3), "--config", config);
        try
        {
            // 24 sets x 7 keys x 28.8 KB = 4.8 MB of results written by their owners to a 3 MB budget.
            var sets = Enumerable.Range(0, 24).ToArray();
            foreach (var chunk in sets.Chunk(6))
            {
                await Task.WhenAll(chunk.Select(set => TestCluster.RunAsync(cluster.Members[set % 3], TestCluster.Body(TestCluster.Coords(set, 60)))));
            }
            const long entry = 60 * 60 * 8 + 16_384;
            JsonObject stats = null!;
            await PodCache.Tests.Cluster.ClusterProcessHarness.TimeUntilAsync(async () =>
            {
                stats = await TestCluster.StatsAsync(cluster.Members[1]);
                return stats["cluster"]!["usage"]!.AsArray().Count == 3 && stats["cluster"]!["s3Bytes"]!.GetValue<long>() > 0;
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            long s3 = stats["cluster"]!["s3Bytes"]!.GetValue<long>();
            output.WriteLine($"cluster S3 {s3} B of 3 MB");
            Assert.InRange(s3, 1, 3_000_000 + 3 * entry);

            await cluster.Members[0].KillAsync();

            // The dead member's keys: whatever S3 kept is read back (hit:s3 on a survivor), the rest recomputed; all correct.
            var statuses = new List<string>();
            foreach (int set in sets.Where(s => s % 3 == 0))
            {
                var member = cluster.Members[1 + set % 2];
                var run = await RetryAsync(() => TestCluster.RunAsync(member, TestCluster.Body(TestCluster.Coords(set, 60))));
                statuses.AddRange(run["nodes"]!.AsObject().Select(n => n.Value!["status"]!.GetValue<string>()));
                TestCluster.AssertSame(await TestCluster.ExpectedAsync(TestCluster.Coords(set, 60)),
                    await TestCluster.OutputAsync(member, run["runId"]!.GetValue<string>()), $"set {set}");
            }
            output.WriteLine("statuses after the kill: " + string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}")));
            Assert.Contains("hit:s3", statuses);
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    private static async Task<JsonObject> RetryAsync(Func<Task<JsonObject>> request)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                return await request();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, CancellationToken.None);
            }
        }
    }
}
