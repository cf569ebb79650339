using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Keys;

public class KeyTests
{
    [Fact]
    public void Hash_KnownInput_MatchesSha256Vector()
    {
        // FIPS 180-2 test vector for "abc".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Key.Hash("abc").ToString());
    }

    [Fact]
    public void Parse_RoundTripsToString()
    {
        var k = Key.Hash("x");
        Assert.Equal(k, Key.Parse(k.ToString()));
    }

    [Fact]
    public void TryFormat_Utf8AndChars_SameTextAsToString()
    {
        var k = Key.Hash("abc");
        Span<byte> utf8 = stackalloc byte[70];
        Span<char> chars = stackalloc char[70];

        Assert.True(k.TryFormat(utf8, out int bytes));
        Assert.True(k.TryFormat(chars, out int written));

        Assert.Equal(k.ToString(), System.Text.Encoding.UTF8.GetString(utf8[..bytes]));
        Assert.Equal(k.ToString(), chars[..written].ToString());
        Assert.Equal(k.ToString(), $"{k}");
        Assert.False(k.TryFormat(utf8[..63], out _));
    }

    [Fact]
    public void Hash_LongText_SameAsHashOfItsUtf8Bytes()
    {
        string text = string.Concat(Enumerable.Repeat("é€x", 700));
        Assert.Equal(Key.Hash(System.Text.Encoding.UTF8.GetBytes(text)), Key.Hash(text));
        Assert.Equal(Key.Hash(System.Text.Encoding.UTF8.GetBytes("é€x")), Key.Hash("é€x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adx")]
    [InlineData("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("../../etc/passwd")]
    public void TryParse_NotLowercaseHex64_Rejected(string text)
    {
        Assert.False(Key.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Key.Parse(text));
    }

    [Fact]
    public void CompareTo_OrdersLikeHexStrings()
    {
        var keys = Enumerable.Range(0, 50).Select(i => Key.Hash(i.ToString())).ToList();
        var byKey = keys.OrderBy(k => k).Select(k => k.ToString()).ToList();
        var byText = keys.Select(k => k.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(byText, byKey);
    }
}
