using System.Text.Json.Nodes;
using PodCache.Runtime.Json;

namespace PodCache.Runtime.Tests.Json;

public class LenientJsonTests
{
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
