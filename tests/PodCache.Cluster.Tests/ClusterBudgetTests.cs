using PodCache.Cluster;

namespace PodCache.Cluster.Tests;

[Collection("cluster")]
public sealed class ClusterBudgetTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task RamAndDiskShares_FollowOwnedShards_AndSumToTheClusterBudget()
    {
        var cluster = fixture.Reset();
        await cluster.WaitForAllShardsOwnedAsync(Bound);

        foreach (var m in cluster.Members)
        {
            int owned = m.OwnedShards.Count;
            Assert.InRange(owned, 1, 99);
            Assert.Equal(300_000_000L * owned / 100, m.RamBudget.CurrentLimit());
            Assert.Equal(3_000_000_000L * owned / 100, m.DiskBudget.CurrentLimit());
        }
        Assert.Equal(300_000_000L, cluster.Members.Sum(m => m.RamBudget.CurrentLimit()));
        Assert.Equal(3_000_000_000L, cluster.Members.Sum(m => m.DiskBudget.CurrentLimit()));
        Assert.Equal("ram", cluster.Members[0].RamBudget.Tier);
        Assert.Equal(300_000_000L, cluster.Members[0].RamBudget.BudgetBytes);
    }

    [Fact(Timeout = 60_000)]
    public async Task S3Budget_IsTheOwnershipShare_AndNeverMoreThanTheBudgetMinusTheOthersUsage()
    {
        var cluster = fixture.Reset();
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        cluster.Usage[0] = new MemberUsage(10, 100, 200_000);
        cluster.Usage[1] = new MemberUsage(20, 200, 300_000);
        cluster.Usage[2] = new MemberUsage(30, 300, 0);

        await cluster.WaitUntilAsync(() => cluster.Members.All(m => m.GetUsage().S3Bytes == 500_000), Bound, "usage replicated");

        // Others' usage: member 0 sees 300 KB, member 1 200 KB, member 2 500 KB.
        long[] others = [300_000, 200_000, 500_000];
        for (int i = 0; i < 3; i++)
        {
            var m = cluster.Members[i];
            long share = 1_000_000L * m.OwnedShards.Count / 100;
            Assert.Equal(Math.Min(share, 1_000_000 - others[i]), m.S3Budget.CurrentLimit());
        }
        Assert.True(cluster.Members.Sum(m => m.S3Budget.CurrentLimit()) <= 1_000_000);

        // A member whose neighbours report more than the budget may write nothing, whatever it owns.
        cluster.Usage[1] = new MemberUsage(20, 200, 1_200_000);
        await cluster.WaitUntilAsync(() => cluster.Members[0].GetUsage().S3Bytes == 1_400_000, Bound, "usage replicated");
        Assert.Equal(0, cluster.Members[0].S3Budget.CurrentLimit());
    }

    [Fact(Timeout = 60_000)]
    public async Task GetUsage_OnAnyMember_ReportsClusterTotalsAgainstTheBudgets()
    {
        var cluster = fixture.Reset();
        await cluster.WaitForAllShardsOwnedAsync(Bound);
        cluster.Usage[0] = new MemberUsage(1_000, 10_000, 7);
        cluster.Usage[1] = new MemberUsage(2_000, 20_000, 8);
        cluster.Usage[2] = new MemberUsage(3_000, 30_000, 9);

        await cluster.WaitUntilAsync(() => cluster.Members.All(m => m.GetUsage() is { RamBytes: 6_000, OwnedShards: 100 }), Bound,
            "usage replicated");

        foreach (var m in cluster.Members)
        {
            var usage = m.GetUsage();
            Assert.Equal(60_000, usage.DiskBytes);
            Assert.Equal(24, usage.S3Bytes);
            Assert.Equal(300_000_000L, usage.RamBudgetBytes);
            Assert.Equal(3_000_000_000L, usage.DiskBudgetBytes);
            Assert.Equal(1_000_000L, usage.S3BudgetBytes);
            Assert.Equal(100, usage.ShardCount);
            Assert.Equal(cluster.Members.Select(x => x.Address).Order(StringComparer.Ordinal), usage.Members.Select(x => x.Address));
            Assert.All(usage.Members, r => Assert.NotNull(r.HttpUrl));
        }
    }
}
