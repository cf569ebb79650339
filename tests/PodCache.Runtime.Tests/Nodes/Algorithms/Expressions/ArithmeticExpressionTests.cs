using System.Text.Json.Nodes;
using CsCheck;
using PodCache.Runtime.Nodes.Algorithms.Expressions;
using Xunit;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Expressions;

public class ArithmeticExpressionTests
{
    private const double Nan = double.NaN;
    private const double Inf = double.PositiveInfinity;

    private static double[] Eval(string eqn, params (string Name, double[] Values)[] inputs)
    {
        var expr = ArithmeticExpression.Parse(eqn, inputs.Select(i => i.Name).ToArray());
        var length = inputs.Length == 0 ? 1 : inputs[0].Values.Length;
        var output = new double[length];
        expr.Evaluate(inputs.ToDictionary(i => i.Name, i => i.Values), output);
        return output;
    }

    private static double Const(string eqn, params string[] variables)
    {
        var expr = ArithmeticExpression.Parse(eqn, variables);
        Assert.True(expr.IsConstant, $"'{eqn}' should fold to a constant but is {expr}");
        return expr.ConstantValue;
    }

    private static ExpressionException Fails(string eqn, params string[] variables) =>
        Assert.Throws<ExpressionException>(() => ArithmeticExpression.Parse(eqn, variables));

