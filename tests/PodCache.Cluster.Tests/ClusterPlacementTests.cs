using PodCache.Cluster;

namespace PodCache.Cluster.Tests;

[Collection("cluster")]
public sealed class ClusterPlacementTests(ClusterFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task ThreeMembers_OnLoopbackWithPortZero_AllUpAndSeeEachOther()
    {
        var cluster = fixture.Reset();

        Assert.Equal(3, cluster.Members.Select(m => m.Port).Distinct().Count());
        Assert.All(cluster.Members, m => Assert.InRange(m.Port, 1, 65535));
        foreach (var member in cluster.Members)
        {
            Assert.True(member.IsUp);
            Assert.StartsWith("akka.tcp://podcache@127.0.0.1:", member.Address, StringComparison.Ordinal);
            Assert.Equal(cluster.Members.Select(m => m.Address).Order(StringComparer.Ordinal), member.Members.Select(m => m.Address));
            Assert.All(member.Members, m => Assert.Equal("Up", m.Status));
            Assert.Single(member.Members, m => m.IsSelf);
        }
        await Task.CompletedTask;
    }

    [Fact(Timeout = 90_000)]
    public async Task Keys_AskedThroughEveryMember_HaveOneOwnerEach_SpreadOverAllMembers()
    {
        var cluster = fixture.Reset();
        var keys = TestCluster.Keys("placement", 300);

        var owners = new Dictionary<PodCache.Cache.Keys.Key, HashSet<string>>();
        foreach (var member in cluster.Members)
        {
            var results = await Task.WhenAll(keys.Select(k => member.SingleFlight.GetOrComputeAsync(k, ReadOnlyMemory<byte>.Empty)));
            foreach (var r in results)
            {
                Assert.Equal(TestCluster.SmallValue(r.Key), r.Data);
                Assert.Equal(r.Owner == member.Address, r.OwnerIsSelf);
                Assert.Equal(r.OwnerIsSelf ? ClusterDelivery.Local : ClusterDelivery.Inline, r.Delivery);
                (owners.TryGetValue(r.Key, out var set) ? set : owners[r.Key] = []).Add(r.Owner);
            }
        }

        Assert.All(owners.Values, set => Assert.Single(set));
        var byOwner = owners.GroupBy(kv => kv.Value.Single()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(cluster.Members.Select(m => m.Address).Order(), byOwner.Keys.Order());
        // The owner of each key is the member hosting the key's shard.
        await cluster.WaitForAllShardsOwnedAsync(TimeSpan.FromSeconds(30));
        foreach (var (key, set) in owners)
        {
            var owner = cluster.Members[cluster.IndexOf(set.Single())];
            Assert.Contains(owner.ShardOf(key), owner.OwnedShards);
        }
    }
}
