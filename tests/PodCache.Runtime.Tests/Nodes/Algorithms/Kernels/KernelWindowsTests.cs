using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Kernels;

public class KernelWindowsTests
{
    // Expected windows printed by scipy 1.10.1 (scipy.signal.windows.*, sym=True), the version the corpus used.
    public static TheoryData<string, double[]> ScipyWindows => new()
    {
        { "mean,3", [1, 1, 1] },
        { "boxcar,2", [1, 1] },
        { "gaussian,4,1.5", [0.6065306597126334, 0.9459594689067654, 0.9459594689067654, 0.6065306597126334] },
        { "gaussian, 3, 1", [Math.Exp(-0.5), 1, Math.Exp(-0.5)] },
        { "triang,5", [0.3333333333333333, 0.6666666666666666, 1, 0.6666666666666666, 0.3333333333333333] },
        { "triang,4", [0.25, 0.75, 0.75, 0.25] },
        { "bartlett,5", [0, 0.5, 1, 0.5, 0] },
        { "bartlett,4", [0, 0.6666666666666666, 0.6666666666666667, 0] },
        { "hann,5", [0, 0.5, 1, 0.5, 0] },
        { "hamming,4", [0.08000000000000007, 0.77, 0.7700000000000002, 0.08000000000000007] },
        { "blackman,5", [-1.3877787807814457e-17, 0.34, 0.9999999999999999, 0.34, -1.3877787807814457e-17] },
        { "hann,1", [1] },
        { "mean,2,ignored", [1, 1] },
    };

    [Theory]
    [MemberData(nameof(ScipyWindows))]
    public void TryParse_KnownWindow_MatchesScipy(string kernelType, double[] expected)
    {
        Assert.True(KernelWindows.TryParse(kernelType, out _, out var window, out var error), error);

        Assert.Equal(expected.Length, window.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - window[i]) <= 1e-15, $"{kernelType}[{i}]: expected {expected[i]}, got {window[i]}");
        }
    }

    [Theory]
    [InlineData("kaiser,5,2", "supported: mean, gaussian, boxcar, triang, bartlett, hann, hamming, blackman")]
    [InlineData("mean", "integer kernel size")]
    [InlineData("mean,-2", "at least 1")]
    [InlineData("gaussian,5", "one finite, non-zero std")]
    [InlineData("gaussian,5,1,2", "one finite, non-zero std")]
    [InlineData("gaussian,5,nan", "one finite, non-zero std")]
    [InlineData("triang,5,1", "takes no parameters")]
    public void TryParse_Invalid_ExplainsWhy(string kernelType, string message)
    {
        Assert.False(KernelWindows.TryParse(kernelType, out _, out _, out var error));

        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
