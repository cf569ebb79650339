using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace PodCache.Cache.Keys;

/// <summary>
/// A SHA-256 digest used as a NodeKey, CoordinatesKey or ResultKey. Written as 64 lowercase hex characters.
/// A key that arrives from outside (CLI, HTTP, cluster message) is accepted only in that form.
/// </summary>
public readonly struct Key : IEquatable<Key>, IComparable<Key>, ISpanFormattable, IUtf8SpanFormattable
{
    private readonly ulong _a, _b, _c, _d;

    private Key(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a; _b = b; _c = c; _d = d;
    }

    /// <summary>The all-zero key; never produced by hashing.</summary>
    public static Key Empty => default;

    /// <summary>True for <see cref="Empty"/>.</summary>
    public bool IsEmpty => (_a | _b | _c | _d) == 0;

    /// <summary>Builds a key from a 32-byte digest.</summary>
    /// <exception cref="ArgumentException">The span is not 32 bytes long.</exception>
    public static Key FromDigest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("A key is a 32-byte SHA-256 digest.", nameof(digest));
        }
        return new Key(
            BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static Key Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        Sha256.HashData(data, digest);
        return FromDigest(digest);
    }

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static Key Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > 1024)
        {
            return Hash(Encoding.UTF8.GetBytes(text));
        }
        Span<byte> utf8 = stackalloc byte[max];
        int n = Encoding.UTF8.GetBytes(text, utf8);
        return Hash(utf8[..n]);
    }

    /// <summary>The number of characters (and UTF-8 bytes) of the text form: 64.</summary>
    public const int HexLength = 64;

    /// <summary>Writes the 32 digest bytes to <paramref name="destination"/>.</summary>
    public void WriteDigest(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The first 16 bits of the digest, handy for sharding and directory fan-out.</summary>
    public ushort Prefix16 => (ushort)(_a >> 48);

    /// <summary>Parses 64 lowercase hex characters.</summary>
    /// <exception cref="FormatException">The text is not 64 lowercase hex characters.</exception>
    public static Key Parse(string text)
    {
        if (!TryParse(text, out var key))
        {
            ThrowFormat(text);
        }
        return key;
    }

    /// <summary>Parses 64 lowercase hex characters; false for anything else (uppercase included).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Key key)
    {
        key = default;
        if (text is null || text.Length != 64)
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[32];
        for (int i = 0; i < 32; i++)
        {
            int hi = HexValue(text[2 * i]);
            int lo = HexValue(text[2 * i + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }
            digest[i] = (byte)((hi << 4) | lo);
        }
        key = FromDigest(digest);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFormat(string? text) =>
        throw new FormatException($"'{Truncate(text)}' is not a key: a key is 64 lowercase hex characters.");

    private static string Truncate(string? text) =>
        text is null ? "null" : text.Length > 80 ? text[..80] + "..." : text;

    /// <summary>64 lowercase hex characters.</summary>
    public override string ToString()
    {
        Span<byte> digest = stackalloc byte[32];
        WriteDigest(digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The 64 lowercase hex characters; <paramref name="format"/> and <paramref name="formatProvider"/> are ignored.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes the 64 lowercase hex characters; false when <paramref name="destination"/> is shorter.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<byte> digest = stackalloc byte[32];
        WriteDigest(digest);
        return Convert.TryToHexStringLower(digest, destination, out charsWritten);
    }

    /// <summary>Writes the 64 lowercase hex characters as UTF-8; false when <paramref name="utf8Destination"/> is shorter.</summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<byte> digest = stackalloc byte[32];
        WriteDigest(digest);
        return Convert.TryToHexStringLower(digest, utf8Destination, out bytesWritten);
    }

    /// <inheritdoc/>
    public bool Equals(Key other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Key k && Equals(k);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);

    /// <inheritdoc/>
    public int CompareTo(Key other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Key left, Key right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Key left, Key right) => !left.Equals(right);

    /// <summary>Ordering by digest bytes.</summary>
    public static bool operator <(Key left, Key right) => left.CompareTo(right) < 0;

    /// <summary>Ordering by digest bytes.</summary>
    public static bool operator >(Key left, Key right) => left.CompareTo(right) > 0;

    /// <summary>Ordering by digest bytes.</summary>
    public static bool operator <=(Key left, Key right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering by digest bytes.</summary>
    public static bool operator >=(Key left, Key right) => left.CompareTo(right) >= 0;
}
