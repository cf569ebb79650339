using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class LfuPolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new LfuPolicy();

    [Fact]
    public void Evict_DifferentHitCounts_FewestHitsFirstTiesByRecency()
    {
        var policy = new LfuPolicy();
        policy.OnInsert(K("a"), 1, 1, T0);
        policy.OnInsert(K("b"), 1, 1, T0);
        policy.OnInsert(K("c"), 1, 1, T0);
        policy.OnInsert(K("d"), 1, 1, T0);
        policy.OnAccess(K("a"), T0);
        policy.OnAccess(K("c"), T0);
        policy.OnAccess(K("a"), T0);

        // Hits: a 3, b 1, c 2, d 1; b and d tie and b was touched longer ago.
        Assert.Equal(["b", "d", "c", "a"], Drain(policy, "a", "b", "c", "d"));
    }

    [Fact]
    public void Evict_SizeAndCost_AreIgnored()
    {
        var policy = new LfuPolicy();
        policy.OnInsert(K("expensive"), 1, 1000, T0);
        policy.OnInsert(K("big"), 1L << 40, 0, T0);
        policy.OnInsert(K("small"), 1, 0, T0);

        Assert.Equal(["expensive", "big", "small"], Drain(policy, "expensive", "big", "small"));
    }

    [Fact]
    public void Evict_OnceHotEntryNoLongerRead_LeavesOnceAgingCatchesUp()
    {
        var policy = new LfuPolicy();
        policy.OnInsert(K("hot"), 1, 1, T0);
        for (var i = 0; i < 9; i++)
        {
            policy.OnAccess(K("hot"), T0);
        }
        var names = new Dictionary<Key, string> { [K("hot")] = "hot" };
        var evicted = new List<string>();

        // A stream of one-hit newcomers; the tier keeps two entries. Each victim raises L by one, so the k-th
        // newcomer starts at k; the tenth ties with hot's 10 hits and hot, touched longer ago, goes. L then
        // stays at 10 while c10 leaves, so c11 and c12 both start at 11.
        for (var i = 1; i <= 12; i++)
        {
            names[K($"c{i}")] = $"c{i}";
            policy.OnInsert(K($"c{i}"), 1, 1, T0);
            evicted.Add(EvictOne(policy, names));
        }

        Assert.Equal(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "hot", "c10", "c11"], evicted);
        Assert.True(policy.TryGetPriority(K("c12"), out var last));
        Assert.Equal(11, last);
    }

    [Fact]
    public void OnRemove_NonVictim_DoesNotAge()
    {
        var policy = new LfuPolicy();
        policy.OnInsert(K("a"), 1, 1, T0);
        policy.OnInsert(K("b"), 1, 1, T0);
        policy.OnAccess(K("b"), T0);
        policy.OnAccess(K("b"), T0);

        policy.OnRemove(K("b"));
        policy.OnInsert(K("c"), 1, 1, T0);

        Assert.True(policy.TryGetPriority(K("c"), out var priority));
        Assert.Equal(1, priority);
        Assert.Equal(["a", "c"], Drain(policy, "a", "c"));
    }
}
