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
    public void Serialize_NonFiniteNumbers_WrittenAsPodpacTokens()
    {
        var arr = new JsonArray(JsonValue.Create(double.NaN), JsonValue.Create(double.PositiveInfinity), JsonValue.Create(double.NegativeInfinity));
        Assert.Equal("[\"NaN\",\"Infinity\",\"-Infinity\"]", CanonicalJson.Serialize(arr));
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
