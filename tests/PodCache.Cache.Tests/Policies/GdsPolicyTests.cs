using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class GdsPolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new GdsPolicy();

    private static GdsPolicy Fill()
    {
        var policy = new GdsPolicy();
        policy.OnInsert(K("a"), 1, 0.01, T0);
        policy.OnInsert(K("b"), 1, 0.1, T0);
        policy.OnInsert(K("c"), 1, 0.095, T0);
        policy.OnInsert(K("d"), 1, 0.001, T0);
        // Frequency does not count: a stays second in line however often it is read.
        for (var i = 0; i < 100; i++)
        {
            policy.OnAccess(K("a"), T0);
        }
        return policy;
    }

    [Fact]
    public void Evict_NoReads_LowestCostPerByteFirst()
    {
        var policy = Fill();

        Assert.Equal(["d", "a", "c", "b"], Drain(policy, "a", "b", "c", "d"));
    }

    [Fact]
    public void OnAccess_AfterEvictions_LiftsEntryByInflation()
    {
        var policy = Fill();
        var names = new[] { "a", "b", "c", "d" }.ToDictionary(K);
        var evicted = new List<string> { EvictOne(policy, names), EvictOne(policy, names) };

        // L = 0.01 (a's priority); the read lifts c to 0.01 + 0.095 = 0.105, above b's 0.1.
        policy.OnAccess(K("c"), T0);

        Assert.True(policy.TryGetPriority(K("c"), out var c));
        Assert.Equal(0.105, c, 12);
        evicted.AddRange(Drain(policy, "b", "c"));
        Assert.Equal(["d", "a", "b", "c"], evicted);
    }
}
