using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Index;

/// <summary>The eviction choice shared by the disk and S3 tiers.</summary>
public class VictimSelectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static IndexEntry Entry(string name, long bytes, int minutesAgo, DateTimeOffset? expires = null, double cost = 1, long hits = 0) =>
        new(Key.Hash(name), "disk", bytes, Now.AddHours(-1), expires, cost, hits, Now.AddMinutes(-minutesAgo), true);

    [Fact]
    public void ExpiredEntriesGoFirst_AndAreEnoughWhenTheyFreeTheBytes()
    {
        var fresh = Entry("fresh", 100, 50);
        var expired = Entry("expired", 100, 1, expires: Now.AddSeconds(-1));
        var victims = VictimSelector.Choose([fresh, expired], 50, Now, () => new LruPolicy());
        Assert.Equal([expired], victims);
    }

    [Fact]
    public void ThenThePolicysOrder_UntilEnoughIsFreed_NeverTheSameEntryTwice()
    {
        var expired = Entry("expired", 10, 1, expires: Now.AddSeconds(-1));
        var oldest = Entry("oldest", 100, 60);
        var middle = Entry("middle", 100, 30);
        var newest = Entry("newest", 100, 5);
        var victims = VictimSelector.Choose([newest, expired, middle, oldest], 150, Now, () => new LruPolicy());
        Assert.Equal([expired, oldest, middle], victims);
        Assert.Equal(victims.Count, victims.Distinct().Count());
    }

    [Fact]
    public void AllCandidatesAreNotEnough_EveryoneIsChosen()
    {
        var a = Entry("a", 10, 3);
        var b = Entry("b", 10, 2);
        var victims = VictimSelector.Choose([a, b], 1_000, Now, () => new LruPolicy());
        Assert.Equal(2, victims.Count);
    }

    [Fact]
    public void TheCostAwarePolicy_KeepsTheExpensiveEntryOfTwoEqualSizes()
    {
        var cheap = Entry("cheap", 100, 10, cost: 0.01);
        var dear = Entry("dear", 100, 30, cost: 60);
        var victims = VictimSelector.Choose([dear, cheap], 50, Now, () => EvictionPolicies.Create("cost-aware"));
        Assert.Equal([cheap], victims);
    }
}
