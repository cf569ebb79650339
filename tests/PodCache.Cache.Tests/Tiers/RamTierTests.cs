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

    private sealed class VariableScope(long limit) : PodCache.Cache.Budgets.IBudgetScope
    {
        public long Limit { get; set; } = limit;

        public long CurrentLimit() => Limit;
    }

    [Fact]
    public async Task TrimToLimit_AfterTheScopeShrinks_EvictsInPolicyOrderAndRaisesEvicted()
    {
        var scope = new VariableScope(100_000);
        var tier = new RamTier(1 << 20, time: Time, scope: scope);
        var evicted = new List<PodCache.Cache.Keys.Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await tier.PutAsync(Entry(name, name, padTo: 10_000));
        }
        Assert.Equal(0, tier.TrimToLimit());
        scope.Limit = 25_000;
        Assert.Equal(2, tier.TrimToLimit());
        Assert.Equal([PodCache.Cache.Keys.Key.Hash("a"), PodCache.Cache.Keys.Key.Hash("b")], evicted);
        Assert.InRange(tier.Bytes, 1, 25_000);
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
