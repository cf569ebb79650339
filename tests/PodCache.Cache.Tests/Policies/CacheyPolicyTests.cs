using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class CacheyPolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new CacheyPolicy();

    [Fact]
    public void OnAccess_CacheyDocExample_SameScores()
    {
        // cachey's docstring: Scorer(halflife=10); touch('x', cost=2) -> 2; touch('x') -> 4.138629436111989.
        var policy = new CacheyPolicy(halflife: 10);

        policy.OnInsert(K("x"), 1, 2, T0);
        Assert.True(policy.TryGetPriority(K("x"), out var first));
        policy.OnAccess(K("x"), T0);
        Assert.True(policy.TryGetPriority(K("x"), out var second));

        Assert.Equal(2, first);
        Assert.Equal(4.138629436111989, second, 14);
    }

    [Fact]
    public void Evict_TouchesAndCosts_LowestScoreFirst()
    {
        var policy = new CacheyPolicy(halflife: 10);
        var m = 1 + (Math.Log(2) / 10);
        policy.OnInsert(K("a"), 1, 1, T0);      // 1
        policy.OnInsert(K("b"), 1, 1, T0);      // m
        policy.OnAccess(K("a"), T0);            // 1 + m²
        policy.OnInsert(K("c"), 1, 2, T0);      // 2 m³

        Assert.True(policy.TryGetPriority(K("a"), out var a));
        Assert.Equal(1 + (m * m), a, 12);
        Assert.Equal(["b", "a", "c"], Drain(policy, "a", "b", "c"));
    }

    [Fact]
    public void OnInsert_KeyRemovedEarlier_ContinuesItsAccumulatedWeight()
    {
        var policy = new CacheyPolicy(halflife: 10);
        var m = 1 + (Math.Log(2) / 10);
        policy.OnInsert(K("a"), 1, 1, T0);      // weight 1
        policy.OnRemove(K("a"));
        policy.OnInsert(K("b"), 1, 1, T0);      // m
        policy.OnInsert(K("a"), 1, 1, T0);      // 1 + m², as cachey's Scorer never forgets

        Assert.True(policy.TryGetPriority(K("a"), out var a));
        Assert.Equal(1 + (m * m), a, 12);
        Assert.Equal(["b", "a"], Drain(policy, "a", "b"));
    }

    [Fact]
    public void OnAccess_ManyTouches_OverflowsToInfinityLikeCachey()
    {
        // halflife 1: the running base grows 1.69× per touch and passes double.MaxValue after ~1,340 touches.
        var policy = new CacheyPolicy(halflife: 1);
        policy.OnInsert(K("early"), 1, 1000, T0);
        policy.OnInsert(K("hot"), 1, 1, T0);
        for (var i = 0; i < 2000; i++)
        {
            policy.OnAccess(K("hot"), T0);
        }
        policy.OnInsert(K("late"), 1, 1, T0);
        policy.OnInsert(K("free"), 1, 0, T0);

        Assert.True(policy.TryGetPriority(K("early"), out var early));
        Assert.True(policy.TryGetPriority(K("hot"), out var hot));
        Assert.True(policy.TryGetPriority(K("late"), out var late));
        Assert.True(policy.TryGetPriority(K("free"), out var free));
        Assert.Equal(1000, early);
        Assert.Equal(double.PositiveInfinity, hot);
        Assert.Equal(double.PositiveInfinity, late);
        Assert.True(double.IsNaN(free), "0 × ∞ is NaN");
        // NaN first, then the finite score, then the infinities by recency: cost and frequency no longer count.
        Assert.Equal(["free", "early", "hot", "late"], Drain(policy, "early", "hot", "late", "free"));
    }

    [Fact]
    public void Constructor_InvalidHalflife_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CacheyPolicy(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CacheyPolicy(double.NaN));
        Assert.Equal(1000, new CacheyPolicy().Halflife);
    }
}
