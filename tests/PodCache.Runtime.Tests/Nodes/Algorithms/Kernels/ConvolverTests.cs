using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Kernels;

public class ConvolverTests
{
    /// <summary>Naive N-d reference: out[o] = Σ_k K[k]·x[start + o + (s−1)/2 − k], zero outside x.</summary>
    private static double[] Reference(double[] x, int[] shape, double[] k, int[] kshape, int[] start, int[] size)
    {
        int rank = shape.Length;
        long n = 1;
        foreach (var s in size) n *= s;
        var result = new double[n];
        var xs = DataArray.StridesOf(shape);
        var ks = DataArray.StridesOf(kshape);
        var os = DataArray.StridesOf(size);
        for (long o = 0; o < n; o++)
        {
            double sum = 0;
            for (long t = 0; t < k.Length; t++)
            {
                long off = 0;
                bool inside = true;
                for (int d = 0; d < rank; d++)
                {
                    long od = o / os[d] % size[d];
                    long td = t / ks[d] % kshape[d];
                    long i = start[d] + od + (kshape[d] - 1) / 2 - td;
                    if (i < 0 || i >= shape[d]) { inside = false; break; }
                    off += i * xs[d];
                }
                if (inside) sum += k[t] * x[off];
            }
            result[o] = sum;
        }
        return result;
    }

    private static double[] Outer(double[][] factors, int[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        var r = new double[n];
        var st = DataArray.StridesOf(shape);
        for (long i = 0; i < n; i++)
        {
            double v = 1;
            for (int d = 0; d < shape.Length; d++) v *= factors[d][i / st[d] % shape[d]];
            r[i] = v;
        }
        return r;
    }

    private static void AssertClose(double[] expected, double[] actual, double[] scale, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(actual[i]), $"{what} cell {i}: expected NaN, got {actual[i]}");
            }
            else
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, scale[i]),
                    $"{what} cell {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void SeparableAndDirect_RandomOuterProductKernels_AgreeWithTheReference(int seed)
    {
        var rng = new Random(seed);
        int rank = 1 + seed % 3;
        var shape = new int[rank];
        var kshape = new int[rank];
        var start = new int[rank];
        var size = new int[rank];
        var factors = new double[rank][];
        for (int d = 0; d < rank; d++)
        {
            shape[d] = rng.Next(1, rank == 1 ? 40 : 12);
            kshape[d] = rng.Next(1, 7);
            start[d] = rng.Next(0, shape[d]);
            size[d] = rng.Next(0, shape[d] - start[d] + 1);
            factors[d] = Enumerable.Range(0, kshape[d]).Select(_ => rng.NextDouble() * 2 - 0.5).ToArray();
            if (rng.Next(4) == 0) factors[d][rng.Next(kshape[d])] = 0;
        }
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var x = Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble() * 200 - 100).ToArray();
        for (int i = 0; i < n / 15; i++) x[rng.Next((int)n)] = double.NaN;
        var kernel = Outer(factors, kshape);
        var absX = x.Select(v => double.IsNaN(v) ? 0 : Math.Abs(v)).ToArray();
        var scale = Reference(absX, shape, kernel.Select(Math.Abs).ToArray(), kshape, start, size);

        var expected = Reference(x, shape, kernel, kshape, start, size);
        var separable = Convolver.Separable(x, shape, factors, start, size);
        var direct = Convolver.Direct(x, shape, kernel, kshape, start, size);

        AssertClose(expected, separable, scale, $"seed {seed} separable");
        AssertClose(expected, direct, scale, $"seed {seed} direct");
        AssertClose(direct, separable, scale, $"seed {seed} separable vs direct");
    }

    [Fact]
    public void Separable_LargeGridWithNaN_EqualsDirectEverywhere()
    {
        var rng = new Random(42);
        int[] shape = [515, 517];
        var x = new double[shape[0] * shape[1]];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < 300; i++) x[rng.Next(x.Length)] = double.NaN;
        double[] g = [0.1, 0.2, 0.4, 0.2, 0.1];
        int[] start = [3, 3];
        int[] size = [510, 512];

        var separable = Convolver.Separable(x, shape, [g, g], start, size);
        var direct = Convolver.Direct(x, shape, Outer([g, g], [5, 5]), [5, 5], start, size);

        AssertClose(direct, separable, new double[direct.Length], "grid");
        Assert.Contains(separable, double.IsNaN);
    }

    [Fact]
    public void Direct_NaNUnderZeroWeight_GivesNaN()
    {
        double[] x = [1, 2, double.NaN, 4, 5, 6];

        var r = Convolver.Direct(x, [6], [0, 1, 0], [3], [0], [6]);

        Assert.Equal(1.0, r[0]);
        Assert.True(double.IsNaN(r[1]) && double.IsNaN(r[2]) && double.IsNaN(r[3]));
        Assert.Equal(new[] { 5.0, 6.0 }, r[4..]);
    }

    [Fact]
    public void Separable_NaNUnderZeroWeightOnTheOtherAxis_GivesNaN()
    {
        // 3×3 with NaN in the corner: the window of (1,1) holds it under weight 0·0.
        double[] x = [double.NaN, 1, 1, 1, 1, 1, 1, 1, 1];

        var r = Convolver.Separable(x, [3, 3], [[0, 1, 0], [0, 1, 0]], [1, 1], [1, 1]);

        Assert.True(double.IsNaN(r[0]));
    }

    [Fact]
    public void Separable_IdentityKernelWithoutCrop_ReturnsACopyNotTheInput()
    {
        double[] x = [1, 2, 3];

        var r = Convolver.Separable(x, [3], [[1.0]], [0], [3]);

        Assert.NotSame(x, r);
        Assert.Equal(x, r);
    }

    [Fact]
    public void Direct_ZeroDimensional_MultipliesTheScalars()
    {
        Assert.Equal(new[] { 7.5 }, Convolver.Direct([2.5], [], [3], [], [], []));
    }

    [Fact]
    public void SeparableAndDirect_EmptyCrop_GiveEmptyArrays()
    {
        Assert.Empty(Convolver.Separable([1, 2, 3], [3], [[1, 1]], [1], [0]));
        Assert.Empty(Convolver.Direct([1, 2, 3], [3], [1, 1], [2], [1], [0]));
    }

    [Fact]
    public void Separable_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => Convolver.Separable(new double[100], [10, 10], [[1, 1, 1], [1, 1, 1]], [1, 1], [8, 8], cts.Token));
        Assert.Throws<OperationCanceledException>(() => Convolver.Direct(new double[100], [10, 10], new double[9], [3, 3], [1, 1], [8, 8], cts.Token));
    }
}
