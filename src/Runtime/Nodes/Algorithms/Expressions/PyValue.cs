using System.Globalization;
using System.Numerics;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// A Python-level constant (<c>bool</c>, <c>int</c> or <c>float</c>) with CPython operator semantics.
/// numexpr builds its expression by running the equation through Python <c>eval</c>, so operators whose
/// operands are both plain literals are evaluated by Python itself: exact big integers, <c>ZeroDivisionError</c>
/// for <c>1/0</c>, complex results for <c>(-8)**0.5</c>, and so on. Those errors become
/// <see cref="ExpressionException"/>s here.
/// </summary>
internal readonly struct PyValue
{
    /// <summary>Largest integer (in bits) a literal-only computation may produce before it is rejected.</summary>
    private const long MaxIntegerBits = 1 << 16;

    private static readonly BigInteger TwoPow53 = BigInteger.One << 53;

    private PyValue(PyType type, BigInteger integer, double @float)
    {
        Type = type;
        Integer = integer;
        Float = @float;
    }

    /// <summary>The Python type.</summary>
    public PyType Type { get; }

    /// <summary>The value of a <c>bool</c> (0 or 1) or an <c>int</c>.</summary>
    public BigInteger Integer { get; }

    /// <summary>The value of a <c>float</c>.</summary>
    public double Float { get; }

    /// <summary>True for <c>bool</c> and <c>int</c>.</summary>
    public bool IsIntegral => Type != PyType.Float;

    /// <summary>Python truthiness (<c>NaN</c> is true).</summary>
    public bool IsTruthy => Type == PyType.Float ? Float != 0 : !Integer.IsZero;

    /// <summary>numexpr's kind for a constant of this value.</summary>
    public ExprKind Kind => Type switch
    {
        PyType.Bool => ExprKind.Bool,
        PyType.Int => ExprKind.Int,
        _ => ExprKind.Double,
    };

    /// <summary>A Python <c>bool</c>.</summary>
    public static PyValue FromBool(bool value) => new(PyType.Bool, value ? BigInteger.One : BigInteger.Zero, 0);

    /// <summary>A Python <c>int</c>.</summary>
    public static PyValue FromInt(BigInteger value) => new(PyType.Int, value, 0);

    /// <summary>A Python <c>float</c>.</summary>
    public static PyValue FromFloat(double value) => new(PyType.Float, BigInteger.Zero, value);

    /// <summary>Converts to a double like Python <c>float(x)</c>; false when an int is too large for a float.</summary>
    public bool TryToDouble(out double value)
    {
        if (Type == PyType.Float)
        {
            value = Float;
            return true;
        }

        value = IntegerToDouble(Integer);
        return !double.IsInfinity(value);
    }

    /// <summary>Python <c>repr</c> of the value.</summary>
    public override string ToString() => Type switch
    {
        PyType.Bool => Integer.IsZero ? "False" : "True",
        PyType.Int => Integer.ToString(CultureInfo.InvariantCulture),
        _ => PythonFormat.FormatFloat(Float),
    };

    /// <summary>Python <c>a + b</c>.</summary>
    public static PyValue Add(PyValue a, PyValue b, int position) => a.IsIntegral && b.IsIntegral
        ? CheckedInt(a.Integer + b.Integer, position)
        : FromFloat(a.AsFloat(position) + b.AsFloat(position));

    /// <summary>Python <c>a - b</c>.</summary>
    public static PyValue Subtract(PyValue a, PyValue b, int position) => a.IsIntegral && b.IsIntegral
        ? CheckedInt(a.Integer - b.Integer, position)
        : FromFloat(a.AsFloat(position) - b.AsFloat(position));

    /// <summary>Python <c>a * b</c>.</summary>
    public static PyValue Multiply(PyValue a, PyValue b, int position)
    {
        if (a.IsIntegral && b.IsIntegral)
        {
            if (a.Integer.GetBitLength() + b.Integer.GetBitLength() > MaxIntegerBits)
            {
                throw TooLarge(position);
            }

            return FromInt(a.Integer * b.Integer);
        }

        return FromFloat(a.AsFloat(position) * b.AsFloat(position));
    }

    /// <summary>Python <c>a / b</c> (true division).</summary>
    public static PyValue TrueDivide(PyValue a, PyValue b, int position)
    {
        if (a.IsIntegral && b.IsIntegral)
        {
            if (b.Integer.IsZero)
            {
                throw Error("division by zero", position);
            }

            var q = IntegerTrueDivide(a.Integer, b.Integer);
            if (double.IsInfinity(q))
            {
                throw Error("integer division result too large for a float", position);
            }

            return FromFloat(q);
        }

        var x = a.AsFloat(position);
        var y = b.AsFloat(position);
        if (y == 0)
        {
            throw Error("float division by zero", position);
        }

        return FromFloat(x / y);
    }

    /// <summary>Python <c>a // b</c> (floor division).</summary>
    public static PyValue FloorDivide(PyValue a, PyValue b, int position)
    {
        if (a.IsIntegral && b.IsIntegral)
        {
            if (b.Integer.IsZero)
            {
                throw Error("integer division or modulo by zero", position);
            }

            var q = BigInteger.DivRem(a.Integer, b.Integer, out var r);
            if (!r.IsZero && r.Sign != b.Integer.Sign)
            {
                q -= BigInteger.One;
            }

            return FromInt(q);
        }

        var x = a.AsFloat(position);
        var y = b.AsFloat(position);
        if (y == 0)
        {
            throw Error("float floor division by zero", position);
        }

        return FromFloat(FloatFloorDivide(x, y));
    }

    /// <summary>Python <c>a % b</c> (result takes the sign of the divisor).</summary>
    public static PyValue Modulo(PyValue a, PyValue b, int position)
    {
        if (a.IsIntegral && b.IsIntegral)
        {
            if (b.Integer.IsZero)
            {
                throw Error("integer modulo by zero", position);
            }

            var r = BigInteger.Remainder(a.Integer, b.Integer);
            if (!r.IsZero && r.Sign != b.Integer.Sign)
            {
                r += b.Integer;
            }

            return FromInt(r);
        }

        var x = a.AsFloat(position);
        var y = b.AsFloat(position);
        if (y == 0)
        {
            throw Error("float modulo by zero", position);
        }

        return FromFloat(FloatModulo(x, y));
    }

    /// <summary>Python <c>a ** b</c>.</summary>
    public static PyValue Power(PyValue a, PyValue b, int position)
    {
        if (a.IsIntegral && b.IsIntegral && b.Integer.Sign >= 0)
        {
            return IntegerPower(a.Integer, b.Integer, position);
        }

        // int ** negative int and anything involving a float go through float.__pow__.
        return FromFloat(FloatPower(a.AsFloat(position), b.AsFloat(position), position));
    }

    /// <summary>Python unary <c>-a</c>.</summary>
    public static PyValue Negate(PyValue a) => a.IsIntegral ? FromInt(-a.Integer) : FromFloat(-a.Float);

    /// <summary>Python unary <c>+a</c>.</summary>
    public static PyValue Plus(PyValue a) => a.IsIntegral ? FromInt(a.Integer) : a;

    /// <summary>Python unary <c>~a</c> (bitwise inversion of an int; a TypeError for a float).</summary>
    public static PyValue Invert(PyValue a, int position)
    {
        if (!a.IsIntegral)
        {
            throw Error("bad operand type for unary ~: 'float'", position);
        }

        return FromInt(-a.Integer - BigInteger.One);
    }

    /// <summary>Python <c>a &amp; b</c> (bitwise; <c>bool &amp; bool</c> stays a bool).</summary>
    public static PyValue BitAnd(PyValue a, PyValue b, int position)
    {
        RequireIntegral(a, b, "&", position);
        return a.Type == PyType.Bool && b.Type == PyType.Bool
            ? FromBool(!a.Integer.IsZero && !b.Integer.IsZero)
            : FromInt(a.Integer & b.Integer);
    }

    /// <summary>Python <c>a | b</c> (bitwise; <c>bool | bool</c> stays a bool).</summary>
    public static PyValue BitOr(PyValue a, PyValue b, int position)
    {
        RequireIntegral(a, b, "|", position);
        return a.Type == PyType.Bool && b.Type == PyType.Bool
            ? FromBool(!a.Integer.IsZero || !b.Integer.IsZero)
            : FromInt(a.Integer | b.Integer);
    }

    /// <summary>Python comparison of two numbers (exact between ints and floats; NaN compares false except for !=).</summary>
    public static PyValue Compare(ExprOp op, PyValue a, PyValue b)
    {
        // c: -1, 0, 1, or 2 for unordered (NaN involved).
        int c;
        if (a.IsIntegral && b.IsIntegral)
        {
            c = a.Integer.CompareTo(b.Integer);
        }
        else if (!a.IsIntegral && !b.IsIntegral)
        {
            c = double.IsNaN(a.Float) || double.IsNaN(b.Float) ? 2 : a.Float.CompareTo(b.Float);
        }
        else if (a.IsIntegral)
        {
            c = CompareIntegerToFloat(a.Integer, b.Float);
        }
        else
        {
            c = CompareIntegerToFloat(b.Integer, a.Float);
            c = c == 2 ? 2 : -c;
        }

        var result = op switch
        {
            ExprOp.Lt => c == -1,
            ExprOp.Le => c is -1 or 0,
            ExprOp.Gt => c == 1,
            ExprOp.Ge => c is 1 or 0,
            ExprOp.Eq => c == 0,
            ExprOp.Ne => c != 0,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
        return FromBool(result);
    }

    /// <summary>CPython's <c>float_pow</c>: C pow plus the cases where Python raises instead.</summary>
    internal static double FloatPower(double x, double y, int position)
    {
        if (y == 0 || double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x) || double.IsInfinity(y))
        {
            // C99 pow gives exactly Python's results here (x**0 = 1, 1**nan = 1, inf cases).
            return Math.Pow(x, y);
        }

        if (x == 0 && y < 0)
        {
            throw Error("0.0 cannot be raised to a negative power", position);
        }

        if (x < 0 && y != Math.Floor(y))
        {
            throw Error("a negative number raised to a fractional power gives a complex number, which is not supported", position);
        }

        var r = Math.Pow(x, y);
        if (double.IsInfinity(r))
        {
            throw Error("numerical result out of range (overflow in '**')", position);
        }

        return r;
    }

    /// <summary>CPython's float <c>%</c>.</summary>
    internal static double FloatModulo(double x, double y)
    {
        var mod = x % y;
        if (mod != 0)
        {
            if ((y < 0) != (mod < 0))
            {
                mod += y;
            }
        }
        else
        {
            mod = Math.CopySign(0.0, y);
        }

        return mod;
    }

    /// <summary>CPython's float <c>//</c>.</summary>
    internal static double FloatFloorDivide(double x, double y)
    {
        var mod = x % y;
        var div = (x - mod) / y;
        if (mod != 0)
        {
            if ((y < 0) != (mod < 0))
            {
                div -= 1.0;
            }
        }

        if (div != 0)
        {
            var floorDiv = Math.Floor(div);
            if (div - floorDiv > 0.5)
            {
                floorDiv += 1.0;
            }

            return floorDiv;
        }

        return Math.CopySign(0.0, x / y);
    }

    /// <summary>Correctly rounded int → float conversion (±Infinity when too large).</summary>
    internal static double IntegerToDouble(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return (long)value;
        }

        // double.Parse rounds correctly; BigInteger's explicit conversion does not always.
        return double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private double AsFloat(int position)
    {
        if (!TryToDouble(out var value))
        {
            throw Error("int too large to convert to float", position);
        }

        return value;
    }

    private static PyValue CheckedInt(BigInteger value, int position)
    {
        if (value.GetBitLength() > MaxIntegerBits)
        {
            throw TooLarge(position);
        }

        return FromInt(value);
    }

    private static PyValue IntegerPower(BigInteger a, BigInteger b, int position)
    {
        if (b.IsZero)
        {
            return FromInt(BigInteger.One);
        }

        if (a.IsZero || a.IsOne)
        {
            return FromInt(a);
        }

        if (a == BigInteger.MinusOne)
        {
            return FromInt(b.IsEven ? BigInteger.One : BigInteger.MinusOne);
        }

        if (b > MaxIntegerBits || a.GetBitLength() * (long)b > MaxIntegerBits + 64)
        {
            throw TooLarge(position);
        }

        return CheckedInt(BigInteger.Pow(a, (int)b), position);
    }

    private static double IntegerTrueDivide(BigInteger a, BigInteger b)
    {
        if (BigInteger.Abs(a) <= TwoPow53 && BigInteger.Abs(b) <= TwoPow53)
        {
            // Both exactly representable: IEEE division is correctly rounded, like Python's.
            return (double)(long)a / (long)b;
        }

        var negative = a.Sign * b.Sign < 0;
        var x = BigInteger.Abs(a);
        var y = BigInteger.Abs(b);
        var shift = (int)Math.Clamp(66 + y.GetBitLength() - x.GetBitLength(), -(MaxIntegerBits * 2), MaxIntegerBits * 2);
        var q = shift >= 0 ? (x << shift) / y : x / (y << -shift);
        var r = Math.ScaleB(IntegerToDouble(q), -shift);
        return negative ? -r : r;
    }

    private static int CompareIntegerToFloat(BigInteger i, double f)
    {
        if (double.IsNaN(f))
        {
            return 2;
        }

        if (double.IsInfinity(f))
        {
            return f > 0 ? -1 : 1;
        }

        var floor = Math.Floor(f);
        var c = i.CompareTo(new BigInteger(floor));
        if (c != 0)
        {
            return c;
        }

        return f > floor ? -1 : 0;
    }

    private static void RequireIntegral(PyValue a, PyValue b, string op, int position)
    {
        if (!a.IsIntegral || !b.IsIntegral)
        {
            throw Error(
                $"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}' at position {position}; "
                + $"'{op}' combines comparison results, e.g. (A > 0) {op} (B < 1)",
                position,
                appendPosition: false);
        }
    }

    private static string TypeName(PyValue v) => v.Type switch
    {
        PyType.Bool => "bool",
        PyType.Int => "int",
        _ => "float",
    };

    private static ExpressionException TooLarge(int position) =>
        Error("integer constant too large", position);

    private static ExpressionException Error(string message, int position, bool appendPosition = true) =>
        new(appendPosition && position >= 0 ? $"{message} at position {position}" : message, position);
}
