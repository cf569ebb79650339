namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// Runs a 1-D kernel along one axis of a row-major array: every line along that axis is read, mapped to a line of a
/// new length, and written back in place of the old axis. The separable interpolators are sequences of these.
/// </summary>
internal static class LinePass
{
    /// <summary>Maps one input line to one output line.</summary>
    public delegate void Kernel(ReadOnlySpan<double> line, Span<double> result);

    /// <summary>
    /// <paramref name="src"/> (shape <paramref name="shape"/>) with axis <paramref name="axis"/> replaced by
    /// <paramref name="newLength"/> points from <paramref name="kernel"/>; <paramref name="shape"/> is updated.
    /// </summary>
    public static double[] Along(double[] src, int[] shape, int axis, int newLength, Kernel kernel)
    {
        int n = shape[axis];
        long outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= shape[k];
        for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        var dst = new double[checked(outer * newLength * inner)];
        shape[axis] = newLength;
        if (dst.Length == 0)
        {
            return dst;
        }
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
            {
                kernel(src.AsSpan((int)(o * n), n), dst.AsSpan((int)(o * newLength), newLength));
            }
            return dst;
        }
        var line = new double[n];
        var res = new double[newLength];
        for (long o = 0; o < outer; o++)
        {
            long sbase = o * n * inner, dbase = o * newLength * inner;
            for (long i = 0; i < inner; i++)
            {
                for (int j = 0; j < n; j++) line[j] = src[sbase + j * inner + i];
                kernel(line, res);
                for (int q = 0; q < newLength; q++) dst[dbase + q * inner + i] = res[q];
            }
        }
        return dst;
    }

    /// <summary>A kernel taking <c>line[index[q]]</c>, NaN for a negative index.</summary>
    public static Kernel Gather(int[] index) => (line, result) =>
    {
        for (int q = 0; q < result.Length; q++)
        {
            int j = index[q];
            result[q] = j < 0 ? double.NaN : line[j];
        }
    };
}
