using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes.Algorithms.Expressions;
using Xunit;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.Expressions;

public class PythonFormatTests
{
    private static string Format(string eqn, string paramsJson)
    {
        var obj = JsonNode.Parse(paramsJson)!.AsObject();
        var parameters = obj.ToDictionary(kv => kv.Key, kv => kv.Value);
        return PythonFormat.Substitute(eqn, parameters);
    }

    [Theory]
    [InlineData("2", "2")]
    [InlineData("-3", "-3")]
    [InlineData("-0", "0")]
    [InlineData("12345678901234567890123", "12345678901234567890123")]
    [InlineData("0.5", "0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("2.0", "2.0")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("1e2", "100.0")]
    [InlineData("1E2", "100.0")]
    [InlineData("1e-7", "1e-07")]
    [InlineData("1.5e-5", "1.5e-05")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1e15", "1000000000000000.0")]
    [InlineData("12345678901234567.0", "1.2345678901234568e+16")]
    [InlineData("0.1", "0.1")]
    [InlineData("123.456", "123.456")]
    [InlineData("1e400", "inf")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("null", "None")]
    [InlineData("[1, 2.5, \"a\"]", "[1, 2.5, 'a']")]
    [InlineData("{\"a\": 1}", "{'a': 1}")]
    public void Substitute_JsonValue_RendersLikePythonStr(string json, string expected)
    {
        Assert.Equal($"A * {expected}", Format("A * {k}", $"{{\"k\": {json}}}"));
    }

    [Fact]
    public void Substitute_SeveralFields_ReplacesEach()
    {
        Assert.Equal("-A**2 + (B - 1.5) / A * 2", Format("-A**2 + (B - {off}) / A * {k}", "{\"off\": 1.5, \"k\": 2}"));
        Assert.Equal("2 + 2", Format("{k} + {k}", "{\"k\": 2}"));
    }

    [Fact]
    public void Substitute_NoFields_ReturnsTheSameString()
    {
        const string eqn = "A + B";
        Assert.Same(eqn, PythonFormat.Substitute(eqn, new Dictionary<string, JsonNode?>()));
    }

    [Fact]
    public void Substitute_DoubledBraces_AreLiteral()
    {
        Assert.Equal("{A} + 2 }", Format("{{A}} + {k} }}", "{\"k\": 2}"));
    }

    [Fact]
    public void Substitute_MissingKey_ThrowsUnknownParameter()
    {
        var ex = Assert.Throws<ExpressionException>(() => Format("A * {x}", "{\"k\": 2}"));
        Assert.Equal("unknown parameter 'x' in eqn", ex.Message);
        Assert.Equal(4, ex.Position);
    }

    [Fact]
    public void Substitute_SingleClosingBrace_Throws()
    {
        var ex = Assert.Throws<ExpressionException>(() => Format("A } 2", "{}"));
        Assert.Equal(2, ex.Position);
        Assert.Contains("single '}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitute_UnclosedField_Throws()
    {
        var ex = Assert.Throws<ExpressionException>(() => Format("A * {k", "{\"k\": 2}"));
        Assert.Contains("expected '}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Position);
    }

    [Theory]
    [InlineData("A * {}", "positional")]
    [InlineData("A * {0}", "positional")]
    [InlineData("A * {k:.2f}", "format spec ':.2f'")]
    [InlineData("A * {k.real}", "attribute or index access")]
    [InlineData("A * {k[0]}", "attribute or index access")]
    [InlineData("A * {k!x}", "unknown conversion specifier")]
    public void Substitute_UnsupportedField_ThrowsClearError(string eqn, string fragment)
    {
        var ex = Assert.Throws<ExpressionException>(() => Format(eqn, "{\"k\": 2}"));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Position);
    }

    [Fact]
    public void Substitute_Conversions_UseStrOrRepr()
    {
        Assert.Equal("it's", Format("{s!s}", "{\"s\": \"it's\"}"));
        Assert.Equal("\"it's\"", Format("{s!r}", "{\"s\": \"it's\"}"));
        Assert.Equal("'a\\\\b'", Format("{s!r}", "{\"s\": \"a\\\\b\"}"));
        Assert.Equal("'\\xe9'", Format("{s!a}", "{\"s\": \"\\u00e9\"}"));
        Assert.Equal("2.5", Format("{k!r}", "{\"k\": 2.5}"));
        Assert.Equal("2", Format("{k:}", "{\"k\": 2}"));
    }

    [Fact]
    public void Substitute_ClrBackedValues_UseTheirClrType()
    {
        var parameters = new Dictionary<string, JsonNode?>
        {
            ["f"] = JsonValue.Create(2.0),
            ["i"] = JsonValue.Create(2),
            ["l"] = JsonValue.Create(-7L),
            ["s"] = JsonValue.Create("x"),
            ["b"] = JsonValue.Create(true),
            ["n"] = null,
            ["nan"] = JsonValue.Create(double.NaN),
        };
        Assert.Equal("2.0 2 -7 x True None nan", PythonFormat.Substitute("{f} {i} {l} {s} {b} {n} {nan}", parameters));
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(2.0, "2.0")]
    [InlineData(-3.25, "-3.25")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e22, "1e+22")]
    [InlineData(1.0 / 3.0, "0.3333333333333333")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(0.00012, "0.00012")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    [InlineData(0.0, "0.0")]
    public void FormatFloat_Value_MatchesPythonRepr(double value, string expected)
    {
        Assert.Equal(expected, PythonFormat.FormatFloat(value));
    }
}
