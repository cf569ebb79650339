using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PodCache.Runtime.Nodes.Algorithms.Expressions;
using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Benchmarks;

/// <summary>Kernels over 4096 x 4096 float64: Arithmetic <c>A * 2 + B</c> and a mean-3 convolution, against hand-written TensorPrimitives loops.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelBenchmarks
{
    private const int Side = 4096;
    private double[] _a = null!, _b = null!, _out = null!;
    private ArithmeticExpression _expr = null!;
    private Dictionary<string, double[]> _inputs = null!;
    private double[] _grown = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _a = new double[Side * Side];
        _b = new double[Side * Side];
        _out = new double[Side * Side];
        for (int i = 0; i < _a.Length; i++)
        {
            _a[i] = rng.NextDouble();
            _b[i] = rng.NextDouble();
        }
        _expr = ArithmeticExpression.Parse("A * 2 + B", ["A", "B"]);
        _inputs = new() { ["A"] = _a, ["B"] = _b };
        // The convolution input is the request grown by one cell on each side (PODPAC grows before evaluating).
        _grown = new double[(Side + 2) * (Side + 2)];
        for (int i = 0; i < _grown.Length; i++) _grown[i] = rng.NextDouble();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("arithmetic")]
    public double HandWrittenMultiplyAdd()
    {
        TensorPrimitives.MultiplyAdd(_a, 2.0, _b, _out);
        return _out[^1];
    }

    [Benchmark]
    [BenchmarkCategory("arithmetic")]
    public double PodCacheArithmetic()
    {
        _expr.Evaluate(_inputs, _out);
        return _out[^1];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("convolution")]
    public double HandWrittenSeparableMean3()
    {
        int w = Side + 2;
        var rows = new double[Side * w];
        // Vertical pass: three rows added, then the horizontal pass on each row, scaled by 1/9.
        for (int r = 0; r < Side; r++)
        {
            var dst = rows.AsSpan(r * w, w);
            TensorPrimitives.Add(_grown.AsSpan(r * w, w), _grown.AsSpan((r + 1) * w, w), dst);
            TensorPrimitives.Add(dst, _grown.AsSpan((r + 2) * w, w), dst);
        }
        var result = new double[Side * Side];
        for (int r = 0; r < Side; r++)
        {
            var src = rows.AsSpan(r * w, w);
            var dst = result.AsSpan(r * Side, Side);
            TensorPrimitives.Add(src[..Side], src.Slice(1, Side), dst);
            TensorPrimitives.Add(dst, src.Slice(2, Side), dst);
            TensorPrimitives.Multiply(dst, 1.0 / 9, dst);
        }
        return result[^1];
    }

    [Benchmark]
    [BenchmarkCategory("convolution")]
    public double PodCacheSeparableMean3()
    {
        var third = new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
        var r = Convolver.Separable(_grown, [Side + 2, Side + 2], [third, third], [1, 1], [Side, Side]);
        return r[^1];
    }
}
