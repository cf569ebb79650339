using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Kernels;

public class ConvolutionGrowthTests
{
    [Fact]
    public void Arange_DecimalSteps_MatchesNumpy()
    {
        // numpy 1.24: np.arange(0.3 - 0.1, 0.3, 0.1) -> [0.19999999999999998]; np.arange(0., 2., 1.) -> [0., 1.]
        Assert.Equal(new[] { 0.19999999999999998 }, ConvolutionGrowth.Arange(0.3 - 0.1, 0.3, 0.1));
        Assert.Equal(new[] { 0.0, 1.0 }, ConvolutionGrowth.Arange(0, 2, 1));
    }

    [Fact]
    public void Arange_StepLostToRounding_IsEmptyLikeNumpy()
    {
        // numpy: np.arange(1e6 + 0.1, 1e6 + 0.1 + 0.1e-14, 0.1) is empty, so PODPAC adds no point after a value near 1e6.
        Assert.Empty(ConvolutionGrowth.Arange(1e6 + 0.1, 1e6 + 0.1 * 1 + 0.1 * 1e-14, 0.1));
    }

    [Fact]
    public void Grow_ExplicitAxisNearOneMillion_CropsToNothingLikePodpac()
    {
        var g = ConvolutionGrowth.Grow(new ArrayCoordinates1D("lat", [1e6, 1e6 + 0.1]), 3);

        Assert.Equal(3, g.Axis.Size);
        Assert.Equal((1, 0), g.CropOn(3));
    }

    [Theory]
    [InlineData(10, 2, 1, 2, 7)]
    [InlineData(2, 2, 1, 2, 0)]
    [InlineData(0, 2, 1, 0, 0)]
    public void CropOn_PythonSliceRules(int size, int before, int after, int start, int length)
    {
        var g = new AxisGrowth(new ArrayCoordinates1D("lat", new double[size]), before, after, true);

        Assert.Equal((start, length), g.CropOn(size));
    }

    [Fact]
    public void CropOn_NotCropped_KeepsEverything()
    {
        Assert.Equal((0, 5), AxisGrowth.None(new ArrayCoordinates1D("lat", [1])).CropOn(5));
    }
}