    private static void AssertClose(double expected, double actual, double relative = 1e-15)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected) || expected == 0)
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.True(
            Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R}");
    }

    private static void AssertAllClose(double[] expected, double[] actual, double relative = 1e-15)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], relative);
        }
    }

    // ------------------------------------------------------------------ conformance case 005

    [Fact]
    public void Evaluate_Case005Equation_MatchesPodpacExpected()
    {
        var parameters = new Dictionary<string, JsonNode?> { ["off"] = JsonNode.Parse("1.5"), ["k"] = JsonNode.Parse("2") };
        var eqn = PythonFormat.Substitute("-A**2 + (B - {off}) / A * {k} + B % 4 - 7/2", parameters);
        Assert.Equal("-A**2 + (B - 1.5) / A * 2 + B % 4 - 7/2", eqn);

        double[] a = [0.0, -1.0, 0.0, 4.0, Nan, 0.5, -2.0, 3.0, 1.0, 0.0, 8.0, -0.25];
        var b = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        double[] expected = [-Inf, -2.5, Inf, -15.75, Nan, 11.25, -10.0, -5.833333333333334, 8.5, Inf, -63.375, -76.5625];

        var actual = Eval(eqn, ("A", a), ("B", b));

        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]) || double.IsInfinity(expected[i]))
            {
                Assert.Equal(expected[i], actual[i]);
            }
            else
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * Math.Abs(expected[i]), $"[{i}] {actual[i]:R} != {expected[i]:R}");
            }
        }
    }

    // ------------------------------------------------------------------ precedence

    [Fact]
    public void Parse_UnaryMinusBeforePower_NegatesThePower()
    {
        Assert.Equal([-9.0, -4.0, -0.25], Eval("-A**2", ("A", [3.0, -2.0, 0.5])));
        Assert.Equal(-9.0, Const("-3**2"));
        Assert.Equal(9.0, Const("(-3)**2"));
    }

    [Fact]
    public void Parse_ChainedPower_IsRightAssociative()
    {
        Assert.Equal(512.0, Const("2**3**2"));
        Assert.Equal([512.0], Eval("A**3**2", ("A", [2.0])));
        Assert.Equal([64.0], Eval("(A**3)**2", ("A", [2.0])));
    }

    [Fact]
    public void Parse_PowerWithNegativeExponent_IsAllowed()
    {
        Assert.Equal(0.5, Const("2**-1"));
        Assert.Equal([0.25, 4.0], Eval("A**-2", ("A", [2.0, 0.5])));
        Assert.Equal([0.5], Eval("2**-A", ("A", [1.0])));
    }

    [Fact]
    public void Parse_MultiplicationBeforeAddition_FollowsPython()
    {
        Assert.Equal([7.0], Eval("A + B * C", ("A", [1.0]), ("B", [2.0]), ("C", [3.0])));
        Assert.Equal([9.0], Eval("(A + B) * C", ("A", [1.0]), ("B", [2.0]), ("C", [3.0])));
        Assert.Equal([-4.0], Eval("A - B - C", ("A", [1.0]), ("B", [2.0]), ("C", [3.0])));
        Assert.Equal([1.0 / 6.0], Eval("A / B / C", ("A", [1.0]), ("B", [2.0]), ("C", [3.0])));
        Assert.Equal([6.0], Eval("A / B * C", ("A", [4.0]), ("B", [2.0]), ("C", [3.0])));
        Assert.Equal([-2.0], Eval("-A * B", ("A", [1.0]), ("B", [2.0])));
        Assert.Equal([3.0], Eval("+A - -B", ("A", [1.0]), ("B", [2.0])));
    }

    [Fact]
    public void Parse_ComparisonBelowArithmetic_ComparesTheSums()
    {
        Assert.Equal([1.0, 0.0], Eval("A + 1 > B * 2", ("A", [4.0, 1.0]), ("B", [2.0, 1.0])));
    }

    [Fact]
    public void Parse_LogicalOperatorsOnParenthesisedComparisons_Combine()
    {
        double[] a = [1, 1, -1, -1];
        double[] b = [1, -1, 1, -1];
        Assert.Equal([1.0, 0.0, 0.0, 0.0], Eval("(A > 0) & (B > 0)", ("A", a), ("B", b)));
        Assert.Equal([1.0, 1.0, 1.0, 0.0], Eval("(A > 0) | (B > 0)", ("A", a), ("B", b)));
        Assert.Equal([0.0, 0.0, 1.0, 1.0], Eval("~(A > 0)", ("A", a)));

        // '&' binds tighter than '|', as in Python.
        Assert.Equal([1.0, 1.0, 0.0, 0.0], Eval("(A > 0) | (B > 0) & (A > 5)", ("A", a), ("B", b)));
    }

    [Fact]
    public void Parse_UnparenthesisedComparisonsAroundAmpersand_IsRejected()
    {
        // Python parses A > 0 & B > 0 as A > (0 & B) > 0, which numexpr rejects.
        var ex = Fails("A > 0 & B > 0", "A", "B");
        Assert.Contains("needs boolean operands", ex.Message, StringComparison.Ordinal);
        Assert.Equal(6, ex.Position);
    }

    [Fact]
    public void Parse_AmpersandOnNumbers_IsRejected()
    {
        var ex = Fails("A & B", "A", "B");
        Assert.Contains("'&' needs boolean operands", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Position);
        Assert.Contains("'~' needs a boolean operand", Fails("~A", "A").Message, StringComparison.Ordinal);
        Assert.Contains("'|' needs boolean operands", Fails("(A > 0) | B", "A", "B").Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ arithmetic semantics

    [Fact]
    public void Evaluate_IntegerLiteralDivision_IsTrueDivision()
    {
        Assert.Equal(3.5, Const("7/2"));
        Assert.Equal(-3.5, Const("-7/2"));
        Assert.Equal([3.5], Eval("A / 2", ("A", [7.0])));
        Assert.Equal([3.5], Eval("7 / A", ("A", [2.0])));
    }

    [Fact]
    public void Evaluate_DivisionByZero_GivesInfinityOrNaN()
    {
        Assert.Equal([Inf, -Inf, Nan, Nan], Eval("A / B", ("A", [1.0, -1.0, 0.0, Nan]), ("B", [0.0, 0.0, 0.0, 0.0])));
        Assert.Equal([Inf, -Inf, Nan], Eval("A / 0", ("A", [2.0, -2.0, 0.0])));
        Assert.Equal([Inf, -Inf], Eval("1 / A", ("A", [0.0, -0.0])));
    }

    [Fact]
    public void Parse_LiteralDivisionByZero_RaisesLikePython()
    {
        Assert.Contains("division by zero", Fails("A + 1/0", "A").Message, StringComparison.Ordinal);
        Assert.Contains("modulo by zero", Fails("A + 1 % 0", "A").Message, StringComparison.Ordinal);

        // numexpr rewrites A / 2.0 as A * (1. / 2.0); Python raises for 1. / 0.0.
        var ex = Fails("A / 0.0", "A");
        Assert.Contains("float division by zero", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Position);
    }

    [Fact]
    public void Evaluate_DivisionByFloatConstant_MultipliesByReciprocal()
    {
        var expr = ArithmeticExpression.Parse("A / 4.0", ["A"]);
        Assert.Equal("(A * 0.25)", expr.ToString());
        Assert.Equal([3.0 * (1.0 / 3.0)], Eval("A / 3.0", ("A", [3.0])));
        Assert.Equal("(A / 4)", ArithmeticExpression.Parse("A / 4", ["A"]).ToString());
    }

    [Fact]
    public void Evaluate_Modulo_TakesTheSignOfTheDivisor()
    {
        double[] a = [-2, 2, -2, 7, 5.5, -5.5, 0, 3, Nan, Inf, 1];
        double[] b = [3, -3, -3, 3, 2, 2, 5, 0, 2, 2, Nan];
        double[] expected = [1, -1, -2, 1, 1.5, 0.5, 0, Nan, Nan, Nan, Nan];
        Assert.Equal(expected, Eval("A % B", ("A", a), ("B", b)));
        Assert.Equal([0.0, 1, 2, 3, 0, 1, 2, 3], Eval("A % 4", ("A", [0.0, 1, 2, 3, 4, 5, 6, 7])));
        Assert.Equal([1.0], Eval("-2 % A", ("A", [3.0])));
    }

    [Fact]
    public void Evaluate_ModuloOnArrays_UsesNumexprFloorFormula()
    {
        double[] a = [5.3, -5.3, 1e17 + 0.0, 0.7];
        double[] b = [0.1, 0.1, 3.0, -0.2];
        var expected = a.Select((x, i) => x - (Math.Floor(x / b[i]) * b[i])).ToArray();
        Assert.Equal(expected, Eval("A % B", ("A", a), ("B", b)));
    }

    [Fact]
    public void Parse_LiteralModulo_FollowsPython()
    {
        Assert.Equal(1.0, Const("-2 % 3"));
        Assert.Equal(2.0, Const("-7 % 3"));
        Assert.Equal(-2.0, Const("7 % -3"));
        Assert.Equal(-0.5, Const("5.5 % -2"));
        Assert.Equal(1.0, Const("1 % 1e400"));
    }

    [Fact]
    public void Evaluate_Power_FollowsCPowAndNumpy()
    {
        double[] a = [Nan, 1, -8, 0, -0.0, 0, 2, -2, -1, 4];
        double[] b = [0, Nan, 1.0 / 3.0, -1, -1, 0, 0.5, 3, Inf, -0.5];
        double[] expected = [1, 1, Nan, Inf, -Inf, 1, Math.Sqrt(2), -8, 1, 0.5];
        Assert.Equal(expected, Eval("A ** B", ("A", a), ("B", b)));
    }

    [Fact]
    public void Evaluate_PowerOfConstant_ExpandsLikeNumexpr()
    {
        double[] a = [Nan, -4, 0, 3, 1.1, -0.0, Inf];
        Assert.Equal([1.0, 1, 1, 1, 1, 1, 1], Eval("A ** 0", ("A", a)));
        Assert.Equal([Nan, Nan, 0, Math.Sqrt(3), Math.Sqrt(1.1), -0.0, Inf], Eval("A ** 0.5", ("A", a)));
        Assert.Equal([Nan, -0.25, Inf, 1.0 / 3.0, 1.0 / 1.1, -Inf, 0], Eval("A ** -1", ("A", a)));
        Assert.Equal(a.Select(x => x * x * x).ToArray(), Eval("A ** 3", ("A", a)));
        Assert.Equal(a.Select(x => x * x * Math.Sqrt(x)).ToArray(), Eval("A ** 2.5", ("A", a)));
        var x7 = a.Select(x => { var p2 = x * x; var p4 = p2 * p2; return x * p2 * p4; }).ToArray();
        Assert.Equal(x7, Eval("A ** 7", ("A", a)));
        Assert.Equal(a.Select(x => 1.0 / (x * x * x)).ToArray(), Eval("A ** -3", ("A", a)));
        Assert.Equal(a.Select(x => Math.Pow(x, 51)).ToArray(), Eval("A ** 51", ("A", a)));
        Assert.Equal(a.Select(x => Math.Pow(x, 2.25)).ToArray(), Eval("A ** 2.25", ("A", a)));
    }

    [Fact]
    public void Evaluate_PowerOfSubexpression_EvaluatesTheBaseOnce()
    {
        double[] a = [1, 2, 3];
        double[] b = [0.5, 1, -2];
        var expected = a.Select((x, i) => { var s = x + b[i]; var p2 = s * s; return s * p2 * Math.Sqrt(s); }).ToArray();
        Assert.Equal(expected, Eval("(A + B) ** 3.5", ("A", a), ("B", b)));
    }

    [Fact]
    public void Parse_LiteralPowerErrors_RaiseLikePython()
    {
        Assert.Contains("negative power", Fails("0.0 ** -1").Message, StringComparison.Ordinal);
        Assert.Contains("negative power", Fails("A + 0 ** -1", "A").Message, StringComparison.Ordinal);
        Assert.Contains("complex", Fails("A * (-8) ** 0.5", "A").Message, StringComparison.Ordinal);
        Assert.Contains("out of range", Fails("A * 10.0 ** 400", "A").Message, StringComparison.Ordinal);
        Assert.Equal(1024.0, Const("2 ** 10"));
        Assert.Equal(Math.Pow(2, 100), Const("2 ** 100 * 1.0"));
    }

    [Fact]
    public void Evaluate_NaN_Propagates()
    {
        double[] a = [Nan];
        foreach (var eqn in new[] { "A + 1", "A * 0", "A - A", "A / 1", "-A", "abs(A)", "sqrt(A)", "A % 2", "2 % A", "A ** 2", "sin(A)" })
        {
            Assert.True(double.IsNaN(Eval(eqn, ("A", a))[0]), eqn);
        }
    }

    [Fact]
    public void Evaluate_Comparisons_GiveOneOrZeroAndNaNComparesFalse()
    {
        double[] a = [1, 2, 3, Nan, 2];
        double[] b = [2, 2, 2, 2, Nan];
        Assert.Equal([1.0, 0, 0, 0, 0], Eval("A < B", ("A", a), ("B", b)));
        Assert.Equal([1.0, 1, 0, 0, 0], Eval("A <= B", ("A", a), ("B", b)));
        Assert.Equal([0.0, 0, 1, 0, 0], Eval("A > B", ("A", a), ("B", b)));
        Assert.Equal([0.0, 1, 1, 0, 0], Eval("A >= B", ("A", a), ("B", b)));
        Assert.Equal([0.0, 1, 0, 0, 0], Eval("A == B", ("A", a), ("B", b)));
        Assert.Equal([1.0, 0, 1, 1, 1], Eval("A != B", ("A", a), ("B", b)));
        Assert.Equal([0.0, 0, 0, 1, 0], Eval("A != A", ("A", a)));
        Assert.Equal([1.0, 1, 0, 0, 1], Eval("2 >= A", ("A", a)));
        Assert.True(ArithmeticExpression.Parse("A < 1", ["A"]).IsBoolean);
    }

    [Fact]
    public void Evaluate_Where_PicksByNonzeroCondition()
    {
        double[] a = [2, -3, 0, Nan, -0.0];
        Assert.Equal([2.0, 3, 0, Nan, 0], Eval("where(A > 0, A, -A)", ("A", a)));
        Assert.Equal([1.0, 1, 2, 1, 2], Eval("where(A, 1, 2)", ("A", a)));
        Assert.Equal([10.0, -3, -1, -1, -1], Eval("where(A > 0, 10, where(A < -1, A, -1))", ("A", a)));
        Assert.Equal([4.0, -6, 0, Nan, -0.0], Eval("where(A != A, A, A * 2)", ("A", a)));
    }

    [Fact]
    public void Parse_WhereWithConstantCondition_SelectsAtParseTime()
    {
        var expr = ArithmeticExpression.Parse("where(1, A, B)", ["A", "B"]);
        Assert.Equal("A", expr.ToString());
        Assert.Equal(new[] { "A" }, expr.UsedVariables.ToArray());
        Assert.Equal("B", ArithmeticExpression.Parse("where(0.0, A, B)", ["A", "B"]).ToString());
        Assert.Equal(3.0, Const("where(2 > 1, 3, 4)"));
    }

    [Fact]
    public void Evaluate_Functions_MatchMathReference()
    {
        double[] x = [-3.5, -1, -0.5, -1e-10, -0.0, 0, 1e-300, 1e-10, 0.25, 0.5, 0.999, 1, 1.5, 2, 10, 100, 700, 1e10, Inf, -Inf, Nan];
        var cases = new (string Fn, Func<double, double> Reference)[]
        {
            ("sin", Math.Sin), ("cos", Math.Cos), ("tan", Math.Tan),
            ("arcsin", Math.Asin), ("arccos", Math.Acos), ("arctan", Math.Atan),
            ("sinh", Math.Sinh), ("cosh", Math.Cosh), ("tanh", Math.Tanh),
            ("arcsinh", Math.Asinh), ("arccosh", Math.Acosh), ("arctanh", Math.Atanh),
            ("exp", Math.Exp), ("log", Math.Log), ("log10", Math.Log10), ("sqrt", Math.Sqrt),
            ("abs", Math.Abs), ("floor", Math.Floor), ("ceil", Math.Ceiling),
            ("expm1", v => Math.Abs(v) < 1e-5 ? v + (v * v / 2) : Math.Exp(v) - 1),
            ("log1p", v => Math.Abs(v) < 1e-5 ? v - (v * v / 2) : Math.Log(1 + v)),
        };

        foreach (var (fn, reference) in cases)
        {
            var actual = Eval($"{fn}(A)", ("A", x));
            for (var i = 0; i < x.Length; i++)
            {
                var expected = reference(x[i]);
                if (double.IsNaN(expected) || double.IsInfinity(expected) || expected == 0)
                {
                    Assert.True(expected.Equals(actual[i]), $"{fn}({x[i]:R}) = {actual[i]:R}, expected {expected:R}");
                }
                else
                {
                    Assert.True(
                        Math.Abs(actual[i] - expected) <= 1e-14 * Math.Abs(expected),
                        $"{fn}({x[i]:R}) = {actual[i]:R}, expected {expected:R}");
                }
            }
        }
    }

    [Fact]
    public void Evaluate_Expm1AndLog1pOfTinyValues_StayAccurate()
    {
        AssertClose(1.00000000005e-10, Eval("expm1(A)", ("A", [1e-10]))[0]);
        AssertClose(9.9999999995e-11, Eval("log1p(A)", ("A", [1e-10]))[0]);
        AssertClose(1e-300, Eval("expm1(A)", ("A", [1e-300]))[0]);
        Assert.Equal([-1.0, Inf, Nan], Eval("expm1(A)", ("A", [-Inf, Inf, Nan])));
        Assert.Equal([0.0, Inf, -Inf, Nan, Nan], Eval("log1p(A)", ("A", [0.0, Inf, -1, -2, Nan])));
        Assert.Equal([Math.Log(1e300)], Eval("log1p(A)", ("A", [1e300])));
    }

    [Fact]
    public void Evaluate_TwoArgumentFunctions_MatchCLibrary()
    {
        double[] y = [1, -1, 0, -0.0, 5.5, -5.5, 1, 5.5, 3, Nan];
        double[] x = [2, -2, -1, -1, 2, 2, -0.3, Inf, 0, 1];
        Assert.Equal(y.Select((v, i) => Math.Atan2(v, x[i])).ToArray(), Eval("arctan2(A, B)", ("A", y), ("B", x)));
        double[] fmod = [1, -1, 0, -0.0, 1.5, -1.5, 1 % -0.3, 5.5, Nan, Nan];
        Assert.Equal(fmod, Eval("fmod(A, B)", ("A", y), ("B", x)));
        Assert.Equal([Math.Atan2(1, 2)], Eval("arctan2(A, 2)", ("A", [1.0])));
        Assert.Equal([Math.Atan2(2, 1)], Eval("arctan2(2, A)", ("A", [1.0])));
        Assert.Equal([-1.5], Eval("fmod(A, 2)", ("A", [-5.5])));
        Assert.Equal([1.0], Eval("fmod(7, A)", ("A", [3.0])));
    }

    [Fact]
    public void Evaluate_Case006Equation_MatchesScalarReference()
    {
        const string eqn = "where(A > 0, sqrt(A), -abs(A)) + sin(B) * exp(-B / 10) - log(1 + abs(B)) + arctan2(B, 2) + cos(B) ** 2 + tan(B / 4)";
        double[] a = [-0.8, -0.3, 0, 0.25, 0.9, Nan];
        double[] b = [-2, -1, 0, 0.5, 3, 1];
        var expected = a.Select((av, i) =>
        {
            var bv = b[i];
            var w = av > 0 ? Math.Sqrt(av) : -Math.Abs(av);
            var c = Math.Cos(bv);
            return w + (Math.Sin(bv) * Math.Exp(-bv / 10)) - Math.Log(1 + Math.Abs(bv)) + Math.Atan2(bv, 2) + (c * c) + Math.Tan(bv / 4);
        }).ToArray();
        AssertAllClose(expected, Eval(eqn, ("A", a), ("B", b)), 1e-14);
    }

    // ------------------------------------------------------------------ folding

    [Fact]
    public void Parse_LiteralSubexpressions_AreFolded()
    {
        Assert.Equal("(A * 5)", ArithmeticExpression.Parse("A * (2 + 3)", ["A"]).ToString());
        Assert.Equal("((A + 1) + 2)", ArithmeticExpression.Parse("A + 1 + 2", ["A"]).ToString());
        Assert.Equal("(A - 3.5)", ArithmeticExpression.Parse("A - 7/2", ["A"]).ToString());
        Assert.Equal(1.0, Const("sin(0) + 1"));
        Assert.Equal(Math.Sqrt(2), Const("2 ** 0.5"));
        Assert.Equal(3.0, Const("7 // 2"));
        Assert.Equal(-4.0, Const("-7 // 2"));
        Assert.Equal(1.0, Const("1 < 2 < 3"));
        Assert.Equal(0.0, Const("3 < 2 < A", "A"));
        Assert.Equal(-1.0, Const("~0"));
        Assert.Equal(2.0, Const("3 & 6"));
        Assert.Equal(1.0, Const("(1 < 2) & (2 < 3)"));
        Assert.Equal(16.0, Const("0x10"));
        Assert.Equal(1000.0, Const("1_000"));
        Assert.Equal(0.5, Const(".5"));
        Assert.Equal(1e4, Const("1e4"));
        Assert.Equal(1e-3, Const("1E-3"));
        Assert.Equal(5.0, Const("5."));
        Assert.Equal(1e16 + 2, Const("(10**16 + 1) + 1 + 0.0"));
    }

    [Fact]
    public void Parse_ChainedComparisonWithConstantPrefix_EvaluatesLikePython()
    {
        // Python: (1 < 2) and (2 < A) -> the last comparison.
        Assert.Equal([0.0, 1.0], Eval("1 < 2 < A", ("A", [1.0, 3.0])));
    }

    [Fact]
    public void Evaluate_ConstantExpression_FillsOutput()
    {
        var expr = ArithmeticExpression.Parse("2 * 3", ["A"]);
        Assert.True(expr.IsConstant);
        Assert.Empty(expr.UsedVariables);
        var output = new double[5];
        expr.Evaluate(new Dictionary<string, double[]>(), output);
        Assert.All(output, v => Assert.Equal(6.0, v));
    }

    [Fact]
    public void Parse_UsedVariables_AreThoseInTheExpression()
    {
        var expr = ArithmeticExpression.Parse("A * 2 + sin(C)", ["A", "B", "C"]);
        Assert.Equal(new[] { "A", "C" }, expr.UsedVariables.OrderBy(v => v, StringComparer.Ordinal).ToArray());
    }

    // ------------------------------------------------------------------ errors

    [Fact]
    public void Parse_UnknownVariable_ReportsNameAndPosition()
    {
        var ex = Fails("A + C", "A", "B");
        Assert.Equal("unknown variable 'C' at position 4", ex.Message);
        Assert.Equal(4, ex.Position);
    }

    [Theory]
    [InlineData("A * pi", "pi", 4)]
    [InlineData("e ** A", "e", 0)]
    [InlineData("where(True, A, 1)", "True", 6)]
    [InlineData("nan + A", "nan", 0)]
    public void Parse_NamesThatAreNotInputs_AreUnknownVariables(string eqn, string name, int position)
    {
        var ex = Fails(eqn, "A");
        Assert.Equal($"unknown variable '{name}' at position {position}", ex.Message);
        Assert.Equal(position, ex.Position);
    }

    [Fact]
    public void Parse_UnexpectedToken_ReportsTokenAndPosition()
    {
        var ex = Fails("(A + B))", "A", "B");
        Assert.Equal("unexpected token ')' at position 7", ex.Message);
        Assert.Equal(7, ex.Position);
        Assert.Equal("unexpected end of expression at position 3", Fails("A +", "A").Message);
        Assert.Equal("unexpected token '*' at position 0", Fails("* A", "A").Message);
        Assert.Equal("unexpected token 'B' at position 2", Fails("A B", "A", "B").Message);
        Assert.Contains("missing ')'", Fails("(A + 1", "A").Message, StringComparison.Ordinal);
        Assert.Contains("unexpected character '$'", Fails("A $ 1", "A").Message, StringComparison.Ordinal);
        Assert.Contains("'=' is not supported", Fails("A = 1", "A").Message, StringComparison.Ordinal);
        Assert.Contains("eqn is empty", Fails("  ", "A").Message, StringComparison.Ordinal);
        Assert.Contains("invalid number literal", Fails("2A", "A").Message, StringComparison.Ordinal);
        Assert.Contains("leading zeros", Fails("007 + A", "A").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(A > 0) and (B > 0)", "'and' is not supported; use '&'", 8)]
    [InlineData("(A > 0) or (B > 0)", "'or' is not supported; use '|'", 8)]
    [InlineData("not (A > 0)", "'not' is not supported; use '~'", 0)]
    [InlineData("A < B < 1", "chained comparisons are not supported", 6)]
    [InlineData("A // 2", "'//' is not supported", 2)]
    [InlineData("foo(A)", "unknown function 'foo'", 0)]
    [InlineData("A + where(A > 0, B)", "function 'where' takes 3 arguments", 4)]
    [InlineData("sin(A, B)", "function 'sin' takes 1 argument", 0)]
    public void Parse_UnsupportedConstructs_RaiseClearErrors(string eqn, string message, int position)
    {
        var ex = Fails(eqn, "A", "B");
        Assert.Equal(message, ex.Message);
        Assert.Equal(position, ex.Position);
    }

    [Fact]
    public void Parse_OtherUnsupportedOperators_RaiseErrors()
    {
        Assert.Contains("'^' is not supported", Fails("(A > 0) ^ (B > 0)", "A", "B").Message, StringComparison.Ordinal);
        Assert.Contains("'<<' is not supported", Fails("A << 1", "A").Message, StringComparison.Ordinal);
        Assert.Contains("conditional expressions", Fails("A if A > 0 else 0", "A").Message, StringComparison.Ordinal);
        Assert.Contains("keyword arguments", Fails("where(c=A, a=1, b=2)", "A").Message, StringComparison.Ordinal);
        Assert.Contains("function", Fails("sin + A", "A").Message, StringComparison.Ordinal);
        Assert.Contains("complex", Fails("A * 1j", "A").Message, StringComparison.Ordinal);
        Assert.Contains("string literals", Fails("A + 'x'", "A").Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ evaluation mechanics

    [Fact]
    public void Evaluate_MultiplyAdd_MatchesSeparateRoundings()
    {
        var rnd = new Random(7);
        var n = 10_000;
        var a = Enumerable.Range(0, n).Select(_ => (rnd.NextDouble() * 3) - 1).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => rnd.NextDouble() * 7).ToArray();
        var c = Enumerable.Range(0, n).Select(_ => (rnd.NextDouble() * 1e-3) - 5e-4).ToArray();
        var expr = ArithmeticExpression.Parse("A * B + C", ["A", "B", "C"]);
        Assert.Equal("((A * B) + C)", expr.ToString());
        Assert.Equal(a.Select((x, i) => (x * b[i]) + c[i]).ToArray(), Eval("A * B + C", ("A", a), ("B", b), ("C", c)));
        Assert.Equal(a.Select((x, i) => c[i] + (x * 0.3)).ToArray(), Eval("C + A * 0.3", ("A", a), ("C", c)));
        Assert.Equal(a.Select((x, i) => (x * b[i]) - 0.7).ToArray(), Eval("A * B - 0.7", ("A", a), ("B", b)));
        Assert.Equal(a.Select(x => (x * 0.3) + 2).ToArray(), Eval("A * 0.3 + 2", ("A", a)));
    }

    [Fact]
    public void Evaluate_LargeArraysAcrossChunks_MatchScalarReference()
    {
        var rnd = new Random(11);
        var n = (ArithmeticExpression.ChunkSize * 2) + 37;
        var a = Enumerable.Range(0, n).Select(_ => (rnd.NextDouble() * 20) - 10).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => (rnd.NextDouble() * 6) - 3).ToArray();
        a[5] = double.NaN;
        b[4100] = 0;
        const string eqn = "where(A > B, sqrt(abs(A)) * B + 1.5, (A - B) / (B ** 2 + 1)) % 3 - arctan2(A, B) + ((A < 0) | (B > 2)) * fmod(A, B)";
        var expected = a.Select((x, i) =>
        {
            var y = b[i];
            var w = x > y ? (Math.Sqrt(Math.Abs(x)) * y) + 1.5 : (x - y) / ((y * y) + 1);
            var mod = w - (Math.Floor(w / 3) * 3);
            var logical = x < 0 || y > 2 ? 1.0 : 0.0;
            return mod - Math.Atan2(x, y) + (logical * (x % y));
        }).ToArray();

        var actual = Eval(eqn, ("A", a), ("B", b));

        AssertAllClose(expected, actual, 1e-14);
    }

    [Fact]
    public void Evaluate_DeeplyNestedExpression_UsesFewScratchBuffers()
    {
        var expr = ArithmeticExpression.Parse("((A + 1) * (A - 1)) / ((A + 2) * (A - 2)) + sin(A) * cos(A)", ["A"]);
        Assert.True(expr.RegisterCount <= 3, $"register count {expr.RegisterCount}");
        double[] a = [0.5, 3, 10];
        var expected = a.Select(x => ((x + 1) * (x - 1) / ((x + 2) * (x - 2))) + (Math.Sin(x) * Math.Cos(x))).ToArray();
        AssertAllClose(expected, Eval(expr.Equation, ("A", a)), 1e-14);
    }

    [Fact]
    public void Evaluate_MissingOrMisalignedInput_Throws()
    {
        var expr = ArithmeticExpression.Parse("A + B", ["A", "B"]);
        Assert.Throws<ArgumentException>(() => expr.Evaluate(new Dictionary<string, double[]> { ["A"] = [1.0] }, new double[1]));
        Assert.Throws<ArgumentException>(() => expr.Evaluate(
            new Dictionary<string, double[]> { ["A"] = [1.0], ["B"] = [1.0, 2.0] }, new double[1]));
    }

    [Fact]
    public void Evaluate_EmptyOutput_DoesNothing()
    {
        var expr = ArithmeticExpression.Parse("A + 1", ["A"]);
        expr.Evaluate(new Dictionary<string, double[]> { ["A"] = [] }, Span<double>.Empty);
    }

    [Fact]
    public void Evaluate_SingleVariable_CopiesInput()
    {
        Assert.Equal([1.0, Nan, -0.0], Eval("A", ("A", [1.0, Nan, -0.0])));
        Assert.Equal([1.0, Nan, -0.0], Eval("(+A)", ("A", [1.0, Nan, -0.0])));
    }

    [Fact]
    public void Evaluate_OutputOverlappingAnInput_Throws()
    {
        var expr = ArithmeticExpression.Parse("A + 1", ["A"]);
        var a = new double[] { 1, 2, 3 };
        Assert.Throws<ArgumentException>(() => expr.Evaluate(new Dictionary<string, double[]> { ["A"] = a }, a));
    }

    [Fact]
    public void Parse_LongFlatChain_IsEvaluated()
    {
        var eqn = string.Join(" + ", Enumerable.Repeat("A", 500));
        Assert.Equal([500.0, 1000.0], Eval(eqn, ("A", [1.0, 2.0])));
    }

    [Fact]
    public void Parse_ExcessiveDepthOrNesting_IsRejected()
    {
        Assert.Contains("too complex", Fails(string.Join(" + ", Enumerable.Repeat("A", 2000)), "A").Message, StringComparison.Ordinal);
        Assert.Contains("nested too deeply", Fails(new string('(', 300) + "A" + new string(')', 300), "A").Message, StringComparison.Ordinal);
        Assert.Equal([1.0], Eval(new string('(', 100) + "A" + new string(')', 100), ("A", [1.0])));
    }

    [Fact]
    public void Parse_ArithmeticOnComparisons_IsNumericNotBoolean()
    {
        Assert.Equal([2.0, 1.0, 0.0], Eval("(A > 0) + (B > 0)", ("A", [1.0, 1.0, -1.0]), ("B", [1.0, -1.0, -1.0])));
        Assert.Equal([-1.0, 0.0], Eval("-(A > 0)", ("A", [1.0, -1.0])));
        Assert.Contains("needs boolean operands", Fails("-(A > 0) & (A < 2)", "A").Message, StringComparison.Ordinal);
        Assert.Equal([1.0, 0.0], Eval("where(A > 0, A < 2, A > -5)", ("A", [1.0, -7.0])));
        Assert.Equal([1.0, 0.0], Eval("where(A > 0, A < 2, A > -5) & (A > -100)", ("A", [1.0, -7.0])));
    }

    [Fact]
    public void Evaluate_RandomArraysOfAnyLength_MatchScalarReferenceForEveryBinaryOperator()
    {
        var specials = Gen.OneOf(0.0, -0.0, 1.0, -1.0, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 3.0, -7.25);
        var value = Gen.Frequency<double>((3, Gen.Double[-1e6, 1e6]), (1, specials), (1, Gen.Double));
        var gen = Gen.Int[0, 40].SelectMany(n => Gen.Select(value.Array[n], value.Array[n]));
        var cases = new (string Eqn, Func<double, double, double> Reference)[]
        {
            ("A + B", (x, y) => x + y),
            ("A - B", (x, y) => x - y),
            ("A * B", (x, y) => x * y),
            ("A / B", (x, y) => x / y),
            ("A % B", (x, y) => x - (Math.Floor(x / y) * y)),
            ("A ** B", Math.Pow),
            ("fmod(A, B)", (x, y) => x % y),
            ("arctan2(A, B)", Math.Atan2),
            ("A < B", (x, y) => x < y ? 1 : 0),
            ("A <= B", (x, y) => x <= y ? 1 : 0),
            ("A > B", (x, y) => x > y ? 1 : 0),
            ("A >= B", (x, y) => x >= y ? 1 : 0),
            ("A == B", (x, y) => x == y ? 1 : 0),
            ("A != B", (x, y) => x != y ? 1 : 0),
            ("(A > 0) & (B > 0)", (x, y) => x > 0 && y > 0 ? 1 : 0),
            ("(A > 0) | (B > 0)", (x, y) => x > 0 || y > 0 ? 1 : 0),
            ("where(A, B, -B)", (x, y) => x != 0 ? y : -y),
            ("A * B + A", (x, y) => (x * y) + x),
            ("A - 2.5 % B", (x, y) => x - (2.5 - (Math.Floor(2.5 / y) * y))),
            ("3 / A - B * 0.25", (x, y) => (3 / x) - (y * 0.25)),
        };

        gen.Sample(t =>
        {
            var (a, b) = t;
            foreach (var (eqn, reference) in cases)
            {
                var expected = a.Select((x, i) => reference(x, b[i])).ToArray();
                var actual = Eval(eqn, ("A", a), ("B", b));
                for (var i = 0; i < a.Length; i++)
                {
                    Assert.True(expected[i].Equals(actual[i]), $"{eqn} with A={a[i]:R}, B={b[i]:R}: {actual[i]:R} != {expected[i]:R}");
                }
            }
        });
    }
}
