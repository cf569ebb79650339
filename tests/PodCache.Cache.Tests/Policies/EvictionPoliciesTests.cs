using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class EvictionPoliciesTests
{
    [Theory]
    [InlineData("cost-aware", typeof(CostAwarePolicy))]
    [InlineData("lru", typeof(LruPolicy))]
    [InlineData("lfu", typeof(LfuPolicy))]
    [InlineData("gdsf", typeof(GdsfPolicy))]
    [InlineData("gds", typeof(GdsPolicy))]
    [InlineData("cachey", typeof(CacheyPolicy))]
    public void Create_KnownName_ReturnsThatPolicy(string name, Type type)
    {
        var policy = EvictionPolicies.Create(name, TimeProvider.System);

        Assert.IsType(type, policy);
        Assert.Equal(name, policy.Name);
        Assert.Equal(0, policy.Count);
    }

    [Fact]
    public void Create_DifferentCase_IsAccepted()
    {
        Assert.IsType<GdsfPolicy>(EvictionPolicies.Create("GDSF"));
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => EvictionPolicies.Create("fifo"));

        foreach (var name in EvictionPolicies.Names)
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Names_ListsEveryPolicyOnceDefaultFirst()
    {
        Assert.Equal(["cost-aware", "lru", "lfu", "gdsf", "gds", "cachey"], EvictionPolicies.Names);
        Assert.Equal(EvictionPolicies.Default, EvictionPolicies.Names[0]);
        Assert.All(EvictionPolicies.Names, n => Assert.Equal(n, EvictionPolicies.Create(n).Name));
    }
}
