using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// Element-wise kernels over spans, one per expression operation. Operands are spans of the destination's
/// length or scalars; a destination may be the very same span as an operand (in-place), never a partial overlap.
/// Uses <see cref="TensorPrimitives"/> where it is exact enough (it is not for sinh, cosh, tanh, expm1,
/// log1p and fmod, which use scalar loops), and hand-written <see cref="Vector{T}"/> loops for comparisons,
/// logical operators, numexpr's modulo and <c>where</c>.
/// </summary>
internal static class ExprKernels
{
    private interface ISource
    {
        Vector<double> Load(int i);

        double Get(int i);
    }

    private interface IBinaryOp
    {
        static abstract double Apply(double a, double b);

        static abstract Vector<double> Apply(Vector<double> a, Vector<double> b);
    }

    /// <summary>Applies a one-argument operation.</summary>
    public static void Unary(ExprOp op, ExprOperand x, Span<double> d)
    {
        if (x.IsScalar)
        {
            Span<double> t = [x.Scalar];
            Unary(op, new ExprOperand(t), t);
            d.Fill(t[0]);
            return;
        }

        var s = x.Span;
        switch (op)
        {
            case ExprOp.Neg:
                TensorPrimitives.Negate(s, d);
                return;
            case ExprOp.Not:
                Not(s, d);
                return;
            case ExprOp.Sin:
                TensorPrimitives.Sin(s, d);
                return;
            case ExprOp.Cos:
                TensorPrimitives.Cos(s, d);
                return;
            case ExprOp.Tan:
                TensorPrimitives.Tan(s, d);
                return;
            case ExprOp.Arcsin:
                TensorPrimitives.Asin(s, d);
                return;
            case ExprOp.Arccos:
                TensorPrimitives.Acos(s, d);
                return;
            case ExprOp.Arctan:
                TensorPrimitives.Atan(s, d);
                return;
            case ExprOp.Arcsinh:
                TensorPrimitives.Asinh(s, d);
                return;
            case ExprOp.Arccosh:
                TensorPrimitives.Acosh(s, d);
                return;
            case ExprOp.Arctanh:
                TensorPrimitives.Atanh(s, d);
                return;
            case ExprOp.Exp:
                TensorPrimitives.Exp(s, d);
                return;
            case ExprOp.Log:
                TensorPrimitives.Log(s, d);
                return;
            case ExprOp.Log10:
                TensorPrimitives.Log10(s, d);
                return;
            case ExprOp.Sqrt:
                TensorPrimitives.Sqrt(s, d);
                return;
            case ExprOp.Abs:
                TensorPrimitives.Abs(s, d);
                return;
            case ExprOp.Floor:
                TensorPrimitives.Floor(s, d);
                return;
            case ExprOp.Ceil:
                TensorPrimitives.Ceiling(s, d);
                return;

            // TensorPrimitives' vectorised sinh/cosh/tanh/expm1 lose precision (sinh(1e-10) is off by 1e-7
            // relative, tanh(1e-300) gives -0): use the C library through Math, and accurate expm1/log1p.
            case ExprOp.Sinh:
                MapSinh(s, d);
                return;
            case ExprOp.Cosh:
                MapCosh(s, d);
                return;
            case ExprOp.Tanh:
                MapTanh(s, d);
                return;
            case ExprOp.Expm1:
                MapExpm1(s, d);
                return;
            case ExprOp.Log1p:
                MapLog1p(s, d);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a one-argument operation");
        }
    }

