using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class LruPolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new LruPolicy();

    [Fact]
    public void Evict_AfterAccess_LeastRecentlyUsedFirst()
    {
        var policy = new LruPolicy();
        policy.OnInsert(K("a"), 1, 1, T0);
        policy.OnInsert(K("b"), 1_000_000, 100, T0);
        policy.OnInsert(K("c"), 1, 1, T0);
        policy.OnAccess(K("a"), T0);
        policy.OnAccess(K("a"), T0);
        policy.OnInsert(K("d"), 1, 1, T0);
        policy.OnAccess(K("b"), T0);

        Assert.Equal(["c", "a", "d", "b"], Drain(policy, "a", "b", "c", "d"));
    }
}
