namespace PodCache.Runtime.Tests;

/// <summary>
/// One point of a uniform axis is computed, not read from every point built: a Reproject whose coordinates span a
/// billion points (found by the pipeline fuzzer, 32 s and 8 GB to plan) slices them without allocating them.
/// </summary>
public class UniformAxisPointTests
{
    [Fact]
    public void IndexerAndSlice_OfAHugeAxis_AllocateNothingLikeItsSize()
    {
        var axis = UniformCoordinates1D.FromStep("lon", 0, 2147483646, 2);
        Assert.Equal(1073741824, axis.Size);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var slice = axis.Slice(5, 3);
        double last = axis[axis.Size - 1];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        Assert.Equal(10, slice[0]);
        Assert.Equal(14, slice[2]);
        Assert.Equal(2147483646, last);
    }

    [Fact]
    public void ComputedPoints_EqualTheBuiltOnes_BitForBit()
    {
        var axis = UniformCoordinates1D.FromStep("lat", 0.1, 3.7, 0.3);
        var computed = Enumerable.Range(0, axis.Size).Select(i => axis[i]).ToArray();
        Assert.Equal(axis.Points.ToArray(), computed);
        Assert.Throws<ArgumentOutOfRangeException>(() => UniformCoordinates1D.FromStep("lat", 0, 10, 1)[11]);
    }
}
