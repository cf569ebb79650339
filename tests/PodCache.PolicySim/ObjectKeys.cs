using System.Buffers.Binary;
using PodCache.Cache.Keys;

namespace PodCache.PolicySim;

/// <summary>
/// Maps a trace's dense object numbers to policy <see cref="Key"/>s and back without a dictionary: the first
/// eight digest bytes are a SplitMix64 mix of the number (the part <see cref="Key.GetHashCode"/> reads, so the
/// policies' hash tables spread well) and the next eight are the number itself.
/// </summary>
internal static class ObjectKeys
{
    public static Key For(int objectIndex)
    {
        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(digest, Mix((ulong)objectIndex));
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], (ulong)objectIndex);
        return Key.FromDigest(digest);
    }

    public static int IndexOf(Key key)
    {
        Span<byte> digest = stackalloc byte[32];
        key.WriteDigest(digest);
        return (int)BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
    }

    /// <summary>The first eight digest bytes: a well-mixed 64-bit hash of any key.</summary>
    public static ulong Hash(Key key)
    {
        Span<byte> digest = stackalloc byte[32];
        key.WriteDigest(digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>SplitMix64's finaliser.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
