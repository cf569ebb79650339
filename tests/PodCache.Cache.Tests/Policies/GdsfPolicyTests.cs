using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class GdsfPolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new GdsfPolicy();

    [Fact]
    public void Evict_CostSizeAndFrequency_LowestHitsTimesCostPerByteFirst()
    {
        var policy = new GdsfPolicy();
        policy.OnInsert(K("a"), 100, 1, T0);        // 1 × 1/100 = 0.01
        policy.OnInsert(K("b"), 10, 1, T0);         // 1 × 1/10 = 0.1
        policy.OnInsert(K("c"), 100, 1, T0);        // 20 × 1/100 = 0.2
        policy.OnInsert(K("d"), 1000, 0, T0);       // 1 × 1e-6/1000 = 1e-9
        for (var i = 0; i < 19; i++)
        {
            policy.OnAccess(K("c"), T0);
        }

        Assert.True(policy.TryGetPriority(K("c"), out var c));
        Assert.Equal(0.2, c, 12);
        Assert.Equal(["d", "a", "b", "c"], Drain(policy, "a", "b", "c", "d"));
    }

    [Fact]
    public void OnInsert_AfterEvictions_StartsAtLastVictimsPriority()
    {
        var policy = new GdsfPolicy();
        policy.OnInsert(K("a"), 100, 1, T0);
        policy.OnInsert(K("b"), 10, 1, T0);
        policy.OnInsert(K("c"), 100, 1, T0);
        policy.OnInsert(K("d"), 1000, 0, T0);
        for (var i = 0; i < 19; i++)
        {
            policy.OnAccess(K("c"), T0);
        }
        var names = new[] { "a", "b", "c", "d", "e" }.ToDictionary(K);
        var evicted = new List<string> { EvictOne(policy, names), EvictOne(policy, names) };

        // L is now a's 0.01, so e starts at 0.01 + 0.01 = 0.02: above the victims, below b and c.
        policy.OnInsert(K("e"), 100, 1, T0);

        Assert.True(policy.TryGetPriority(K("e"), out var e));
        Assert.Equal(0.02, e, 12);
        evicted.AddRange(Drain(policy, "b", "c", "e"));
        Assert.Equal(["d", "a", "e", "b", "c"], evicted);
    }

    [Fact]
    public void Evict_ZeroCostEntries_OrderedBySizeThenFrequency()
    {
        var policy = new GdsfPolicy();
        policy.OnInsert(K("small"), 10, 0, T0);
        policy.OnInsert(K("big"), 1000, 0, T0);
        policy.OnInsert(K("small-read"), 10, 0, T0);
        policy.OnInsert(K("mid"), 100, 0, T0);
        policy.OnAccess(K("small-read"), T0);

        Assert.Equal(["big", "mid", "small", "small-read"], Drain(policy, "small", "big", "small-read", "mid"));
    }
}
