using PodCache.Runtime.Nodes.Algorithms.Stats;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Stats;

public class ReductionsTests
{
    private const int Seed = 20240611;

    private static double Lane(ReductionKind kind, params double[] lane) =>
        Reductions.ReduceLane(lane, kind, new double[lane.Length]);

    [Fact]
    public void Select_RandomArraysWithDuplicates_MatchesSortedOrder()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 500; trial++)
        {
            int n = rng.Next(1, 60);
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                // Few distinct values, so runs of equal keys are common; the odd infinity too.
                values[i] = rng.Next(10) switch { 0 => double.PositiveInfinity, 1 => double.NegativeInfinity, _ => rng.Next(-5, 6) };
            }
            var sorted = values.Order().ToArray();
            int k = rng.Next(n);
            var work = (double[])values.Clone();

            double selected = Reductions.Select(work, k);

            Assert.True(sorted[k] == selected, $"seed {Seed} trial {trial}: k={k} of [{string.Join(", ", values)}] gave {selected}, expected {sorted[k]}");
            for (int i = 0; i < k; i++) Assert.True(work[i] <= selected, $"trial {trial}: a[{i}]={work[i]} > a[k]");
            for (int i = k + 1; i < n; i++) Assert.True(work[i] >= selected, $"trial {trial}: a[{i}]={work[i]} < a[k]");
        }
    }

    [Fact]
    public void ReduceLane_MedianOfRandomLanes_MatchesSortBasedMedian()
    {
        var rng = new Random(Seed);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = rng.Next(1, 40);
            var lane = new double[n];
            for (int i = 0; i < n; i++) lane[i] = rng.Next(4) == 0 ? double.NaN : Math.Round(rng.NextDouble() * 100, 2);
            var finite = lane.Where(v => !double.IsNaN(v)).Order().ToArray();
            double expected = finite.Length == 0 ? double.NaN
                : finite.Length % 2 == 1 ? finite[finite.Length / 2]
                : (finite[finite.Length / 2 - 1] + finite[finite.Length / 2]) / 2;

            double actual = Lane(ReductionKind.Median, lane);

            Assert.True(expected.Equals(actual), $"seed {Seed} trial {trial}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void ReduceLane_LongLaneWithOneNaN_SkipsItInEveryKind()
    {
        // Longer than any vector width, so both the vector body and the scalar tail run.
        var lane = Enumerable.Range(1, 37).Select(i => (double)i).ToArray();
        lane[20] = double.NaN;
        var rest = lane.Where(v => !double.IsNaN(v)).ToArray();
        double mean = rest.Average();
        double variance = rest.Select(v => (v - mean) * (v - mean)).Sum() / rest.Length;

        Assert.Equal(1, Lane(ReductionKind.Min, lane));
        Assert.Equal(37, Lane(ReductionKind.Max, lane));
        Assert.Equal(rest.Sum(), Lane(ReductionKind.Sum, lane));
        Assert.Equal(36, Lane(ReductionKind.Count, lane));
        Assert.Equal(mean, Lane(ReductionKind.Mean, lane), 12);
        Assert.Equal(variance, Lane(ReductionKind.Variance, lane), 10);
        Assert.Equal(Math.Sqrt(variance), Lane(ReductionKind.StandardDeviation, lane), 10);
        Assert.Equal(18.5, Lane(ReductionKind.Median, lane));
    }

    [Fact]
    public void ReduceLane_CountOnLongLaneWithInfinities_CountsFiniteOnly()
    {
        var lane = new double[19];
        lane.AsSpan().Fill(2);
        lane[0] = double.PositiveInfinity;
        lane[9] = double.NegativeInfinity;
        lane[18] = double.NaN;

        Assert.Equal(16, Lane(ReductionKind.Count, lane));
    }

    [Theory]
    [InlineData("Min", double.NaN)]
    [InlineData("Max", double.NaN)]
    [InlineData("Sum", 0.0)]
    [InlineData("Count", 0.0)]
    [InlineData("Mean", double.NaN)]
    [InlineData("Variance", double.NaN)]
    [InlineData("StandardDeviation", double.NaN)]
    [InlineData("Median", double.NaN)]
    public void ReduceLane_AllNaN_GivesNumpysEmptyResult(string kind, double expected)
    {
        Assert.Equal(expected, Lane(Enum.Parse<ReductionKind>(kind), double.NaN, double.NaN, double.NaN));
    }

    [Fact]
    public void ReduceLane_SingleValue_VarianceIsZero()
    {
        Assert.Equal(0, Lane(ReductionKind.Variance, double.NaN, 4.5, double.NaN));
    }

    [Fact]
    public void ReduceLane_PlusAndMinusInfinity_SumIsNaNButMinMaxAreInfinite()
    {
        Assert.True(double.IsNaN(Lane(ReductionKind.Sum, double.PositiveInfinity, double.NegativeInfinity, double.NaN)));
        Assert.Equal(double.NegativeInfinity, Lane(ReductionKind.Min, double.PositiveInfinity, double.NaN, double.NegativeInfinity));
        Assert.Equal(double.PositiveInfinity, Lane(ReductionKind.Max, double.NaN, double.NegativeInfinity, double.PositiveInfinity));
    }
}
