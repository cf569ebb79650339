using PodCache.Runtime.Nodes.Interpolation;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

/// <summary>PODPAC's <c>_index2slice</c>: how a slice-indexed file source turns the selector's picks into one slice.</summary>
public class SliceIndexTests
{
    [Theory]
    [InlineData(new int[0], new int[0])]
    [InlineData(new[] { 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 7 }, new[] { 2, 7 })]             // one difference: its own stride
    [InlineData(new[] { 0, 3, 6 }, new[] { 0, 3, 6 })]       // evenly spaced: strided
    [InlineData(new[] { 0, 4, 7 }, new[] { 0, 1, 2, 3, 4, 5, 6, 7 })] // uneven: every point from first to last
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2, 3 })]
    public void Picks_BecomeOneSlice(int[] picks, int[] expected) => Assert.Equal(expected, GridResampler.AsSlice(picks));
}
