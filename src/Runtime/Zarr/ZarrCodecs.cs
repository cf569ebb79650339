using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using K4os.Compression.LZ4;

namespace PodCache.Runtime.Zarr;

/// <summary>
/// numcodecs' compressors, decoding one chunk into a buffer of exactly the size its metadata says. Every bad input is an
/// <see cref="InvalidDataException"/> (or <see cref="NotSupportedException"/> for a codec not implemented) naming the key;
/// nothing allocates more than the expected size (plus small fixed buffers).
/// </summary>
internal static class ZarrCodecs
{
    /// <summary>The compressor ids <see cref="Decode"/> knows.</summary>
    public static readonly IReadOnlyList<string> Supported = ["zlib", "gzip", "zstd", "lz4", "blosc"];

    /// <summary>Checks the compressor's id when the array is opened, so an unknown codec fails then, not per chunk.</summary>
    public static void Check(JsonObject? compressor, string key)
    {
        if (compressor is null)
        {
            return;
        }

        string id = Id(compressor);
        if (!Supported.Contains(id))
        {
            throw new NotSupportedException(
                $"'{key}': the compressor \"{ZarrMetadata.Truncate(id)}\" is not supported; only null, {string.Join(", ", Supported)} are");
        }
    }

    /// <summary>Decodes <paramref name="data"/> (chunk <paramref name="key"/>) into exactly <paramref name="expected"/> bytes.</summary>
    public static byte[] Decode(JsonObject? compressor, byte[] data, int expected, string key)
    {
        if (compressor is null)
        {
            if (data.Length != expected)
            {
                throw new InvalidDataException($"chunk '{key}' has {data.Length} bytes; an uncompressed chunk of this array has {expected}");
            }

            return data;
        }

        string id = Id(compressor);
        try
        {
            return id switch
            {
                "zlib" => Inflate(new ZLibStream(new MemoryStream(data, writable: false), CompressionMode.Decompress), expected, key, id),
                "gzip" => Inflate(new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress), expected, key, id),
                "zstd" => Zstd(data, expected, key),
                "lz4" => Lz4(data, expected, key),
                "blosc" => Blosc.Decompress(data, expected, key),
                _ => throw new NotSupportedException($"chunk '{key}': the compressor \"{ZarrMetadata.Truncate(id)}\" is not supported"),
            };
        }
        catch (InvalidDataException e) when (!e.Message.Contains(key, StringComparison.Ordinal))
        {
            // e.g. from ZLibStream/GZipStream: say which chunk.
            throw new InvalidDataException($"chunk '{key}' does not decode with {id}: {e.Message}", e);
        }
        catch (Exception e) when (e is not (InvalidDataException or NotSupportedException or OperationCanceledException or OutOfMemoryException))
        {
            throw new InvalidDataException($"chunk '{key}' does not decode with {id}: {e.Message}", e);
        }
    }

    private static string Id(JsonObject compressor) =>
        compressor["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    /// <summary>Reads a zlib/gzip stream into exactly <paramref name="expected"/> bytes; more or fewer is InvalidDataException.</summary>
    internal static byte[] Inflate(Stream stream, int expected, string key, string codec)
    {
        using (stream)
        {
            var output = new byte[expected];
            int got = 0;
            while (got < expected)
            {
                int n = stream.Read(output, got, expected - got);
                if (n == 0)
                {
                    throw new InvalidDataException($"chunk '{key}' decodes ({codec}) to {got} bytes; expected {expected}");
                }

                got += n;
            }

            Span<byte> one = stackalloc byte[1];
            if (stream.Read(one) != 0)
            {
                throw new InvalidDataException($"chunk '{key}' decodes ({codec}) to more than the {expected} bytes expected");
            }

            return output;
        }
    }

    /// <summary>Decodes a zstd frame into exactly <paramref name="expected"/> bytes.</summary>
    internal static byte[] Zstd(ReadOnlySpan<byte> data, int expected, string key)
    {
        var output = new byte[expected];
        ZstdInto(data, output, $"chunk '{key}'");
        return output;
    }

    /// <summary>Decodes a zstd frame into all of <paramref name="output"/>.</summary>
    internal static void ZstdInto(ReadOnlySpan<byte> data, Span<byte> output, string what)
    {
        using var decompressor = new ZstdSharp.Decompressor();
        int got;
        try
        {
            got = decompressor.Unwrap(data, output);
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new InvalidDataException($"{what} does not decode with zstd (or decodes to more than {output.Length} bytes): {e.Message}", e);
        }

        if (got != output.Length)
        {
            throw new InvalidDataException($"{what} decodes (zstd) to {got} bytes; expected {output.Length}");
        }
    }

    /// <summary>numcodecs' LZ4: a 4-byte little-endian decoded size, then one LZ4 block.</summary>
    private static byte[] Lz4(byte[] data, int expected, string key)
    {
        if (data.Length < 4)
        {
            throw new InvalidDataException($"chunk '{key}' has {data.Length} bytes, too few for numcodecs' LZ4 header");
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (size != expected)
        {
            throw new InvalidDataException($"chunk '{key}': its LZ4 header says {size} bytes; a chunk of this array has {expected}");
        }

        var output = new byte[expected];
        Lz4Into(data.AsSpan(4), output, $"chunk '{key}'");
        return output;
    }

    /// <summary>Decodes one LZ4 block into all of <paramref name="output"/>.</summary>
    internal static void Lz4Into(ReadOnlySpan<byte> block, Span<byte> output, string what)
    {
        int got = LZ4Codec.Decode(block, output);
        if (got != output.Length)
        {
            throw new InvalidDataException(got < 0
                ? $"{what} is not a valid LZ4 block (or decodes to more than {output.Length} bytes)"
                : $"{what} decodes (LZ4) to {got} bytes; expected {output.Length}");
        }
    }
}

/// <summary>Reads elements of a <see cref="ZarrDType"/> as doubles.</summary>
internal static class ZarrConvert
{
    /// <summary>One element from the start of <paramref name="b"/>.</summary>
    public static double Read(ZarrDType t, ReadOnlySpan<byte> b) => (t.Kind, t.ItemSize, t.BigEndian) switch
    {
        (ZarrKind.Bool, _, _) => b[0] != 0 ? 1 : 0,
        (ZarrKind.Int, 1, _) => (sbyte)b[0],
        (ZarrKind.UInt, 1, _) => b[0],
        (ZarrKind.Int, 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        (ZarrKind.Int, 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        (ZarrKind.UInt, 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        (ZarrKind.UInt, 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        (ZarrKind.Int, 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        (ZarrKind.Int, 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        (ZarrKind.UInt, 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        (ZarrKind.UInt, 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        (ZarrKind.Int, 8, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        (ZarrKind.Int, 8, true) => BinaryPrimitives.ReadInt64BigEndian(b),
        (ZarrKind.UInt, 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        (ZarrKind.UInt, 8, true) => BinaryPrimitives.ReadUInt64BigEndian(b),
        (ZarrKind.Float, 2, false) => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
        (ZarrKind.Float, 2, true) => (double)BinaryPrimitives.ReadHalfBigEndian(b),
        (ZarrKind.Float, 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        (ZarrKind.Float, 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
        (ZarrKind.Float, 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        (ZarrKind.Float, 8, true) => BinaryPrimitives.ReadDoubleBigEndian(b),
        _ => throw new NotSupportedException($"the dtype \"{t.Text}\" is not supported"),
    };

    /// <summary>
    /// Converts <paramref name="n"/> elements of <paramref name="data"/>, the first at element <paramref name="first"/> and
    /// then every <paramref name="stride"/> elements, into <paramref name="dst"/>.
    /// </summary>
    public static void Run(ZarrDType t, byte[] data, long first, long stride, int n, Span<double> dst)
    {
        int size = t.ItemSize;
        long offset = first * size;
        long step = stride * size;
        if (t.Kind == ZarrKind.Float && size == 8 && !t.BigEndian)
        {
            for (int i = 0; i < n; i++, offset += step)
            {
                dst[i] = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan((int)offset, 8));
            }
        }
        else if (t.Kind == ZarrKind.Float && size == 4 && !t.BigEndian)
        {
            for (int i = 0; i < n; i++, offset += step)
            {
                dst[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)offset, 4));
            }
        }
        else
        {
            for (int i = 0; i < n; i++, offset += step)
            {
                dst[i] = Read(t, data.AsSpan((int)offset, size));
            }
        }
    }
}

/// <summary>
/// numcodecs' <c>delta</c> filter: each element was stored as its difference from the previous one (in
/// <see cref="AsType"/>); decoding is a running sum in <see cref="DType"/>, wrapping as numpy's integers do.
/// </summary>
/// <param name="DType">The dtype the filter decodes to.</param>
/// <param name="AsType">The dtype the differences are stored in.</param>
internal sealed record ZarrDelta(ZarrDType DType, ZarrDType AsType)
{
    /// <summary>Reads one entry of <c>"filters"</c>; anything but delta is NotSupportedException naming it.</summary>
    public static ZarrDelta Parse(JsonNode? f, ZarrDType arrayType, string key)
    {
        string Str(string field) => f![field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw new InvalidDataException($"'{key}': the delta filter's \"{field}\" is missing or not a string");

        if (f is not JsonObject o || o["id"] is not JsonValue idv || idv.GetValueKind() != JsonValueKind.String)
        {
            throw new InvalidDataException($"'{key}': \"filters\" holds {ZarrMetadata.Truncate(f?.ToJsonString() ?? "null")}, not an object with an \"id\"");
        }

        string id = idv.GetValue<string>();
        if (id != "delta")
        {
            throw new NotSupportedException($"'{key}': the filter \"{ZarrMetadata.Truncate(id)}\" is not supported; only \"delta\" is");
        }

        var dtype = ZarrDType.Parse(Str("dtype"), key);
        var astype = o["astype"] is null ? dtype : ZarrDType.Parse(Str("astype"), key);
        bool ints = dtype.Kind is ZarrKind.Int or ZarrKind.UInt && astype.Kind is ZarrKind.Int or ZarrKind.UInt;
        bool floats = dtype.Kind == ZarrKind.Float && astype.Kind == ZarrKind.Float && dtype.ItemSize == astype.ItemSize;
        if (!ints && !floats)
        {
            throw new NotSupportedException(
                $"'{key}': a delta filter from \"{astype.Text}\" to \"{dtype.Text}\" is not supported (integers, or floats of one size)");
        }

        _ = arrayType;
        return new ZarrDelta(dtype, astype);
    }

    /// <summary>Decodes <paramref name="n"/> differences into a new buffer of <see cref="DType"/>.</summary>
    public byte[] Decode(byte[] src, int n)
    {
        var dst = new byte[(long)n * DType.ItemSize];
        int si = AsType.ItemSize;
        int di = DType.ItemSize;
        if (DType.Kind == ZarrKind.Float)
        {
            switch (di)
            {
                case 8:
                    double d8 = 0;
                    for (int i = 0; i < n; i++)
                    {
                        d8 += ZarrConvert.Read(AsType, src.AsSpan(i * si, si));
                        Write(BitConverter.DoubleToInt64Bits(d8), dst.AsSpan(i * di, di));
                    }

                    break;
                case 4:
                    float d4 = 0;
                    for (int i = 0; i < n; i++)
                    {
                        d4 += (float)ZarrConvert.Read(AsType, src.AsSpan(i * si, si));
                        Write(BitConverter.SingleToInt32Bits(d4), dst.AsSpan(i * di, di));
                    }

                    break;
                default:
                    Half d2 = Half.Zero;
                    for (int i = 0; i < n; i++)
                    {
                        d2 += (Half)ZarrConvert.Read(AsType, src.AsSpan(i * si, si));
                        Write(BitConverter.HalfToInt16Bits(d2), dst.AsSpan(i * di, di));
                    }

                    break;
            }

            return dst;
        }

        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum = unchecked(sum + ReadBits(src.AsSpan(i * si, si)));
            Write(sum, dst.AsSpan(i * di, di));
        }

        return dst;
    }

    // An integer element of AsType, sign- or zero-extended to 64 bits (u8 keeps its bits).
    private long ReadBits(ReadOnlySpan<byte> b) => (AsType.Kind, AsType.ItemSize, AsType.BigEndian) switch
    {
        (ZarrKind.Int, 1, _) => (sbyte)b[0],
        (_, 1, _) => b[0],
        (ZarrKind.Int, 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        (ZarrKind.Int, 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        (_, 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        (_, 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        (ZarrKind.Int, 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        (ZarrKind.Int, 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        (_, 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        (_, 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        (_, _, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        (_, _, true) => BinaryPrimitives.ReadInt64BigEndian(b),
    };

    // The low ItemSize bytes of v in DType's byte order.
    private void Write(long v, Span<byte> b)
    {
        for (int k = 0; k < b.Length; k++)
        {
            b[DType.BigEndian ? b.Length - 1 - k : k] = (byte)(v >> (8 * k));
        }
    }
}
