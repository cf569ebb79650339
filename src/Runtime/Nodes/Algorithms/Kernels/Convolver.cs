using System.Numerics.Tensors;

namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// N-d true convolution (flipped kernel, zero outside the input), computed only on a crop of the "same"-mode
/// output: <c>out[o] = Σ_k K[k]·x[start + o + (s−1)/2 − k]</c> per axis, as <c>scipy.signal.convolve(mode="same")</c>
/// followed by slicing. Every tap is multiplied in, zero weights included, so a NaN anywhere in a window makes that
/// output NaN (NaN·0 is NaN) at O(n·k) cost with no separate NaN bookkeeping. Inner loops are
/// <see cref="TensorPrimitives"/>.MultiplyAdd
/// over contiguous runs.
/// </summary>
internal static class Convolver
{
    /// <summary>Elements of output kept hot while every tap of a separable pass is added to them.</summary>
    private const int TileElements = 4096;

    /// <summary>
    /// Applies an outer-product kernel one axis at a time (one pass per axis, each cropping its axis), so the cost is
    /// <c>n·Σs</c> rather than <c>n·Πs</c>.
    /// </summary>
    /// <param name="x">The input, row-major over <paramref name="shape"/>; only read.</param>
    /// <param name="shape">The input shape.</param>
    /// <param name="factors">One 1-D kernel per axis.</param>
    /// <param name="cropStart">Per axis, the first "same"-mode output index kept.</param>
    /// <param name="cropSize">Per axis, how many output indices are kept (the output shape).</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    public static double[] Separable(double[] x, int[] shape, IReadOnlyList<double[]> factors, int[] cropStart, int[] cropSize,
        CancellationToken cancellationToken = default)
    {
        int rank = shape.Length;
        if (Product(cropSize) == 0)
        {
            return [];
        }
        var current = x;
        var currentShape = (int[])shape.Clone();
        for (int d = 0; d < rank; d++)
        {
            var w = factors[d];
            if (w.Length == 1 && w[0] == 1.0 && cropStart[d] == 0 && cropSize[d] == currentShape[d])
            {
                continue;
            }
            var nextShape = (int[])currentShape.Clone();
            nextShape[d] = cropSize[d];
            var next = new double[Product(nextShape)];
            Pass(current, currentShape, d, w, cropStart[d] + (w.Length - 1) / 2, cropSize[d], next, cancellationToken);
            current = next;
            currentShape = nextShape;
        }
        // The input belongs to someone else (it may be cached and shared): never hand it back as the result.
        return ReferenceEquals(current, x) ? (double[])x.Clone() : current;
    }

    /// <summary>One axis of a separable convolution: <c>dst[.., i, ..] = Σ_k w[k]·src[.., i + offset − k, ..]</c>.</summary>
    private static void Pass(double[] src, int[] srcShape, int axis, double[] w, int offset, int m, double[] dst,
        CancellationToken cancellationToken)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= srcShape[d];
        for (int d = axis + 1; d < srcShape.Length; d++) inner *= srcShape[d];
        int n = srcShape[axis];
        int tile = (int)Math.Max(1, TileElements / inner);
        for (long o = 0; o < outer; o++)
        {
            if ((o & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            long srcBase = o * n * inner;
            long dstBase = o * m * inner;
            for (int t0 = 0; t0 < m; t0 += tile)
            {
                int t1 = Math.Min(m, t0 + tile);
                for (int k = 0; k < w.Length; k++)
                {
                    int shift = offset - k;
                    int i0 = Math.Max(t0, -shift);
                    int i1 = Math.Min(t1, n - shift);
                    if (i1 <= i0)
                    {
                        continue;
                    }
                    int length = (int)((i1 - i0) * inner);
                    var target = dst.AsSpan((int)(dstBase + i0 * inner), length);
                    TensorPrimitives.MultiplyAdd(src.AsSpan((int)(srcBase + (i0 + shift) * inner), length), w[k], target, target);
                }
            }
        }
    }

    /// <summary>
    /// Applies a dense kernel directly: for each output row (last axis), every tap adds a shifted input row.
    /// Same arguments as <see cref="Separable"/>, with the kernel as row-major values over <paramref name="kernelShape"/>.
    /// </summary>
    public static double[] Direct(double[] x, int[] shape, double[] kernel, int[] kernelShape, int[] cropStart, int[] cropSize,
        CancellationToken cancellationToken = default)
    {
        int rank = shape.Length;
        var result = new double[Product(cropSize)];
        if (result.Length == 0)
        {
            return result;
        }
        if (rank == 0)
        {
            result[0] = x[0] * kernel[0];
            return result;
        }
        int taps = kernel.Length;
        // shifts[t·rank + d]: input index = output index + shift along axis d for tap t.
        var shifts = new int[taps * rank];
        var tapIndex = new int[rank];
        for (int t = 0; t < taps; t++)
        {
            for (int d = 0; d < rank; d++)
            {
                shifts[t * rank + d] = cropStart[d] + (kernelShape[d] - 1) / 2 - tapIndex[d];
            }
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++tapIndex[d] < kernelShape[d]) break;
                tapIndex[d] = 0;
            }
        }
        var srcStrides = DataArray.StridesOf(shape);
        int last = rank - 1;
        int rowLength = cropSize[last];
        long rows = result.Length / rowLength;
        var row = new int[rank];
        for (long r = 0; r < rows; r++)
        {
            if ((r & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var target = result.AsSpan((int)(r * rowLength), rowLength);
            for (int t = 0; t < taps; t++)
            {
                long srcOffset = 0;
                bool inside = true;
                for (int d = 0; d < last; d++)
                {
                    int si = row[d] + shifts[t * rank + d];
                    if (si < 0 || si >= shape[d])
                    {
                        inside = false;
                        break;
                    }
                    srcOffset += si * srcStrides[d];
                }
                if (!inside)
                {
                    continue;
                }
                int shift = shifts[t * rank + last];
                int i0 = Math.Max(0, -shift);
                int i1 = Math.Min(rowLength, shape[last] - shift);
                if (i1 <= i0)
                {
                    continue;
                }
                var span = target[i0..i1];
                TensorPrimitives.MultiplyAdd(x.AsSpan((int)(srcOffset + i0 + shift), i1 - i0), kernel[t], span, span);
            }
            for (int d = last - 1; d >= 0; d--)
            {
                if (++row[d] < cropSize[d]) break;
                row[d] = 0;
            }
        }
        return result;
    }

    private static int Product(int[] shape)
    {
        long p = 1;
        foreach (var s in shape) p *= s;
        return checked((int)p);
    }
}
