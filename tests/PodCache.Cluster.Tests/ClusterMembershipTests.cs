using System.Collections.Concurrent;
using PodCache.Cluster;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Tests;

/// <summary>Members joining and leaving at run time; each test has its own cluster.</summary>
[Collection("cluster")]
public sealed class ClusterMembershipTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);

    [Fact(Timeout = 120_000)]
    public async Task Join_FourthMember_TakesShardsAndItsBudgetShare_OthersSeeOwnershipChange()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        var changes = new ConcurrentQueue<IReadOnlySet<int>>();
        foreach (var m in cluster.Members)
        {
            m.OwnedShardsChanged += (_, owned) => changes.Enqueue(owned);
        }

        var fourth = await cluster.AddMemberAsync();
        using (var cts = new CancellationTokenSource(Bound))
        {
            await fourth.WaitUntilUpAsync(cts.Token);
        }
        await cluster.WaitUntilAsync(() => fourth.OwnedShards.Count >= 10 && !changes.IsEmpty, Bound, "shards moved to the new member");
        await cluster.WaitForAllShardsOwnedAsync(Bound);

        Assert.Equal(300_000_000L, cluster.Live.Sum(m => m.RamBudget.CurrentLimit()));
        Assert.Equal(300_000_000L * fourth.OwnedShards.Count / 100, fourth.RamBudget.CurrentLimit());
        // Keys of the moved shards are now answered by the new member, whoever asks.
        var moved = TestCluster.Keys("join", 400).Where(k => fourth.OwnedShards.Contains(fourth.ShardOf(k))).Take(20).ToList();
        Assert.NotEmpty(moved);
        foreach (var key in moved)
        {
            var result = await cluster.Members[0].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
            Assert.Equal(fourth.Address, result.Owner);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task GracefulLeave_RemainingMembersOwnAllShards_RequestsSucceed_UsageEntryRemoved()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var keys = TestCluster.Keys("leave", 100);
        await Task.WhenAll(keys.Select(k => cluster.Members[0].SingleFlight.GetOrComputeAsync(k, ReadOnlyMemory<byte>.Empty)));
        var leaving = cluster.Members[2];
        string leavingKey = leaving.UsageKey;
        await cluster.WaitUntilAsync(() => cluster.Members.All(m => m.RawUsageEntries.Any(e => e.Member == leavingKey)), Bound,
            "the leaving member's usage entry replicated");
        // Shard ownership reaches the member's view after allocation, which can trail the computes under load.
        await cluster.WaitUntilAsync(() => leaving.OwnedShards.Count > 0, Bound, "the leaving member owns shards");
        Assert.NotEmpty(leaving.OwnedShards);

        await leaving.LeaveAsync().WaitAsync(Bound);

        Assert.True(leaving.WhenTerminated.IsCompleted);
        Assert.False(leaving.IsUp);
        var survivors = cluster.Members.Take(2).ToList();
        await cluster.WaitUntilAsync(() => survivors.All(m => m.Members.Count == 2), Bound, "the leaver removed");
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        await cluster.WaitUntilAsync(() => survivors.All(m => m.RawUsageEntries.All(e => e.Member != leavingKey)), Bound,
            "the leaver's usage entry removed");
        Assert.Equal(300_000_000L, survivors.Sum(m => m.RamBudget.CurrentLimit()));
        foreach (var member in survivors)
        {
            var results = await Task.WhenAll(keys.Select(k => member.SingleFlight.GetOrComputeAsync(k, ReadOnlyMemory<byte>.Empty)));
            Assert.All(results, r => Assert.Contains(r.Owner, survivors.Select(s => s.Address)));
            Assert.All(results, r => Assert.Equal(TestCluster.SmallValue(r.Key), r.Data));
        }
        // Usage entries replicate by gossip: both survivors' entries reach both in time, not at once.
        await cluster.WaitUntilAsync(() => survivors.All(m => m.GetUsage().Members.Count == 2), Bound, "both survivors' usage seen by both");
    }

    [Fact(Timeout = 120_000)]
    public async Task GracefulLeave_WithComputationInFlight_RequesterIsAnsweredByTheNewOwner()
    {
        await using var cluster = await TestCluster.StartAsync(3, o => o.HandoffGrace = TimeSpan.FromMilliseconds(500));
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        var leaving = cluster.Members[2];
        var key = TestCluster.Keys("handoff", 500).First(k => leaving.OwnedShards.Contains(leaving.ShardOf(k)));
        var cancelledOnLeaver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handler = async (member, k, request, ct) =>
        {
            if (member == 2)
            {
                // Never finishes on the leaving member: only the hand-off grace ends it.
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    cancelledOnLeaver.TrySetResult();
                }
            }
            return OwnerResult.WithBytes([42], "computed");
        };
        var request = cluster.Members[0].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        await cluster.WaitUntilAsync(() => cluster.Computations.Any(c => c.Key == key), Bound, "the computation started");

        await leaving.LeaveAsync().WaitAsync(Bound);
        var result = await request.WaitAsync(Bound);

        Assert.True(cancelledOnLeaver.Task.IsCompleted);
        Assert.Equal(new byte[] { 42 }, result.Data);
        Assert.NotEqual(leaving.Address, result.Owner);
        Assert.True(cluster.Members[0].Statistics.Resends >= 1);
        Assert.Equal([2, cluster.IndexOf(result.Owner)], cluster.Computations.Where(c => c.Key == key).Select(c => c.Member));
    }

    [Fact(Timeout = 120_000)]
    public async Task CrashedOwner_ItsKeysAreAnsweredByASurvivor_InFlightRequestIsPlacedAgain()
    {
        // The third member dies without leaving (its actor system stops with no coordinated shutdown, like SIGKILL):
        // the split-brain resolver downs it after stable-after, and its shards move.
        await using var cluster = await TestCluster.StartAsync(3, o =>
        {
            o.StableAfter = TimeSpan.FromSeconds(2);
            o.LogLevel = Environment.GetEnvironmentVariable("PODCACHE_AKKA_LOGLEVEL") ?? "WARNING";
            o.ExtraHocon = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";
        });
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        // The oldest member hosts the shard coordinator: the hardest member to lose.
        var selves = cluster.Members.Select(m => Akka.Cluster.Cluster.Get(m.System).SelfMember).ToList();
        int victimIndex = selves.IndexOf(selves.Aggregate((a, b) => a.IsOlderThan(b) ? a : b));
        var victim = cluster.Members[victimIndex];
        var key = TestCluster.Keys("crash", 500).First(k => victim.OwnedShards.Contains(victim.ShardOf(k)));
        cluster.Handler = async (member, k, request, ct) =>
        {
            if (member == victimIndex)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            return OwnerResult.WithBytes([7], "computed");
        };
        var inFlight = cluster.Members[(victimIndex + 1) % 3].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        await cluster.WaitUntilAsync(() => cluster.Computations.Any(c => c.Key == key), Bound, "the computation started");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await victim.CrashForTestsAsync();
        var result = await inFlight.WaitAsync(Bound);

        Console.WriteLine($"in-flight request answered {watch.Elapsed.TotalSeconds:0.0} s after the crash");
        Assert.Equal(new byte[] { 7 }, result.Data);
        Assert.NotEqual(victim.Address, result.Owner);
        var survivors = cluster.Live.ToList();
        await cluster.WaitUntilAsync(() => survivors.All(m => m.Members.Count == 2), Bound, "the crashed member removed");
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        var after = await survivors[1].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(result.Owner, after.Owner);
    }
}
