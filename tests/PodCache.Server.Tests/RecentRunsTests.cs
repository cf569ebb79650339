namespace PodCache.Server.Tests;

public class RecentRunsTests
{
    [Fact]
    public void Add_PastMaxBytes_EvictsOldestFirstAndStaysWithinTheBound()
    {
        var recent = new RecentRuns(10_000);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(recent.Add("run" + i, new string('m', 1000)));
            Assert.InRange(recent.Bytes, 1, 10_000);
        }

        Assert.Null(recent.Find("run0"));
        Assert.NotNull(recent.Find("run19"));
        Assert.Equal(recent.Count, Enumerable.Range(0, 20).Count(i => recent.Find("run" + i) is not null));
        // Kept: the newest ones, a suffix.
        int oldest = Enumerable.Range(0, 20).First(i => recent.Find("run" + i) is not null);
        Assert.All(Enumerable.Range(oldest, 20 - oldest), i => Assert.NotNull(recent.Find("run" + i)));
    }

    [Fact]
    public void Add_ManifestLargerThanTheBound_IsNotKeptAndEvictsNothing()
    {
        var recent = new RecentRuns(10_000);
        recent.Add("small", "{}");

        Assert.False(recent.Add("huge", new string('m', 6000)));

        Assert.Null(recent.Find("huge"));
        Assert.Equal("{}", recent.Find("small"));
    }
}
