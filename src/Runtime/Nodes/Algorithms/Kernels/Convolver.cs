using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// N-d true convolution (flipped kernel, zero outside the input), computed only on a crop of the "same"-mode
/// output: <c>out[o] = Σ_k K[k]·x[start + o + (s−1)/2 − k]</c> per axis, as <c>scipy.signal.convolve(mode="same")</c>
/// followed by slicing. Every tap is multiplied in, zero weights included, so a NaN anywhere in a window makes that
/// output NaN (NaN·0 is NaN) at O(n·k) cost with no separate NaN bookkeeping. Every inner loop is one
/// <see cref="AddScaled"/> (a <see cref="Vector{T}"/> multiply-add) over a contiguous run.
/// </summary>
internal static class Convolver
{
    /// <summary>Elements of output kept hot while every tap of a pass is added to them.</summary>
    private const int TileElements = 4096;

    /// <summary>Elements of input (along axis 0) handled per block of the separable path.</summary>
    private const int BlockElements = 1 << 16;

    /// <summary>
    /// Applies an outer-product kernel one axis at a time, so the cost is <c>n·Σs</c> rather than <c>n·Πs</c>. The
    /// output is produced in blocks along axis 0: each block runs the axis-0 pass from the input into a small scratch
    /// slab, the passes of the other axes within the slab, and the last pass straight into the result, so no
    /// full-size intermediate array is ever allocated.
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
        var result = new double[Product(cropSize)];
        if (result.Length == 0)
        {
            return result;
        }
        int rowIn = Product(shape.AsSpan(1));
        int rowOut = Product(cropSize.AsSpan(1));
        int lastPass = -1;
        for (int d = 1; d < rank; d++)
        {
            if (!IsIdentity(factors[d], cropStart[d], cropSize[d], shape[d])) lastPass = d;
        }
        bool copyAxis0 = factors[0] is [1.0];
        int block = Math.Clamp(BlockElements / Math.Max(rowIn, 1), 1, cropSize[0]);
        var scratch = new[] { ArrayPool<double>.Shared.Rent(block * rowIn), ArrayPool<double>.Shared.Rent(block * rowIn) };
        try
        {
            var curShape = new int[rank];
            for (int b0 = 0; b0 < cropSize[0]; b0 += block)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(block, cropSize[0] - b0);
                var output = result.AsSpan(b0 * rowOut, rows * rowOut);
                shape.CopyTo(curShape, 0);
                curShape[0] = rows;
                ReadOnlySpan<double> current;
                int inScratch = -1;
                if (copyAxis0)
                {
                    // One tap of weight 1: the slab is the input's rows themselves.
                    current = x.AsSpan((cropStart[0] + b0) * rowIn, rows * rowIn);
                }
                else
                {
                    var target = lastPass < 0 ? output : Clear(scratch[0].AsSpan(0, rows * rowIn));
                    var w = factors[0];
                    Pass(x, shape, 0, w, cropStart[0] + (w.Length - 1) / 2, b0, b0 + rows, target);
                    current = target;
                    inScratch = lastPass < 0 ? -1 : 0;
                    if (lastPass < 0) continue;
                }
                for (int d = 1; d < rank; d++)
                {
                    var w = factors[d];
                    if (!IsIdentity(w, cropStart[d], cropSize[d], shape[d]))
                    {
                        int next = inScratch == 0 ? 1 : 0;
                        int size = Product(curShape) / curShape[d] * cropSize[d];
                        var target = d == lastPass ? output : Clear(scratch[next].AsSpan(0, size));
                        Pass(current, curShape, d, w, cropStart[d] + (w.Length - 1) / 2, 0, cropSize[d], target);
                        current = target;
                        inScratch = d == lastPass ? -1 : next;
                        curShape[d] = cropSize[d];
                    }
                }
                if (lastPass < 0)
                {
                    // Every axis was the identity: the block is a plain copy of the input rows.
                    current.CopyTo(output);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch[0]);
            ArrayPool<double>.Shared.Return(scratch[1]);
        }
        return result;
    }

    private static bool IsIdentity(double[] w, int cropStart, int cropSize, int size) =>
        w is [1.0] && cropStart == 0 && cropSize == size;

    private static Span<double> Clear(Span<double> span)
    {
        span.Clear();
        return span;
    }

    /// <summary>
    /// One axis of a separable convolution, for output indices <c>[iStart, iEnd)</c> along <paramref name="axis"/>:
    /// <c>dst[.., i − iStart, ..] += Σ_k w[k]·src[.., i + offset − k, ..]</c>, zero outside <paramref name="src"/>.
    /// </summary>
    private static void Pass(ReadOnlySpan<double> src, ReadOnlySpan<int> srcShape, int axis, double[] w, int offset, int iStart, int iEnd,
        Span<double> dst)
    {
        int outer = Product(srcShape[..axis]);
        int inner = Product(srcShape[(axis + 1)..]);
        int n = srcShape[axis];
        int m = iEnd - iStart;
        int tile = Math.Max(1, TileElements / Math.Max(inner, 1));
        for (int o = 0; o < outer; o++)
        {
            int srcBase = o * n * inner;
            int dstBase = o * m * inner;
            for (int t0 = iStart; t0 < iEnd; t0 += tile)
            {
                int t1 = Math.Min(iEnd, t0 + tile);
                for (int k = 0; k < w.Length; k++)
                {
                    int shift = offset - k;
                    int i0 = Math.Max(t0, -shift);
                    int i1 = Math.Min(t1, n - shift);
                    if (i1 <= i0)
                    {
                        continue;
                    }
                    int length = (i1 - i0) * inner;
                    AddScaled(dst.Slice(dstBase + (i0 - iStart) * inner, length), src.Slice(srcBase + (i0 + shift) * inner, length), w[k]);
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
                AddScaled(span, x.AsSpan((int)(srcOffset + i0 + shift), i1 - i0), kernel[t]);
            }
            for (int d = last - 1; d >= 0; d--)
            {
                if (++row[d] < cropSize[d]) break;
                row[d] = 0;
            }
        }
        return result;
    }

    /// <summary><c>target[i] += source[i]·weight</c> (multiply, then add: no fused rounding).</summary>
    /// <remarks>
    /// Compiled fully optimised from the first call: a node evaluates a large grid in a handful of calls, so waiting
    /// for tiered compilation (as a generic TensorPrimitives call would) costs seconds on the first evaluation.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double weight)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var w = new Vector<double>(weight);
            var t = MemoryMarshal.Cast<double, Vector<double>>(target);
            var s = MemoryMarshal.Cast<double, Vector<double>>(source[..target.Length]);
            for (int v = 0; v < t.Length; v++)
            {
                t[v] += s[v] * w;
            }
            i = t.Length * Vector<double>.Count;
        }
        for (; i < target.Length; i++)
        {
            target[i] += source[i] * weight;
        }
    }

    private static int Product(ReadOnlySpan<int> shape)
    {
        long p = 1;
        foreach (var s in shape) p *= s;
        return checked((int)p);
    }
}
