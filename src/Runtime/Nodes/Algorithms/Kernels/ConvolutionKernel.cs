namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// A convolution kernel with one named axis per dim. Kept as 1-D factors when it is an outer product (every
/// <c>kernel_type</c> kernel, and explicit kernels that factor exactly), so that it can be applied axis by axis;
/// the dense array is built only when the direct path needs it. Immutable.
/// </summary>
internal sealed class ConvolutionKernel
{
    /// <summary>Largest relative error of an explicit kernel's factorisation that still counts as an outer product.</summary>
    private const double FactorTolerance = 1e-15;

    private readonly string[] _dims;
    private readonly int[] _shape;
    private readonly double[][]? _factors;
    private double[]? _dense;

    private ConvolutionKernel(string[] dims, int[] shape, double[]? dense, double[][]? factors)
    {
        _dims = dims;
        _shape = shape;
        _dense = dense;
        _factors = factors;
    }

    /// <summary>The dim of each axis.</summary>
    public IReadOnlyList<string> Dims => _dims;

    /// <summary>The number of taps along each axis.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of axes.</summary>
    public int Rank => _dims.Length;

    /// <summary>One 1-D factor per axis whose outer product is the kernel, or null when it does not factor.</summary>
    public IReadOnlyList<double[]>? Factors => _factors;

    /// <summary>The kernel values, row-major over <see cref="Shape"/>.</summary>
    public double[] Dense => _dense ??= Outer(_factors!, _shape);

    /// <summary>An explicit kernel, used as given; factored when it is an exact outer product.</summary>
    public static ConvolutionKernel FromArray(string[] dims, int[] shape, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(dims.Length, shape.Length);
        return new ConvolutionKernel(dims, shape, values, TryFactor(values, shape));
    }

    /// <summary>PODPAC's <c>kernel_type</c> kernel: the outer product of <paramref name="window"/> along every dim, divided by its sum.</summary>
    public static ConvolutionKernel FromWindow(string[] dims, double[] window)
    {
        double sum = 0;
        foreach (var w in window) sum += w;
        var factor = new double[window.Length];
        for (int i = 0; i < factor.Length; i++) factor[i] = window[i] / sum;
        var factors = new double[dims.Length][];
        var shape = new int[dims.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            factors[d] = factor;
            shape[d] = factor.Length;
        }
        return dims.Length == 0
            ? new ConvolutionKernel([], [], [1.0], null)
            : new ConvolutionKernel(dims, shape, null, factors);
    }

    /// <summary>
    /// The kernel fitted to a source with <paramref name="sourceDims"/>: axes whose dims the source lacks are summed
    /// away, the rest follow the source's order, and every other source dim gets one tap of weight 1.
    /// </summary>
    public ConvolutionKernel Fit(IReadOnlyList<string> sourceDims)
    {
        int rank = sourceDims.Count;
        var axisOf = new int[rank];
        var shape = new int[rank];
        for (int j = 0; j < rank; j++)
        {
            axisOf[j] = Array.IndexOf(_dims, sourceDims[j]);
            shape[j] = axisOf[j] >= 0 ? _shape[axisOf[j]] : 1;
        }
        var dims = sourceDims.ToArray();
        if (_factors is not null)
        {
            double scale = 1;
            for (int a = 0; a < _dims.Length; a++)
            {
                if (!sourceDims.Contains(_dims[a]))
                {
                    double s = 0;
                    foreach (var w in _factors[a]) s += w;
                    scale *= s;
                }
            }
            if (rank == 0)
            {
                return new ConvolutionKernel([], [], [scale], null);
            }
            var factors = new double[rank][];
            for (int j = 0; j < rank; j++)
            {
                factors[j] = axisOf[j] >= 0 ? _factors[axisOf[j]] : [1.0];
            }
            if (scale != 1)
            {
                factors[0] = (double[])factors[0].Clone();
                for (int i = 0; i < factors[0].Length; i++) factors[0][i] *= scale;
            }
            return new ConvolutionKernel(dims, shape, null, factors);
        }

        // Dense: sum away the axes the source lacks, then permute the rest into the source's order.
        var values = _dense!;
        var keptDims = new List<string>(_dims);
        var keptShape = new List<int>(_shape);
        for (int a = keptDims.Count - 1; a >= 0; a--)
        {
            if (!sourceDims.Contains(keptDims[a]))
            {
                values = SumAxis(values, keptShape.ToArray(), a);
                keptDims.RemoveAt(a);
                keptShape.RemoveAt(a);
            }
        }
        var order = sourceDims.Where(keptDims.Contains).Select(d => keptDims.IndexOf(d)).ToArray();
        var strides = DataArray.StridesOf(keptShape.ToArray());
        var permutedShape = order.Select(o => keptShape[o]).ToArray();
        var permuted = new double[values.Length];
        DataArray.Permute(values, permuted, permutedShape, order.Select(o => strides[o]).ToArray());
        // Unit axes for the source's other dims do not move any value in row-major order.
        return new ConvolutionKernel(dims, shape, permuted, TryFactor(permuted, shape));
    }

    private static double[] SumAxis(double[] values, int[] shape, int axis)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        int n = shape[axis];
        var result = new double[outer * inner];
        for (long o = 0; o < outer; o++)
        {
            for (int i = 0; i < n; i++)
            {
                for (long j = 0; j < inner; j++)
                {
                    result[o * inner + j] += values[(o * n + i) * inner + j];
                }
            }
        }
        return result;
    }

    private static double[] Outer(double[][] factors, int[] shape)
    {
        long size = 1;
        foreach (var s in shape) size *= s;
        var r = new double[size];
        r.AsSpan().Fill(1.0);
        var strides = DataArray.StridesOf(shape);
        for (int d = 0; d < factors.Length; d++)
        {
            for (long i = 0; i < size; i++)
            {
                r[i] *= factors[d][i / strides[d] % shape[d]];
            }
        }
        return r;
    }

    /// <summary>
    /// Factors through the largest entry: axis 0's factor is the fibre through it, every other axis' factor is its
    /// fibre divided by the pivot. Accepted only if the outer product reproduces every entry to
    /// <see cref="FactorTolerance"/> of the largest; NaN or infinite entries never factor.
    /// </summary>
    private static double[][]? TryFactor(double[] values, int[] shape)
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            return null;
        }
        if (rank == 1)
        {
            foreach (var v in values)
            {
                if (!double.IsFinite(v)) return null;
            }
            return [values];
        }
        long pivot = -1;
        double max = -1;
        for (long i = 0; i < values.Length; i++)
        {
            double a = Math.Abs(values[i]);
            if (!double.IsFinite(a)) return null;
            if (a > max)
            {
                max = a;
                pivot = i;
            }
        }
        var strides = DataArray.StridesOf(shape);
        var factors = new double[rank][];
        if (max == 0)
        {
            for (int d = 0; d < rank; d++)
            {
                factors[d] = new double[shape[d]];
                if (d > 0) factors[d].AsSpan().Fill(1.0);
            }
            return factors;
        }
        double p = values[pivot];
        for (int d = 0; d < rank; d++)
        {
            long at = pivot / strides[d] % shape[d];
            long baseOffset = pivot - at * strides[d];
            var f = new double[shape[d]];
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = values[baseOffset + i * strides[d]];
                if (d > 0) f[i] /= p;
            }
            factors[d] = f;
        }
        var rebuilt = Outer(factors, shape);
        double tolerance = FactorTolerance * max;
        for (long i = 0; i < values.Length; i++)
        {
            if (!(Math.Abs(rebuilt[i] - values[i]) <= tolerance)) return null;
        }
        return factors;
    }
}
