using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using PodCache.Tests.Cluster;
using Xunit.Abstractions;

namespace PodCache.Cli.Tests.Server;

/// <summary>
/// Three <c>podcache serve --cluster-port</c> OS processes on loopback: one computation per key cluster-wide, keys spread
/// over the members, a member killed with SIGKILL under load, a graceful leave, and cluster budgets that hold.
/// </summary>
[Collection("multi-process")]
public sealed class ClusterServeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThirtyConcurrentIdenticalRequests_EachKeyComputedOnceClusterWide_LargeValuesThroughSideChannel()
    {
        await using var cluster = await TestCluster.StartAsync(output, nameof(ThirtyConcurrentIdenticalRequests_EachKeyComputedOnceClusterWide_LargeValuesThroughSideChannel));
        try
        {
            // 120 x 120 doubles = 115 KB per node: above the 64 KB inline limit, so values travel by reference.
            string coords = TestCluster.Coords(60, 120);
            string body = TestCluster.Body(coords);
            var runs = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => TestCluster.RunAsync(cluster.Members[i % 3], body)));

            var keys = runs.SelectMany(TestCluster.ResultKeys).ToHashSet();
            Assert.Equal(7, keys.Count);
            var stats = await Task.WhenAll(cluster.Members.Select(TestCluster.StatsAsync));
            long computed = stats.Sum(s => s["computed"]!.GetValue<long>());
            Assert.Equal(keys.Count, computed);

            // Members that did not own the output got it from its owner.
            Assert.Contains(runs, r => r["nodes"]!["out"]!["status"]!.GetValue<string>() == "hit:remote");

            // The UI on a member: its runs, and the cache page's cluster section (members, usage, cluster budgets).
            using (var page = await cluster.Members[0].GetAsync("ui/cache"))
            {
                string html = await page.Content.ReadAsStringAsync();
                Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<h2>Cluster</h2>", html);
                Assert.Contains("&quot;members&quot;", html);
            }
            using (var page = await cluster.Members[0].GetAsync(""))
            {
                Assert.Contains($"data-run-id=\"{runs[0]["runId"]!.GetValue<string>()}\"", await page.Content.ReadAsStringAsync());
            }
            long fetched = stats.Sum(s => s["cluster"]!["requests"]!["fetched"]!.GetValue<long>());
            Assert.True(fetched > 0, "no value above the inline limit was fetched through /v1/entries/KEY/data");

            var expected = await TestCluster.ExpectedAsync(coords);
            for (int i = 0; i < 3; i++)
            {
                TestCluster.AssertSame(expected, await TestCluster.OutputAsync(cluster.Members[i], runs[i]["runId"]!.GetValue<string>()), $"member {i}");
            }
            // An intermediate node that was pruned on a member (its owner computed it) comes back through that member,
            // from the owner, without computing anything again.
            var remoteRun = runs.First(r => r["nodes"]!["out"]!["status"]!.GetValue<string>() == "hit:remote");
            var asker = cluster.Members[Array.IndexOf(runs, remoteRun) % 3];
            Assert.Equal("pruned", remoteRun["nodes"]!["b"]!["status"]!.GetValue<string>());
            TestCluster.AssertSame(await TestCluster.ExpectedAsync(coords, "b"),
                await TestCluster.OutputAsync(asker, remoteRun["runId"]!.GetValue<string>(), "b"), "node b");
            var afterPull = await Task.WhenAll(cluster.Members.Select(TestCluster.StatsAsync));
            Assert.Equal(keys.Count, afterPull.Sum(s => s["computed"]!.GetValue<long>()));

            // A node that cannot evaluate the request fails on its owner; every member answers 400 naming the node, as a
            // single server does, not 502.
            const string crsPipeline = """
                {"a": {"node": "data.Array", "attrs": {"source": [[1, 2], [3, 4]], "coordinates": {"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3, 4]}], "crs": "EPSG:4326"}}},
                 "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A * 2"}}}
                """;
            const string crsCoords = """{"coords": [{"name": "lat", "values": [1, 2]}]}""";
            foreach (var m in cluster.Members)
            {
                var ex = await Assert.ThrowsAsync<HttpRequestException>(() => TestCluster.RunAsync(m, TestServer.Body(crsPipeline, crsCoords)));
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
                Assert.Contains("\"path\":\"pipeline.a\"", ex.Message);
                Assert.Contains("the request has no 'lon' dim", ex.Message);
            }

            foreach (var s in stats)
            {
                Assert.Equal("cluster", s["member"]!["mode"]!.GetValue<string>());
                Assert.Equal(3, s["cluster"]!["members"]!.AsArray().Count);
            }
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    [Fact]
    public async Task ThreeHundredRequestsOverOneHundredCoordinateSets_SpreadOverMembers_EachComputedOnce()
    {
        await using var cluster = await TestCluster.StartAsync(output, nameof(ThreeHundredRequestsOverOneHundredCoordinateSets_SpreadOverMembers_EachComputedOnce));
        try
        {
            // Each coordinate set is asked three times, of three different members, in shuffled order, 12 at a time.
            var requests = Enumerable.Range(0, 300).Select(i => (Set: i % 100, Member: (i + i / 100) % 3)).ToArray();
            new Random(7).Shuffle(requests);
            var answers = new ConcurrentBag<(int Set, JsonObject Manifest)>();
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (r, _) =>
                answers.Add((r.Set, await TestCluster.RunAsync(cluster.Members[r.Member], TestCluster.Body(TestCluster.Coords(r.Set, 8))))));
            var manifests = answers.Select(a => a.Manifest).ToArray();

            var keys = manifests.SelectMany(TestCluster.ResultKeys).ToHashSet();
            Assert.Equal(700, keys.Count);
            var stats = await Task.WhenAll(cluster.Members.Select(TestCluster.StatsAsync));
            var perMember = stats.Select(s => s["computed"]!.GetValue<long>()).ToArray();
            output.WriteLine($"computed per member: {string.Join(", ", perMember)}");
            Assert.Equal(keys.Count, perMember.Sum());
            // Spread: with about a third of the shards each, every member computes a fair share.
            Assert.All(perMember, c => Assert.True(c > keys.Count / 10, $"computed per member {string.Join(", ", perMember)}"));
            Assert.All(stats, s => Assert.InRange(s["member"]!["ownedShards"]!.GetValue<int>(), 10, 90));

            foreach (int set in new[] { 0, 41, 99 })
            {
                var run = answers.First(a => a.Set == set).Manifest;
                var expected = await TestCluster.ExpectedAsync(TestCluster.Coords(set, 8));
                var again = await TestCluster.RunAsync(cluster.Members[set % 3], TestCluster.Body(TestCluster.Coords(set, 8)));
                TestCluster.AssertSame(expected, await TestCluster.OutputAsync(cluster.Members[set % 3], again["runId"]!.GetValue<string>()), $"set {set}");
                Assert.Equal(TestCluster.ResultKeys(run).ToHashSet(), TestCluster.ResultKeys(again).ToHashSet());
            }
            var after = await Task.WhenAll(cluster.Members.Select(TestCluster.StatsAsync));
            Assert.Equal(keys.Count, after.Sum(s => s["computed"]!.GetValue<long>()));
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    [Fact]
    public async Task SigkillOneMemberUnderLoad_EveryRequestEventuallySucceedsWithCorrectValues()
    {
        await using var cluster = await TestCluster.StartAsync(output, nameof(SigkillOneMemberUnderLoad_EveryRequestEventuallySucceedsWithCorrectValues));
        try
        {
            var warm = Enumerable.Range(0, 15).ToArray();
            await Parallel.ForEachAsync(warm, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (set, _) =>
                await TestCluster.RunAsync(cluster.Members[set % 3], TestCluster.Body(TestCluster.Coords(set, 8))));

            // The oldest member hosts the shard coordinator as well as a third of the keys: the harder loss.
            var victim = cluster.Members[0];
            var survivors = cluster.Members.Skip(1).ToArray();
            var sets = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? i / 3 : 100 + i).ToArray(); // a third warm, the rest new
            var killAt = new TaskCompletionSource<Stopwatch>();
            var results = new ConcurrentDictionary<int, (JsonObject Run, MemberProcess Member, int Attempts, TimeSpan SinceKill)>();
            int started = 0;
            var load = Parallel.ForEachAsync(sets, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (set, _) =>
            {
                if (Interlocked.Increment(ref started) == 10)
                {
                    await victim.KillAsync();
                    killAt.TrySetResult(Stopwatch.StartNew());
                }
                var deadline = Stopwatch.StartNew();
                for (int attempt = 1; ; attempt++)
                {
                    var member = set % 2 == 0 && !victim.Process.HasExited ? victim : survivors[(set + attempt) % 2];
                    try
                    {
                        var run = await TestCluster.RunAsync(member, TestCluster.Body(TestCluster.Coords(set, 8)));
                        var sinceKill = killAt.Task.IsCompleted ? killAt.Task.Result.Elapsed : TimeSpan.Zero;
                        results[set] = (run, member, attempt, sinceKill);
                        return;
                    }
                    catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && deadline.Elapsed < TimeSpan.FromSeconds(120))
                    {
                        await Task.Delay(250, CancellationToken.None);
                    }
                }
            });
            await load.WaitAsync(TimeSpan.FromSeconds(240));

            Assert.Equal(sets.Length, results.Count);
            var retried = results.Values.Count(r => r.Attempts > 1);
            var slowest = results.Values.Max(r => r.SinceKill);
            output.WriteLine($"{results.Count} requests succeeded; {retried} needed a retry; last answered {slowest.TotalSeconds:0.0} s after the SIGKILL");
            // The answers survivors gave (the victim's runs are gone with it), before and after the kill, warm and new.
            var checkedSets = results.Where(r => r.Value.Member != victim).Select(r => r.Key).Order().Where((_, i) => i % 5 == 0).ToArray();
            Assert.True(checkedSets.Length >= 6, $"only {checkedSets.Length} answers from survivors to check");
            foreach (int set in checkedSets)
            {
                var (run, member, _, _) = results[set];
                TestCluster.AssertSame(await TestCluster.ExpectedAsync(TestCluster.Coords(set, 8)),
                    await TestCluster.OutputAsync(member, run["runId"]!.GetValue<string>()), $"set {set}");
            }

            // New keys, a third of them in shards the dead member owned, are computed by the survivors.
            foreach (var set in Enumerable.Range(300, 12))
            {
                var run = await TestCluster.RunAsync(survivors[set % 2], TestCluster.Body(TestCluster.Coords(set, 8)));
                TestCluster.AssertSame(await TestCluster.ExpectedAsync(TestCluster.Coords(set, 8)),
                    await TestCluster.OutputAsync(survivors[set % 2], run["runId"]!.GetValue<string>()), $"set {set}");
            }
            var stats = await TestCluster.StatsAsync(survivors[0]);
            Assert.Equal(2, stats["cluster"]!["members"]!.AsArray().Count);
            Assert.Equal(0, stats["cluster"]!["requests"]!["failures"]!.GetValue<long>());
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    [Fact]
    public async Task GracefulLeave_HandsShardsOffWhileTheOthersKeepAnswering()
    {
        await using var cluster = await TestCluster.StartAsync(output, nameof(GracefulLeave_HandsShardsOffWhileTheOthersKeepAnswering));
        try
        {
            var sets = Enumerable.Range(0, 30).ToArray();
            await Parallel.ForEachAsync(sets, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (set, _) =>
                await TestCluster.RunAsync(cluster.Members[set % 3], TestCluster.Body(TestCluster.Coords(set, 8))));

            var leaver = cluster.Members[2];
            var stayers = cluster.Members.Take(2).ToArray();
            var leave = leaver.TerminateAsync(TimeSpan.FromSeconds(60));
            // Requests keep coming to the others while the member leaves; none may fail.
            var during = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? i / 2 : 200 + i).ToArray();
            var answered = new ConcurrentDictionary<int, (JsonObject Run, MemberProcess Member)>();
            await Parallel.ForEachAsync(during, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (set, _) =>
            {
                var member = stayers[set % 2];
                answered[set] = (await TestCluster.RunAsync(member, TestCluster.Body(TestCluster.Coords(set, 8))), member);
            });
            await leave;
            Assert.Equal(0, leaver.Process.ExitCode);
            Assert.Contains("podcache serve: leaving the cluster", leaver.Output);
            Assert.Contains("podcache serve: stopped", leaver.Output);

            // The two left own every shard between them.
            await ClusterProcessHarnessWait(async () =>
            {
                var s = await TestCluster.StatsAsync(stayers[0]);
                return s["cluster"]!["members"]!.AsArray().Count == 2 && s["cluster"]!["ownedShards"]!.GetValue<int>() == s["cluster"]!["shards"]!.GetValue<int>()
                    && s["cluster"]!["usage"]!.AsArray().Count == 2;
            });
            foreach (int set in new[] { 1, 2, 213, 239 })
            {
                var again = await TestCluster.RunAsync(stayers[set % 2], TestCluster.Body(TestCluster.Coords(set, 8)));
                TestCluster.AssertSame(await TestCluster.ExpectedAsync(TestCluster.Coords(set, 8)),
                    await TestCluster.OutputAsync(stayers[set % 2], again["runId"]!.GetValue<string>()), $"set {set}");
            }
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    [Fact]
    public async Task ClusterBudgetSmallerThanWorkingSet_Holds()
    {
        using var configDir = new TempDir();
        string config = configDir.File("cluster.json", """
            {
              "cache": {"tiers": {"ram": {"maxBytes": "64MB"}, "disk": {"maxBytes": "1GB"}}},
              "cluster": {"budgets": {"ram": "1MB", "disk": "2MB"}}
            }
            """);
        await using var cluster = await TestCluster.StartAsync(output, nameof(ClusterBudgetSmallerThanWorkingSet_Holds), "--config", config);
        try
        {
            // 40 sets x 7 nodes x 60 x 60 doubles (28.8 KB) = 8 MB of results: eight times the RAM budget.
            var sets = Enumerable.Range(0, 40).ToArray();
            await Parallel.ForEachAsync(sets, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (set, _) =>
            {
                var run = await TestCluster.RunAsync(cluster.Members[set % 3], TestCluster.Body(TestCluster.Coords(set, 60)));
                if (set % 13 == 0)
                {
                    TestCluster.AssertSame(await TestCluster.ExpectedAsync(TestCluster.Coords(set, 60)),
                        await TestCluster.OutputAsync(cluster.Members[set % 3], run["runId"]!.GetValue<string>()), $"set {set}");
                }
            });
            const long entry = 60 * 60 * 8 + 8192; // one result plus its header and provenance
            JsonObject stats = null!;
            // Usage reaches the others through Distributed Data within a refresh interval and a gossip round.
            await ClusterProcessHarnessWait(async () =>
            {
                stats = await TestCluster.StatsAsync(cluster.Members[0]);
                return stats["cluster"]!["usage"]!.AsArray().Count == 3 && stats["cluster"]!["diskBytes"]!.GetValue<long>() > 0;
            });
            long ram = stats["cluster"]!["ramBytes"]!.GetValue<long>();
            long disk = stats["cluster"]!["diskBytes"]!.GetValue<long>();
            output.WriteLine($"cluster RAM {ram} B of 1 MB, disk {disk} B of 2 MB");
            Assert.Equal(1_000_000, stats["cluster"]!["budgets"]!["ram"]!.GetValue<long>());
            Assert.InRange(ram, 1, 1_000_000 + 3 * entry);
            Assert.InRange(disk, 1, 2_000_000 + 3 * entry);
            foreach (var m in cluster.Members)
            {
                var s = await TestCluster.StatsAsync(m);
                long share = s["budgets"]!["clusterShare"]!["ram"]!.GetValue<long>();
                long held = s["tiers"]!["ram"]!["bytes"]!.GetValue<long>();
                Assert.True(held <= share + entry, $"member {m.Ports.Index} holds {held} B in RAM, its share is {share} B");
            }
        }
        catch
        {
            cluster.Failed();
            throw;
        }
    }

    private static Task ClusterProcessHarnessWait(Func<Task<bool>> probe) =>
        PodCache.Tests.Cluster.ClusterProcessHarness.TimeUntilAsync(probe, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
}
