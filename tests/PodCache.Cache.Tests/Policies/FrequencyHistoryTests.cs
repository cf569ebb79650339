using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class FrequencyHistoryTests
{
    private static Key K(int i) => Key.Hash($"k{i}");

    [Fact]
    public void Estimate_NeverRecorded_IsNegativeInfinity()
    {
        var history = new FrequencyHistory(16);

        Assert.Equal(double.NegativeInfinity, history.Estimate(K(0)));
    }

    [Fact]
    public void Record_TwiceForOneKey_KeepsTheHigherValue()
    {
        var history = new FrequencyHistory(16);

        history.Record(K(0), 5);
        history.Record(K(0), 3);

        Assert.Equal(5, history.Estimate(K(0)));
    }

    [Fact]
    public void EnsureCapacity_Doubling_KeepsEveryEstimate()
    {
        var history = new FrequencyHistory(4);
        for (var i = 0; i < 200; i++)
        {
            history.Record(K(i), i);
        }
        var before = Enumerable.Range(0, 300).Select(i => history.Estimate(K(i))).ToArray();

        history.EnsureCapacity(10_000);

        Assert.True(history.Width >= 40_000);
        Assert.Equal(before, Enumerable.Range(0, 300).Select(i => history.Estimate(K(i))));
    }

    [Fact]
    public void Estimate_WideEnough_NeverBelowWhatWasRecorded()
    {
        var history = new FrequencyHistory(16);
        history.EnsureCapacity(1000);
        for (var i = 0; i < 1000; i++)
        {
            history.Record(K(i), i % 17);
        }

        // A count-min sketch may overstate (collisions in every row) but never understates.
        Assert.All(Enumerable.Range(0, 1000), i => Assert.True(history.Estimate(K(i)) >= i % 17));
    }

    [Fact]
    public void Shift_MovesEveryValueDown_LeavesEmptyCellsEmpty()
    {
        var history = new FrequencyHistory(16);
        history.Record(K(0), 4096.5);

        history.Shift(4096);

        Assert.Equal(0.5, history.Estimate(K(0)), 3);
        Assert.Equal(double.NegativeInfinity, history.Estimate(K(1)));
    }
}
