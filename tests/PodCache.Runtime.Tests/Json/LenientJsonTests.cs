using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Nodes.Algorithms.Expressions;

namespace PodCache.Runtime.Tests.Json;

public class LenientJsonTests
{
    private static JsonNode? Parse(string text) => LenientJson.Parse(text, out _);

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("-9223372036854775809")]
    [InlineData("123456789012345678901234567890")]
    public void Parse_IntegerOfAnySize_StaysExact(string text)
    {
        var node = Parse(text);

        // As Python's json loads it (an exact int), for the expression and for the key alike.
        Assert.Equal(text, PythonFormat.Str(node));
        Assert.Equal(text, PodCache.Cache.Keys.CanonicalJson.Serialize(node));
        Assert.Equal(text, node!.ToJsonString());
    }

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("1e0", "1.0")]
    [InlineData("-0", "0")]
    [InlineData("2.5", "2.5")]
    public void Parse_Number_FormatsInExpressionsAsPythonWould(string text, string python)
    {
        Assert.Equal(python, PythonFormat.Str(Parse(text)));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("-0.0")]
    [InlineData("3E2")]
    [InlineData("0.5")]
    [InlineData("1e300")]
    [InlineData("7")]
    [InlineData("99999999999999999999")]
    public void Parse_WrittenOutAndReadBack_KeepsTypeAndValue(string text)
    {
        var node = Parse($"{{\"z\": {text}}}");

        var again = Parse(node!.ToJsonString());

        // A run manifest or a cluster request carries the pipeline as written by System.Text.Json: a float must not
        // come back as an int (1.0 -> 1, -0.0 -> 0), or the reopened pipeline would mean something else.
        Assert.Equal(PodCache.Cache.Keys.CanonicalJson.Serialize(node), PodCache.Cache.Keys.CanonicalJson.Serialize(again));
        Assert.Equal(PythonFormat.Str(node!["z"]), PythonFormat.Str(again!["z"]));
    }

    [Fact]
    public void Parse_IntegralFloat_ReadsAsDouble()
    {
        Assert.True(JsonNumbers.TryGetDouble(Parse("-0.0"), out var d));
        Assert.True(double.IsNegative(d) && d == 0);
        Assert.True(JsonNumbers.TryGetDouble(Parse("123456789012345678901234567890"), out var big));
        Assert.Equal(1.2345678901234568e29, big);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public void Parse_NestingAtTheLimit_Reads()
    {
        var node = LenientJson.Parse(Nested(64), out _, 64);
        int depth = 0;
        for (var n = node; n is JsonArray a; n = a.Count > 0 ? a[0] : null) depth++;
        Assert.Equal(64, depth);
    }

    [Fact]
    public void Parse_OneLevelPastTheLimit_DepthExceptionNamingThePath()
    {
        var ex = Assert.Throws<LenientJson.DepthException>(() => LenientJson.Parse("""{"a": {"b": [[[1]]]}}""", out _, 4));
        Assert.Equal("a.b[0][0]", ex.Path);
        Assert.Equal("arrays and objects nest deeper than 4 levels (limits.maxJsonDepth)", ex.Problem);
    }

    [Fact]
    public void Parse_240KBNested40000Deep_RejectedWithoutRecursingPastTheLimit()
    {
        // The body that used to overflow the reader's stack and kill podcache serve.
        string text = """{"pipeline": """ + Nested(120_000) + "}";
        var ex = Assert.Throws<LenientJson.DepthException>(() => LenientJson.Parse(text, out _));
        Assert.StartsWith("pipeline[0][0]", ex.Path);
        Assert.Equal(LenientJson.DefaultMaxDepth, ex.Path.Split('[').Length);
    }

    [Fact]
    public void Parse_ManyShallowSiblings_DepthCountsNestingNotElements()
    {
        string text = "[" + string.Join(",", Enumerable.Repeat(Nested(3), 10_000)) + "]";
        var node = LenientJson.Parse(text, out _, 4) as JsonArray;
        Assert.Equal(10_000, node!.Count);
    }

    [Fact]
    public void Parse_SiblingObjectsAfterADeepOne_DepthIsRestored()
    {
        string text = """{"a": {"b": {"c": {}}}, "d": {"e": {"f": {}}}, "g": [[[]]]}""";
        var node = LenientJson.Parse(text, out _, 4) as JsonObject;
        Assert.Equal(3, node!.Count);
    }
}
