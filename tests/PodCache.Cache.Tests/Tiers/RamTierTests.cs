using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Cache.Tests.Tiers;

public sealed class RamTierTests : CacheTierContract
{
    protected override ICacheTier CreateTier(long maxBytes) => new RamTier(maxBytes, time: Time);

    [Fact]
    public async Task Put_Evicting_RaisesEvictedWithTheVictim()
    {
        var tier = new RamTier(25_000, time: Time);
        var evicted = new List<PodCache.Cache.Keys.Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        await tier.PutAsync(Entry("a", "a", padTo: 10_000));
        await tier.PutAsync(Entry("b", "b", padTo: 10_000));
        await tier.PutAsync(Entry("c", "c", padTo: 10_000));
        Assert.Equal([PodCache.Cache.Keys.Key.Hash("a")], evicted);
    }

    [Fact]
    public async Task TryGet_ReturnsSameObject_NoSerialization()
    {
        var tier = new RamTier(1 << 20, time: Time);
        var e = Entry("a", "alpha");
        await tier.PutAsync(e);
        Assert.Same(e.Value, (await tier.TryGetAsync(e.Key))!.Value);
    }
}
