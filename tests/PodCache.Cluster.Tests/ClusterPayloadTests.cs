using PodCache.Cluster;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Tests;

[Collection("cluster")]
public sealed class ClusterPayloadTests(ClusterFixture fixture)
{
    private static byte[] Bytes(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed))];

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_LargeValue_TravelsByReference_SmallValueInline()
    {
        var cluster = fixture.Reset();
        var large = Key.Hash("payload/large");
        var small = Key.Hash("payload/small");
        byte[] largeValue = Bytes(200_000, 1);
        byte[] smallValue = Bytes(60_000, 2);
        cluster.Handler = (member, key, request, ct) =>
        {
            var value = key == large ? largeValue : smallValue;
            cluster.Served[key] = value;
            return Task.FromResult(OwnerResult.WithBytes(value, "computed", 0.25));
        };
        var largeOwner = await OwnerOf(cluster, large);
        var smallOwner = await OwnerOf(cluster, small);
        cluster.Fetches.Clear();

        var fromElsewhere = cluster.Members.First(m => m.Address != largeOwner);
        var byReference = await fromElsewhere.SingleFlight.GetOrComputeAsync(large, ReadOnlyMemory<byte>.Empty);
        var inline = await cluster.Members.First(m => m.Address != smallOwner).SingleFlight.GetOrComputeAsync(small, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(ClusterDelivery.Fetched, byReference.Delivery);
        Assert.Equal(largeValue, byReference.Data);
        var fetch = Assert.Single(cluster.Fetches);
        Assert.Equal(large, fetch.Key);
        Assert.Equal(largeValue.Length, fetch.Length);
        Assert.Equal(largeOwner, fetch.Owner);
        Assert.Equal(cluster.Members[cluster.IndexOf(largeOwner)].Options.HttpBaseUrl, fetch.OwnerHttpUrl);
        Assert.Equal(0.25, byReference.ComputeSeconds);

        Assert.Equal(ClusterDelivery.Inline, inline.Delivery);
        Assert.Equal(smallValue, inline.Data);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_LargeValueAskedOnItsOwner_ArrivesLocallyWithoutFetching()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("payload/local-large");
        byte[] value = Bytes(300_000, 3);
        cluster.Served[key] = value;
        cluster.Handler = (member, k, request, ct) => Task.FromResult(OwnerResult.WithBytes(value, "hit:disk"));
        var owner = cluster.Members[cluster.IndexOf(await OwnerOf(cluster, key))];
        cluster.Fetches.Clear();

        var result = await owner.SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(ClusterDelivery.Local, result.Delivery);
        Assert.True(result.OwnerIsSelf);
        Assert.Equal(value, result.Data);
        Assert.Equal("hit:disk", result.OwnerStatus);
        Assert.Empty(cluster.Fetches);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_OwnerReturnsStored_OwnerReadsItsTiers_OthersFetch()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("payload/stored");
        byte[] value = Bytes(1000, 4);
        cluster.Served[key] = value;
        cluster.Handler = (member, k, request, ct) => Task.FromResult(OwnerResult.Stored(value.Length, "hit:ram"));
        var ownerAddress = await OwnerOf(cluster, key);
        cluster.Fetches.Clear();

        var onOwner = await cluster.Members[cluster.IndexOf(ownerAddress)].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        var elsewhere = await cluster.Members.First(m => m.Address != ownerAddress).SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(ClusterDelivery.Local, onOwner.Delivery);
        Assert.Null(onOwner.Data);
        Assert.Equal(value.Length, onOwner.Length);
        Assert.Equal(ClusterDelivery.Fetched, elsewhere.Delivery);
        Assert.Equal(value, elsewhere.Data);
        Assert.Single(cluster.Fetches);
    }

    private static async Task<string> OwnerOf(TestCluster cluster, Key key) =>
        (await cluster.Members[0].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty)).Owner;
}