    /// <summary>Applies a two-argument operation.</summary>
    public static void Binary(ExprOp op, ExprOperand a, ExprOperand b, Span<double> d)
    {
        if (a.IsScalar && b.IsScalar)
        {
            Span<double> t = [a.Scalar];
            Binary(op, new ExprOperand(t), b, t);
            d.Fill(t[0]);
            return;
        }

        switch (op)
        {
            case ExprOp.Add:
                if (a.IsScalar)
                {
                    TensorPrimitives.Add(b.Span, a.Scalar, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Add(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Add(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Sub:
                if (a.IsScalar)
                {
                    TensorPrimitives.Subtract(a.Scalar, b.Span, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Subtract(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Subtract(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Mul:
                if (a.IsScalar)
                {
                    TensorPrimitives.Multiply(b.Span, a.Scalar, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Multiply(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Multiply(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Div:
                if (a.IsScalar)
                {
                    TensorPrimitives.Divide(a.Scalar, b.Span, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Divide(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Divide(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Pow:
                if (a.IsScalar)
                {
                    TensorPrimitives.Pow(a.Scalar, b.Span, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Pow(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Pow(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Arctan2:
                if (a.IsScalar)
                {
                    TensorPrimitives.Atan2(a.Scalar, b.Span, d);
                }
                else if (b.IsScalar)
                {
                    TensorPrimitives.Atan2(a.Span, b.Scalar, d);
                }
                else
                {
                    TensorPrimitives.Atan2(a.Span, b.Span, d);
                }

                return;
            case ExprOp.Fmod:
                // C# % on doubles is C fmod (exact). TensorPrimitives.Remainder is not exact
                // (1 % -0.3, 5.5 % inf), and Math.IEEERemainder is a different function.
                Fmod(a, b, d);
                return;
            case ExprOp.Mod:
                Run<ModOp>(a, b, d);
                return;
            case ExprOp.Lt:
                Run<LtOp>(a, b, d);
                return;
            case ExprOp.Le:
                Run<LeOp>(a, b, d);
                return;
            case ExprOp.Gt:
                Run<LtOp>(b, a, d);
                return;
            case ExprOp.Ge:
                Run<LeOp>(b, a, d);
                return;
            case ExprOp.Eq:
                Run<EqOp>(a, b, d);
                return;
            case ExprOp.Ne:
                Run<NeOp>(a, b, d);
                return;
            case ExprOp.And:
                Run<AndOp>(a, b, d);
                return;
            case ExprOp.Or:
                Run<OrOp>(a, b, d);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a two-argument operation");
        }
    }

    /// <summary><c>x * y + z</c> with two roundings (TensorPrimitives.MultiplyAdd is not fused).</summary>
    public static void MultiplyAdd(ExprOperand x, ExprOperand y, ExprOperand z, Span<double> d)
    {
        if (x.IsScalar && y.IsScalar)
        {
            var p = x.Scalar * y.Scalar;
            if (z.IsScalar)
            {
                d.Fill(p + z.Scalar);
            }
            else
            {
                TensorPrimitives.Add(z.Span, p, d);
            }

            return;
        }

        if (x.IsScalar)
        {
            var swap = x;
            x = y;
            y = swap;
        }

        if (!y.IsScalar)
        {
            if (z.IsScalar)
            {
                TensorPrimitives.MultiplyAdd(x.Span, y.Span, z.Scalar, d);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(x.Span, y.Span, z.Span, d);
            }
        }
        else if (!z.IsScalar)
        {
            TensorPrimitives.MultiplyAdd(x.Span, y.Scalar, z.Span, d);
        }
        else
        {
            TensorPrimitives.Multiply(x.Span, y.Scalar, d);
            TensorPrimitives.Add(d, z.Scalar, d);
        }
    }

    /// <summary><c>where(c, a, b)</c>: a where c is nonzero (NaN counts as nonzero), else b.</summary>
    public static void Where(ExprOperand c, ExprOperand a, ExprOperand b, Span<double> d)
    {
        if (c.IsScalar)
        {
            var pick = c.Scalar != 0 ? a : b;
            if (pick.IsScalar)
            {
                d.Fill(pick.Scalar);
            }
            else
            {
                pick.Span.CopyTo(d);
            }

            return;
        }

        var cs = new SpanSource(c.Span);
        if (a.IsScalar)
        {
            if (b.IsScalar)
            {
                Where(cs, new ScalarSource(a.Scalar), new ScalarSource(b.Scalar), d);
            }
            else
            {
                Where(cs, new ScalarSource(a.Scalar), new SpanSource(b.Span), d);
            }
        }
        else if (b.IsScalar)
        {
            Where(cs, new SpanSource(a.Span), new ScalarSource(b.Scalar), d);
        }
        else
        {
            Where(cs, new SpanSource(a.Span), new SpanSource(b.Span), d);
        }
    }

    /// <summary>Accurate <c>expm1</c> (Kahan's method; <c>double.ExpM1</c> is just <c>exp(x) - 1</c>).</summary>
    public static double Expm1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        if (double.IsPositiveInfinity(u))
        {
            return u;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>Accurate <c>log1p</c> (Goldberg's method; <c>double.LogP1</c> is just <c>log(x + 1)</c>).</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        if (double.IsPositiveInfinity(u))
        {
            return u;
        }

        return Math.Log(u) * (x / (u - 1.0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapSinh(ReadOnlySpan<double> s, Span<double> d)
    {
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Sinh(s[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCosh(ReadOnlySpan<double> s, Span<double> d)
    {
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Cosh(s[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapTanh(ReadOnlySpan<double> s, Span<double> d)
    {
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Tanh(s[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapExpm1(ReadOnlySpan<double> s, Span<double> d)
    {
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Expm1(s[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapLog1p(ReadOnlySpan<double> s, Span<double> d)
    {
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Log1p(s[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Not(ReadOnlySpan<double> s, Span<double> d)
    {
        var src = new SpanSource(s);
        ref var dst = ref MemoryMarshal.GetReference(d);
        var n = d.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                Vector.ConditionalSelect(Vector.Equals(src.Load(i), Vector<double>.Zero), Vector<double>.One, Vector<double>.Zero)
                    .StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = src.Get(i) == 0 ? 1.0 : 0.0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fmod(ExprOperand a, ExprOperand b, Span<double> d)
    {
        if (a.IsScalar)
        {
            var x = a.Scalar;
            var ys = b.Span;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = x % ys[i];
            }
        }
        else if (b.IsScalar)
        {
            var xs = a.Span;
            var y = b.Scalar;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = xs[i] % y;
            }
        }
        else
        {
            var xs = a.Span;
            var ys = b.Span;
            for (var i = 0; i < d.Length; i++)
            {
                d[i] = xs[i] % ys[i];
            }
        }
    }

    private static void Run<TOp>(ExprOperand a, ExprOperand b, Span<double> d)
        where TOp : struct, IBinaryOp
    {
        if (a.IsScalar)
        {
            Run<TOp, ScalarSource, SpanSource>(new ScalarSource(a.Scalar), new SpanSource(b.Span), d);
        }
        else if (b.IsScalar)
        {
            Run<TOp, SpanSource, ScalarSource>(new SpanSource(a.Span), new ScalarSource(b.Scalar), d);
        }
        else
        {
            Run<TOp, SpanSource, SpanSource>(new SpanSource(a.Span), new SpanSource(b.Span), d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOp, TA, TB>(TA a, TB b, Span<double> d)
        where TOp : struct, IBinaryOp
        where TA : ISource, allows ref struct
        where TB : ISource, allows ref struct
    {
        ref var dst = ref MemoryMarshal.GetReference(d);
        var n = d.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                TOp.Apply(a.Load(i), b.Load(i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = TOp.Apply(a.Get(i), b.Get(i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Where<TA, TB>(SpanSource c, TA a, TB b, Span<double> d)
        where TA : ISource, allows ref struct
        where TB : ISource, allows ref struct
    {
        ref var dst = ref MemoryMarshal.GetReference(d);
        var n = d.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                Vector.ConditionalSelect(Vector.Equals(c.Load(i), Vector<double>.Zero), b.Load(i), a.Load(i))
                    .StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = c.Get(i) != 0 ? a.Get(i) : b.Get(i);
        }
    }

    private readonly ref struct SpanSource : ISource
    {
        private readonly ref readonly double _first;

        public SpanSource(ReadOnlySpan<double> span)
        {
            _first = ref MemoryMarshal.GetReference(span);
        }

        public Vector<double> Load(int i) => Vector.LoadUnsafe(ref Unsafe.AsRef(in _first), (nuint)i);

        public double Get(int i) => Unsafe.Add(ref Unsafe.AsRef(in _first), i);
    }

    private readonly struct ScalarSource : ISource
    {
        private readonly double _value;
        private readonly Vector<double> _vector;

        public ScalarSource(double value)
        {
            _value = value;
            _vector = new Vector<double>(value);
        }

        public Vector<double> Load(int i) => _vector;

        public double Get(int i) => _value;
    }

    /// <summary>numexpr's double modulo: <c>a - floor(a/b) * b</c> (x % 0 is NaN).</summary>
    private readonly struct ModOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a - (Math.Floor(a / b) * b);

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) => a - (Vector.Floor(a / b) * b);
    }

    private readonly struct LtOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a < b ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(Vector.LessThan(a, b), Vector<double>.One, Vector<double>.Zero);
    }

    private readonly struct LeOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a <= b ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(Vector.LessThanOrEqual(a, b), Vector<double>.One, Vector<double>.Zero);
    }

    private readonly struct EqOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a == b ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(Vector.Equals(a, b), Vector<double>.One, Vector<double>.Zero);
    }

    private readonly struct NeOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a != b ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(Vector.Equals(a, b), Vector<double>.Zero, Vector<double>.One);
    }

    private readonly struct AndOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a != 0 && b != 0 ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(
                Vector.Equals(a, Vector<double>.Zero) | Vector.Equals(b, Vector<double>.Zero),
                Vector<double>.Zero,
                Vector<double>.One);
    }

    private readonly struct OrOp : IBinaryOp
    {
        public static double Apply(double a, double b) => a != 0 || b != 0 ? 1.0 : 0.0;

        public static Vector<double> Apply(Vector<double> a, Vector<double> b) =>
            Vector.ConditionalSelect(
                Vector.Equals(a, Vector<double>.Zero) & Vector.Equals(b, Vector<double>.Zero),
                Vector<double>.Zero,
                Vector<double>.One);
    }
}
