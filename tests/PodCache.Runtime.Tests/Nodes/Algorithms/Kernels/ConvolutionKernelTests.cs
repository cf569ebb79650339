using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Kernels;

public class ConvolutionKernelTests
{
    [Fact]
    public void FromArray_ExactOuterProduct_Factors()
    {
        var k = ConvolutionKernel.FromArray(["lat", "lon"], [2, 3], [1, 2, 3, 2, 4, 6]);

        Assert.NotNull(k.Factors);
        Assert.Equal(new double[] { 1, 2, 3, 2, 4, 6 }, k.Dense);
    }

    [Fact]
    public void FromArray_NotAnOuterProduct_StaysDense()
    {
        var k = ConvolutionKernel.FromArray(["lat", "lon"], [2, 2], [1, 0, 0, 1]);

        Assert.Null(k.Factors);
    }

    [Fact]
    public void FromArray_WithNaN_StaysDense()
    {
        var k = ConvolutionKernel.FromArray(["lat", "lon"], [2, 2], [1, 1, 1, double.NaN]);

        Assert.Null(k.Factors);
    }

    [Fact]
    public void FromWindow_NormalisesTheOuterProduct()
    {
        var k = ConvolutionKernel.FromWindow(["lat", "lon"], [1, 2, 1]);

        var dense = k.Dense;
        Assert.Equal(9, dense.Length);
        Assert.Equal(1.0, dense.Sum(), 14);
        Assert.Equal(4 / 16.0, dense[4], 15);
        Assert.Equal(1 / 16.0, dense[0], 15);
    }

    [Fact]
    public void Fit_DenseKernel_SumsMissingDimsAndFollowsTheSourceOrder()
    {
        // Axes (time, lat, lon) = 2×2×3, non-separable; the source is (lon, lat, alt).
        double[] values = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 70];
        var k = ConvolutionKernel.FromArray(["time", "lat", "lon"], [2, 2, 3], values);

        var fitted = k.Fit(["lon", "lat", "alt"]);

        Assert.Equal(new[] { 3, 2, 1 }, fitted.Shape.ToArray());
        // Summed over time: lat0 = [11, 22, 33], lat1 = [44, 55, 76]; in (lon, lat) order:
        Assert.Equal(new double[] { 11, 44, 22, 55, 33, 76 }, fitted.Dense);
    }

    [Fact]
    public void Fit_SeparableKernel_FoldsSummedFactorsIntoTheScale()
    {
        var k = ConvolutionKernel.FromWindow(["lat", "time"], [1, 1, 2]);

        var fitted = k.Fit(["lat"]);

        Assert.NotNull(fitted.Factors);
        Assert.Equal(new double[] { 0.25, 0.25, 0.5 }, fitted.Dense);
    }

    [Fact]
    public void Fit_EveryDimMissing_GivesTheKernelSum()
    {
        var k = ConvolutionKernel.FromArray(["lat"], [3], [1, 2, 4]);

        var fitted = k.Fit([]);

        Assert.Equal(0, fitted.Rank);
        Assert.Equal(new double[] { 7 }, fitted.Dense);
    }
}
