using System.Text.Json.Nodes;
using CsCheck;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Keys;

public class CanonicalJsonTests
{
    // Number serialisation vectors from RFC 8785 Appendix B (IEEE-754 → ES6 text).
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(295147905179352830000.0, "295147905179352830000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(333333333.3333333, "333333333.3333333")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(4.5, "4.5")]
    [InlineData(2e-3, "0.002")]
    [InlineData(123e-20, "1.23e-18")]
    public void FormatNumber_MatchesEcmaScript(double value, string expected)
    {
        Assert.Equal(expected, CanonicalJson.FormatNumber(value));
    }

    [Fact]
    public void FormatNumber_NegativeZero_IsZero() => Assert.Equal("0", CanonicalJson.FormatNumber(-0.0));

    [Fact]
    public void Serialize_SortsMembersByUtf16AndEscapesMinimally()
    {
        var node = JsonNode.Parse("""{"b": 1, "a": [true, null, "x\ny\u0001"], "\u20ac": 2, "A": {"z": 1, "y": 2.50}}""");
        Assert.Equal("{\"A\":{\"y\":2.5,\"z\":1},\"a\":[true,null,\"x\\ny\\u0001\"],\"b\":1,\"€\":2}", CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Serialize_NonFiniteNumbers_WrittenAsBareTokensUnlikeStrings()
    {
        var arr = new JsonArray(JsonValue.Create(double.NaN), JsonValue.Create(double.PositiveInfinity), JsonValue.Create(double.NegativeInfinity));
        Assert.Equal("[NaN,Infinity,-Infinity]", CanonicalJson.Serialize(arr));
        Assert.NotEqual(CanonicalJson.Hash(JsonValue.Create("NaN")), CanonicalJson.Hash(JsonValue.Create(double.NaN)));
        Assert.NotEqual(CanonicalJson.Hash(JsonValue.Create("Infinity")), CanonicalJson.Hash(JsonValue.Create(double.PositiveInfinity)));
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(-3.0, "-3.0")]
    [InlineData(9007199254740992.0, "9007199254740992.0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e-7, "1e-7")]
    public void Serialize_Float_IsEcmaScriptFormWithPointZeroWhereItLooksLikeAnInteger(double value, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Serialize(JsonValue.Create(value)));
    }

    [Fact]
    public void Serialize_NegativeZero_DiffersFromZero()
    {
        Assert.NotEqual(CanonicalJson.Hash(JsonValue.Create(0.0)), CanonicalJson.Hash(JsonValue.Create(-0.0)));
        Assert.NotEqual(CanonicalJson.Hash(JsonNode.Parse("[0.0]")), CanonicalJson.Hash(JsonNode.Parse("[-0.0]")));
    }

    [Fact]
    public void Serialize_IntegerBeyond2To53_IsExact()
    {
        Assert.Equal("9007199254740993", CanonicalJson.Serialize(JsonValue.Create(9007199254740993L)));
        Assert.NotEqual(CanonicalJson.Hash(JsonValue.Create(9007199254740993L)), CanonicalJson.Hash(JsonValue.Create(9007199254740992L)));
        // Read from JSON text (JsonElement-backed), at any size.
        Assert.Equal("[123456789012345678901234567890,0,1.0,-0.0,2.5]", CanonicalJson.Serialize(JsonNode.Parse("[123456789012345678901234567890, -0, 1E0, -0e0, 2.50]")));
        Assert.Equal("[18446744073709551615,7]", CanonicalJson.Serialize(new JsonArray(JsonValue.Create(ulong.MaxValue), JsonValue.Create((short)7))));
    }

    [Fact]
    public void Serialize_IntegerAndIntegralFloat_Differ_SpellingsOfOneFloat_Agree()
    {
        Assert.NotEqual(CanonicalJson.Hash(JsonValue.Create(1L)), CanonicalJson.Hash(JsonValue.Create(1.0)));
        Assert.NotEqual(CanonicalJson.Hash(JsonNode.Parse("1")), CanonicalJson.Hash(JsonNode.Parse("1.0")));
        Assert.Equal(CanonicalJson.Hash(JsonNode.Parse("1.0")), CanonicalJson.Hash(JsonNode.Parse("1e0")));
        Assert.Equal(CanonicalJson.Hash(JsonNode.Parse("1.0")), CanonicalJson.Hash(JsonValue.Create(1.0)));
        Assert.Equal(CanonicalJson.Hash(JsonNode.Parse("7")), CanonicalJson.Hash(JsonValue.Create(7)));
    }

    [Fact]
    public void Serialize_DistinctDoubles_DistinctText()
    {
        // Bits in, text out: two doubles share a text only when they are the same double (any NaN is one NaN).
        Gen.Select(Gen.Double, Gen.Double, Gen.Int[0, 3]).Sample((a, b, nudge) =>
        {
            if (nudge > 0 && double.IsFinite(a)) b = nudge == 1 ? Math.BitIncrement(a) : nudge == 2 ? Math.BitDecrement(a) : -a;
            bool sameText = CanonicalJson.Serialize(JsonValue.Create(a)) == CanonicalJson.Serialize(JsonValue.Create(b));
            bool same = BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));
            return sameText == same;
        }, iter: 20000);
    }

    [Fact]
    public void FormatNumber_RoundTripsEveryDouble()
    {
        Gen.Double.Where(double.IsFinite).Sample(d =>
        {
            string s = CanonicalJson.FormatNumber(d);
            return double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) == (d == 0 ? 0 : d);
        }, iter: 20000);
    }

    [Fact]
    public void Hash_MemberOrder_DoesNotMatter()
    {
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 8], Gen.Double.Where(double.IsFinite)).Array[0, 12].Sample(pairs =>
        {
            var d = new Dictionary<string, double>();
            foreach (var (k, v) in pairs) d[k] = v;
            var a = new JsonObject();
            foreach (var kv in d) a[kv.Key] = kv.Value;
            var b = new JsonObject();
            foreach (var kv in d.Reverse()) b[kv.Key] = kv.Value;
            return CanonicalJson.Hash(a) == CanonicalJson.Hash(b);
        });
    }

    [Fact]
    public void KeyBuilder_SamePartsAnyOrder_SameKey_DifferentPart_DifferentKey()
    {
        var dep = Key.Hash("input");
        var k1 = new KeyBuilder().Add("node", "x").Add("n", 3).Add("dep", dep).Build();
        var k2 = new KeyBuilder().Add("dep", dep).Add("n", 3).Add("node", "x").Build();
        var k3 = new KeyBuilder().Add("dep", dep).Add("n", 4).Add("node", "x").Build();
        Assert.Equal(k1, k2);
        Assert.NotEqual(k1, k3);
        Assert.Throws<ArgumentException>(() => new KeyBuilder().Add("a", 1).Add("a", 2));
    }
}
