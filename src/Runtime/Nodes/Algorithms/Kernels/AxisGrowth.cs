namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// How Convolution grew one request axis: the grown axis and PODPAC's crop for it, which is the Python slice
/// <c>[Before:-After]</c> when <see cref="Cropped"/> (so <c>After == 0</c> keeps nothing, as in Python), or
/// <c>[:]</c> otherwise.
/// </summary>
internal readonly record struct AxisGrowth(Coordinates1D Axis, int Before, int After, bool Cropped)
{
    /// <summary>An axis that does not grow and is not cropped.</summary>
    public static AxisGrowth None(Coordinates1D axis) => new(axis, 0, 0, false);

    /// <summary>
    /// The crop as a start and a length on an axis of <paramref name="size"/> points, with Python's slice rules
    /// (bounds clamped; a stop of <c>-0</c> is 0).
    /// </summary>
    public (int Start, int Length) CropOn(int size)
    {
        if (!Cropped)
        {
            return (0, size);
        }
        int start = Math.Min(Before, size);
        int stop = After > 0 ? Math.Max(size - After, 0) : 0;
        return (start, Math.Max(0, stop - start));
    }
}
