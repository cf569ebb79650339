using System.Security.Cryptography;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Keys;

public class Sha256Tests
{
    [Fact]
    public void HashData_EveryLengthTo600_SameDigestAsBcl()
    {
        var data = new byte[600];
        new Random(17).NextBytes(data);
        var expected = new byte[32];
        var actual = new byte[32];
        for (int n = 0; n <= data.Length; n++)
        {
            SHA256.HashData(data.AsSpan(0, n), expected);
            Sha256.HashData(data.AsSpan(0, n), actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {n}");
        }
    }

    [Fact]
    public void HashData_PastTheNativeLimit_SameDigestAsBcl()
    {
        var data = new byte[100_000];
        new Random(23).NextBytes(data);
        var actual = new byte[32];
        foreach (int n in new[] { 4095, 4096, 4097, 100_000 })
        {
            Sha256.HashData(data.AsSpan(0, n), actual);
            Assert.Equal(SHA256.HashData(data.AsSpan(0, n)), actual);
        }
    }

    [Fact]
    public void IsNative_OnLinux_True()
    {
        // .NET on Linux needs OpenSSL's libcrypto itself, so the fast path is always there; elsewhere the BCL hashes.
        Assert.Equal(OperatingSystem.IsLinux(), Sha256.IsNative);
    }
}
