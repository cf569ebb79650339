using System.Collections.Concurrent;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cluster.Tests;

/// <summary>
/// A run that misses on a cluster sends each owner of its nodes one batch (issue 17): with three real members over
/// loopback, the owners push values to the members that read them, nobody asks per node, every key is computed once
/// cluster-wide, and the output equals a single process's.
/// </summary>
[Collection("bridge")]
public sealed class ClusterBatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // sin → a → b → c → d → mean (a Convolution: everything under it at a grown grid) → out, which reads a at the request
    // too: 9 evaluations, spread over the members' shards.
    private const string Chain = """
        {"sin": {"node": "algorithm.SinCoords"},
         "a": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin"}, "attrs": {"eqn": "A * 2"}},
         "b": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A + 1"}},
         "c": {"node": "algorithm.Arithmetic", "inputs": {"A": "b", "B": "sin"}, "attrs": {"eqn": "A - B"}},
         "d": {"node": "algorithm.Arithmetic", "inputs": {"A": "c"}, "attrs": {"eqn": "A * A"}},
         "mean": {"node": "algorithm.Convolution", "inputs": {"source": "d"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "mean", "B": "a"}, "attrs": {"eqn": "A + B"}},
         "podpac_output_node": "out"}
        """;

    private static Coordinates Coords(double lat) => Coordinates.Parse($$"""
        {"coords": [{"name": "lat", "start": {{lat}}, "stop": {{lat - 1}}, "step": -0.05},
                    {"name": "lon", "start": -100, "stop": -99, "step": 0.05}], "crs": "EPSG:4326"}
        """);

    private static async Task<(double[] Values, HashSet<Key> Computed)> LocalAsync(Pipeline pipeline, Coordinates coords)
    {
        var computed = new ConcurrentQueue<(int, Key)>();
        var run = await new PipelineRunner(new BridgeCluster.Counting(TieredCache.InMemory(1L << 26), 0, computed)).RunAsync(pipeline, coords);
        return (run.Output!.Values.ToArray(), computed.Select(c => c.Item2).ToHashSet());
    }

    [Fact(Timeout = 180_000)]
    public async Task Miss_ThreeMembers_OneBatchPerRemoteOwner_NoRoundTripPerNode_SameOutputAsOneProcess()
    {
        await using var cluster = await BridgeCluster.StartAsync(3);
        await cluster.WaitForShardMapAsync(Bound);
        var pipeline = Pipeline.Parse(Chain);
        var coords = Coords(45);
        var (expected, keys) = await LocalAsync(pipeline, coords);
        var before = cluster.Total();

        using var cts = new CancellationTokenSource(Bound);
        var run = await cluster.Runner(0).RunAsync(pipeline, coords, null, cts.Token);
        var after = cluster.Total();

        Assert.Equal(expected, run.Output!.Values.ToArray());
        Assert.Equal(9, keys.Count);
        // Each key computed once, on its owner.
        var computed = cluster.Computed.ToList();
        Assert.Equal(keys.Order(), computed.Select(c => c.Key).Order());
        Assert.All(computed, c => Assert.Equal(cluster.OwnerIndex(c.Key), c.Member));
        var remoteOwners = keys.Select(cluster.OwnerIndex).Where(o => o != 0).Distinct().Count();
        Assert.True(keys.Select(cluster.OwnerIndex).Distinct().Count() >= 2, "the keys should spread over at least two members");
        // One message per remote owner, carrying all its nodes; no owner asked another per node.
        Assert.Equal(remoteOwners, after.BatchesSent - before.BatchesSent);
        Assert.Equal(keys.Count(k => cluster.OwnerIndex(k) != 0), after.BatchNodes - before.BatchNodes);
        Assert.Equal(0, after.InlineAnswers + after.FetchedAnswers - before.InlineAnswers - before.FetchedAnswers);
        Assert.Equal(0, after.PushFallbacks - before.PushFallbacks);
        Assert.True(after.PushesUsed > before.PushesUsed);

        // Asked again: a hit in the requester's RAM, no batch.
        var again = await cluster.Runner(0).RunAsync(pipeline, coords, null, cts.Token);
        Assert.Equal(expected, again.Output!.Values.ToArray());
        Assert.Equal(after.BatchesSent, cluster.Total().BatchesSent);
    }

    [Fact(Timeout = 180_000)]
    public async Task Miss_TwoMembersAtOnce_EveryKeyComputedOnceClusterWide()
    {
        await using var cluster = await BridgeCluster.StartAsync(3);
        await cluster.WaitForShardMapAsync(Bound);
        var pipeline = Pipeline.Parse(Chain);
        var coords = Coords(30);
        var (expected, keys) = await LocalAsync(pipeline, coords);

        using var cts = new CancellationTokenSource(Bound);
        var runs = await Task.WhenAll(
            Task.Run(() => cluster.Runner(1).RunAsync(pipeline, coords, null, cts.Token)),
            Task.Run(() => cluster.Runner(2).RunAsync(pipeline, coords, null, cts.Token)));

        Assert.All(runs, r => Assert.Equal(expected, r.Output!.Values.ToArray()));
        Assert.Equal(keys.Order(), cluster.Computed.Select(c => c.Key).Order());
        Assert.Equal(0, cluster.Total().PushFallbacks);
    }

    [Fact(Timeout = 180_000)]
    public async Task Miss_ValuesByReference_ArePushedAsReferencesAndFetched()
    {
        // Every value over the inline limit: pushes carry references, and consumers fetch from the owner.
        await using var cluster = await BridgeCluster.StartAsync(3, o => o.InlineLimitBytes = 0);
        await cluster.WaitForShardMapAsync(Bound);
        var pipeline = Pipeline.Parse(Chain);
        var coords = Coords(20);
        var (expected, keys) = await LocalAsync(pipeline, coords);

        using var cts = new CancellationTokenSource(Bound);
        var run = await cluster.Runner(1).RunAsync(pipeline, coords, null, cts.Token);

        Assert.Equal(expected, run.Output!.Values.ToArray());
        Assert.Equal(keys.Order(), cluster.Computed.Select(c => c.Key).Order());
        var total = cluster.Total();
        Assert.Equal(0, total.InlineAnswers + total.FetchedAnswers);
        Assert.Equal(0, total.PushFallbacks);
    }

    [Fact(Timeout = 180_000)]
    public async Task Miss_WithANodeNeverCached_BatchesTheRest_SameOutputAsOneProcess()
    {
        // c is never cached: left out of the batch, evaluated wherever it is needed; its inputs are asked per node there.
        await using var cluster = await BridgeCluster.StartAsync(3);
        await cluster.WaitForShardMapAsync(Bound);
        var pipeline = Pipeline.Parse(Chain.Replace("""{"eqn": "A - B"}}""", """{"eqn": "A - B"}, "cache": {"enabled": false}}""",
            StringComparison.Ordinal));
        var coords = Coords(10);
        var (expected, keys) = await LocalAsync(pipeline, coords);

        using var cts = new CancellationTokenSource(Bound);
        var run = await cluster.Runner(2).RunAsync(pipeline, coords, null, cts.Token);

        Assert.Equal(expected, run.Output!.Values.ToArray());
        var total = cluster.Total();
        Assert.Equal(1, total.BatchesSkipped);
        Assert.True(total.BatchesSent >= 1);
        Assert.Equal(0, total.PushFallbacks);
        // Each cached key once cluster-wide.
        var cached = cluster.Computed.Select(c => c.Key).Where(keys.Contains).ToList();
        Assert.Equal(cached.Count, cached.Distinct().Count());
    }

    [Fact(Timeout = 120_000)]
    public async Task AnnouncedPush_NeverComes_FallsBackAfterAskTimeout_AndAPushThatComesIsUsed()
    {
        await using var cluster = await TestCluster.StartAsync(1, o => o.AskTimeout = TimeSpan.FromSeconds(1));
        var member = cluster.Members[0];
        var flight = member.SingleFlight;
        var (lost, pushed) = (Key.Hash("batch/lost"), Key.Hash("batch/pushed"));
        using var cts = new CancellationTokenSource(Bound);

        Assert.Null(await flight.TryPushedAsync(lost, cts.Token)); // nothing announced: ask as before
        Assert.True(flight.Expect(lost));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await flight.TryPushedAsync(lost, cts.Token));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(30));
        Assert.Equal(1, member.Statistics.PushFallbacks);
        Assert.Null(await flight.TryPushedAsync(lost, cts.Token)); // forgotten: the next run asks at once

        Assert.True(flight.Expect(pushed));
        var waiting = flight.TryPushedAsync(pushed, cts.Token);
        member.System.ActorSelection(BatchActor.PathOf(member.Address))
            .Tell(new PodCache.Cluster.Messages.KeyInline(pushed, [1, 2, 3], "akka.tcp://podcache@127.0.0.1:1", "computed", 0.5, 1));
        var result = await waiting;
        Assert.NotNull(result);
        Assert.Equal(new byte[] { 1, 2, 3 }, result.Data);
        Assert.False(result.OwnerIsSelf);
        Assert.Equal(1, member.Statistics.PushesUsed);
    }
}
