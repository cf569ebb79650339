using System.Text.Json.Nodes;
using CsCheck;
using PodCache.Runtime.Nodes.Algorithms.Expressions;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// The Arithmetic node's expression path: <see cref="PythonFormat.Substitute"/> (params into <c>eqn</c>), the tokenizer
/// and parser (<see cref="ArithmeticExpression.Parse"/>) on generated and mutated expressions. Only
/// <see cref="ExpressionException"/> comes out of parsing, and a parsed expression evaluates over inputs of any values
/// without throwing.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ArithmeticExpressionFuzzTests
{
    private static readonly string[] Variables = ["A", "B", "C"];

    private static readonly string[] Atoms =
    [
        "A", "B", "C", "D", "x", "0", "1", "2", "-1", "0.0", "-0.0", "2.5", "1e308", "1e309", "4.9e-324", "1e-400", "9223372036854775808",
        "18446744073709551616", "123456789012345678901234567890", "0x1F", "0o17", "0b101", "1_000", "1j", "True", "False", "None", "nan",
        "inf", "'s'", "\"s\"", "{z}", "{0}", "{}", "{z!r}", "{z:>10}", "{{", "}}", "1.", ".5", "1e", "00", "09",
    ];

    private static readonly string[] Binary =
    [
        "+", "-", "*", "/", "%", "**", "//", "<<", ">>", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=", " and ", " or ", "@", "=", ",",
    ];

    private static readonly string[] Unary = ["-", "+", "~", "not ", "--", "- -"];

    private static readonly string[] Functions =
    [
        "where", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
        "exp", "expm1", "log", "log1p", "log10", "sqrt", "abs", "floor", "ceil", "fmod", "max", "contains", "",
    ];

    /// <summary>Expressions from a small grammar over the operators, functions and literals above, nesting bounded.</summary>
    private static Gen<string> Expression(int depth) => depth == 0
        ? Gen.OneOf(Atoms)
        : Gen.Frequency(
            (3, Gen.OneOf(Atoms)),
            (4, Gen.Select(Expression(depth - 1), Gen.OneOf(Binary), Expression(depth - 1), (l, op, r) => l + op + r)),
            (2, Gen.Select(Gen.OneOf(Unary), Expression(depth - 1), (op, e) => op + e)),
            (2, Expression(depth - 1).Select(e => "(" + e + ")")),
            (2, Gen.Select(Gen.OneOf(Functions), Expression(depth - 1).Array[0, 4], (f, args) => f + "(" + string.Join(", ", args) + ")")));

    /// <summary>The expressions of the conformance cases and examples, token-mutated.</summary>
    private static Gen<string> MutatedSeeds()
    {
        var eqns = FuzzSeeds.Files("pipeline.json")
            .SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, "\"eqn\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").Select(m => m.Groups[1].Value))
            .Distinct()
            .Select(e => "\"" + e + "\"")
            .ToArray();
        Assert.NotEmpty(eqns);
        // MutatedJson tokenizes the quoted expression as one string: mutate the inner text through the token mutator of
        // its unquoted form instead.
        var inner = eqns.Select(e => e[1..^1]).ToArray();
        return FuzzInputs.MutatedJson(inner);
    }

    private static readonly Gen<JsonNode?> ParamValue = Gen.OneOf<JsonNode?>(
        Gen.Const((JsonNode?)null), Gen.Double.Select(d => (JsonNode?)JsonValue.Create(d)), Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.OneOf("1", "-0.0", "A", "{z}", "", "((((", "1e999").Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Const(() => (JsonNode?)JsonValue.Create(true)), Gen.Const(() => (JsonNode?)new JsonArray(1, 2)),
        Gen.Const(() => (JsonNode?)new JsonObject { ["a"] = 1 }));

    private static readonly Gen<double[]> Inputs = Gen.Frequency(
        (2, Gen.Double[-1e6, 1e6]),
        (1, Gen.OneOf(0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon, 1e-320)),
        (1, Gen.Double)).Array[1, 9];

    [Fact]
    public void Parse_GeneratedAndMutatedExpressions_OnlyExpressionException_AndEvaluateNeverThrows()
    {
        var eqn = Gen.Frequency((3, Expression(4)), (2, MutatedSeeds()), (1, Gen.String[Gen.Char, 0, 30]));
        var gen = Gen.Select(eqn, ParamValue, Inputs);
        FuzzInputs.Run(gen, t =>
        {
            var (text, z, values) = t;
            ArithmeticExpression? parsed = null;
            FuzzInputs.Expect(() =>
            {
                string substituted = PythonFormat.Substitute(text, new Dictionary<string, JsonNode?> { ["z"] = z, ["0"] = z });
                parsed = ArithmeticExpression.Parse(substituted, Variables);
            }, typeof(ExpressionException));
            if (parsed is { } p)
            {
                var inputs = Variables.ToDictionary(v => v, v => values.Select(x => v == "B" ? -x : x).ToArray());
                var output = new double[values.Length];
                FuzzInputs.Expect(() => p.Evaluate(inputs, output));
                _ = p.ToString();
            }
        }, normalIterations: 1500, print: t => $"eqn {t.Item1} | z {t.Item2?.ToJsonString() ?? "null"} | inputs [{string.Join(", ", t.Item3.Select(x => x.ToString("R")))}]");
    }
}
