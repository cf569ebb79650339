using System.Buffers.Binary;
using System.IO.Compression;

namespace PodCache.Runtime.Zarr;

/// <summary>
/// Decompression of a Blosc (v1 format, as numcodecs writes it) buffer, written from the chunk format: a 16-byte header
/// (version, versionlz, flags, typesize, nbytes, blocksize, cbytes), then, unless the buffer is a plain copy, one
/// 32-bit start offset per block; each block is one stream, or <c>typesize</c> streams when split, each a 32-bit
/// compressed size then that many bytes (a size equal to the stream's decoded size means stored raw). The internal
/// codec comes from flags bits 5-7 (BloscLZ, LZ4/LZ4HC, zlib and zstd here; Snappy is refused), then the block is
/// unshuffled (byte or bit shuffle). Every bad input is an <see cref="InvalidDataException"/> naming the key; a header is
/// checked against the expected size before anything is allocated.
/// </summary>
internal static class Blosc
{
    private const int HeaderSize = 16;
    private const int FlagShuffle = 0x1;
    private const int FlagMemcpyed = 0x2;
    private const int FlagBitShuffle = 0x4;
    private const int FlagDontSplit = 0x10;

    /// <summary>Decompresses <paramref name="src"/> (chunk <paramref name="key"/>), which must hold exactly <paramref name="expected"/> bytes.</summary>
    public static byte[] Decompress(byte[] src, int expected, string key)
    {
        if (src.Length < HeaderSize)
        {
            throw new InvalidDataException($"chunk '{key}' has {src.Length} bytes, too few for a blosc header ({HeaderSize})");
        }

        int version = src[0];
        int flags = src[2];
        int typesize = src[3];
        long nbytes = BinaryPrimitives.ReadUInt32LittleEndian(src.AsSpan(4));
        long blocksize = BinaryPrimitives.ReadUInt32LittleEndian(src.AsSpan(8));
        long cbytes = BinaryPrimitives.ReadUInt32LittleEndian(src.AsSpan(12));
        if (version is 0 or > 4)
        {
            throw new InvalidDataException($"chunk '{key}': blosc format version {version} is not one this reader knows (1-4)");
        }

        if (nbytes != expected)
        {
            throw new InvalidDataException($"chunk '{key}': its blosc header says {nbytes} bytes; a chunk of this array has {expected}");
        }

        if (cbytes != src.Length)
        {
            throw new InvalidDataException($"chunk '{key}': its blosc header says {cbytes} compressed bytes but the chunk has {src.Length}{(cbytes > src.Length ? " (truncated?)" : "")}");
        }

        if (typesize == 0)
        {
            throw new InvalidDataException($"chunk '{key}': its blosc header has typesize 0");
        }

        var dest = new byte[expected];
        if ((flags & FlagMemcpyed) != 0)
        {
            if (cbytes != nbytes + HeaderSize)
            {
                throw new InvalidDataException($"chunk '{key}': a copied (memcpyed) blosc buffer of {nbytes} bytes must have {nbytes + HeaderSize} compressed bytes, not {cbytes}");
            }

            src.AsSpan(HeaderSize, expected).CopyTo(dest);
            return dest;
        }

        if (nbytes == 0)
        {
            return dest;
        }

        if (blocksize == 0)
        {
            throw new InvalidDataException($"chunk '{key}': its blosc header has blocksize 0");
        }

        if ((flags & (FlagShuffle | FlagBitShuffle)) == (FlagShuffle | FlagBitShuffle))
        {
            throw new NotSupportedException($"chunk '{key}' is a blosc2 buffer with an extended header (flags 0x{flags:x2}); only blosc1 buffers are supported");
        }

        int codec = flags >> 5;
        string codecName = codec switch
        {
            0 => "blosclz",
            1 => "lz4",
            2 => throw new NotSupportedException($"chunk '{key}': blosc's internal snappy codec is not supported; use cname 'lz4', 'zstd' or 'zlib'"),
            3 => "zlib",
            4 => "zstd",
            _ => throw new InvalidDataException($"chunk '{key}': its blosc header names internal codec {codec}, which does not exist"),
        };

        bool shuffle = (flags & FlagShuffle) != 0 && typesize > 1;
        bool bitShuffle = (flags & FlagBitShuffle) != 0;
        bool dontSplit = (flags & FlagDontSplit) != 0;

        int bsize = (int)Math.Min(blocksize, nbytes);
        long nblocksLong = (nbytes + bsize - 1) / bsize;
        int leftover = (int)(nbytes % bsize);
        if (HeaderSize + (nblocksLong * 4) > cbytes)
        {
            throw new InvalidDataException($"chunk '{key}': its blosc header implies {nblocksLong} blocks, more than its {cbytes} bytes can hold");
        }

        int nblocks = (int)nblocksLong;
        int limit = (int)cbytes;
        var tmp = (shuffle || bitShuffle) ? new byte[bsize] : null;
        for (int b = 0; b < nblocks; b++)
        {
            bool isLeftover = b == nblocks - 1 && leftover != 0;
            int thisSize = isLeftover ? leftover : bsize;
            long start = BinaryPrimitives.ReadUInt32LittleEndian(src.AsSpan(HeaderSize + (b * 4)));
            if (start < HeaderSize + (nblocks * 4L) || start > limit)
            {
                throw new InvalidDataException($"chunk '{key}': blosc block {b} starts at {start}, outside the buffer's {limit} bytes");
            }

            Span<byte> target = dest.AsSpan(b * bsize, thisSize);
            Span<byte> decoded = tmp is null ? target : tmp.AsSpan(0, thisSize);
            int nstreams = (!dontSplit && !isLeftover && thisSize % typesize == 0) ? typesize : 1;
            int streamSize = thisSize / nstreams;
            int pos = (int)start;
            for (int s = 0; s < nstreams; s++)
            {
                if (pos + 4 > limit)
                {
                    throw new InvalidDataException($"chunk '{key}': blosc block {b} is truncated (stream {s}'s size is past the end)");
                }

                int csize = BinaryPrimitives.ReadInt32LittleEndian(src.AsSpan(pos));
                pos += 4;
                if (csize < 0 || csize > limit - pos)
                {
                    throw new InvalidDataException($"chunk '{key}': blosc block {b} stream {s} claims {csize} bytes; only {limit - pos} remain (truncated?)");
                }

                ReadOnlySpan<byte> stream = src.AsSpan(pos, csize);
                Span<byte> output = decoded.Slice(s * streamSize, streamSize);
                if (csize == streamSize)
                {
                    stream.CopyTo(output);
                }
                else
                {
                    DecodeStream(codecName, stream, output, key, b);
                }

                pos += csize;
            }

            if (shuffle)
            {
                Unshuffle(typesize, decoded, target);
            }
            else if (bitShuffle)
            {
                BitUnshuffle(typesize, decoded, target, version);
            }
        }

        return dest;
    }

    private static void DecodeStream(string codec, ReadOnlySpan<byte> stream, Span<byte> output, string key, int block)
    {
        string where = $"chunk '{key}' blosc block {block.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({codec})";
        switch (codec)
        {
            case "lz4":
                ZarrCodecs.Lz4Into(stream, output, where);
                break;
            case "zstd":
                ZarrCodecs.ZstdInto(stream, output, where);
                break;
            case "blosclz":
                BloscLz(stream, output, where);
                break;
            default:
                unsafe
                {
                    fixed (byte* p = stream)
                    {
                        using var ms = new UnmanagedMemoryStream(p, stream.Length);
                        using var z = new ZLibStream(ms, CompressionMode.Decompress);
                        int got = 0;
                        while (got < output.Length)
                        {
                            int n = z.Read(output[got..]);
                            if (n == 0)
                            {
                                throw new InvalidDataException($"{where} decodes to {got} bytes; expected {output.Length}");
                            }

                            got += n;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>
    /// BloscLZ (FastLZ level 2): a control byte below 32 starts a run of ctrl + 1 literals; otherwise it is a match of
    /// length (ctrl &gt;&gt; 5) + 2 (7 means more length bytes follow, each added, until one is not 255) at distance
    /// ((ctrl &amp; 31) &lt;&lt; 8) + next byte + 1 (31 and 255 mean a 16-bit big-endian distance plus 8191 follows).
    /// The first control byte's top 3 bits are the level. Fills all of <paramref name="output"/> or throws.
    /// </summary>
    internal static void BloscLz(ReadOnlySpan<byte> input, Span<byte> output, string where)
    {
        const int MaxDistance = 8191;
        int ip = 0;
        int op = 0;
        if (input.Length == 0)
        {
            throw new InvalidDataException($"{where}: an empty blosclz stream");
        }

        int ctrl = input[ip++] & 31;
        while (true)
        {
            if (ctrl >= 32)
            {
                int len = (ctrl >> 5) - 1;
                int ofs = (ctrl & 31) << 8;
                int code;
                if (len == 6)
                {
                    do
                    {
                        if (ip >= input.Length)
                        {
                            throw Truncated(where);
                        }

                        code = input[ip++];
                        len += code;
                    }
                    while (code == 255 && len < output.Length);
                }

                if (ip >= input.Length)
                {
                    throw Truncated(where);
                }

                code = input[ip++];
                len += 3;
                int distance = ofs + code + 1;
                if (code == 255 && ofs == 31 << 8)
                {
                    if (ip + 1 >= input.Length)
                    {
                        throw Truncated(where);
                    }

                    distance = (input[ip] << 8) + input[ip + 1] + MaxDistance + 1;
                    ip += 2;
                }

                int from = op - distance;
                if (from < 0 || len > output.Length - op)
                {
                    throw new InvalidDataException($"{where}: a blosclz match ({len} bytes at distance {distance}) falls outside the block");
                }

                if (distance >= len)
                {
                    output.Slice(from, len).CopyTo(output[op..]);
                }
                else
                {
                    for (int k = 0; k < len; k++)
                    {
                        output[op + k] = output[from + k];
                    }
                }

                op += len;
            }
            else
            {
                int run = ctrl + 1;
                if (run > output.Length - op || run > input.Length - ip)
                {
                    throw new InvalidDataException($"{where}: a blosclz literal run of {run} bytes falls outside the block or the stream");
                }

                input.Slice(ip, run).CopyTo(output[op..]);
                op += run;
                ip += run;
            }

            if (ip >= input.Length)
            {
                break;
            }

            ctrl = input[ip++];
        }

        if (op != output.Length)
        {
            throw new InvalidDataException($"{where} decodes to {op} bytes; expected {output.Length}");
        }
    }

    private static InvalidDataException Truncated(string where) => new($"{where}: the blosclz stream is truncated");

    /// <summary>Undoes blosc's byte shuffle of one block: byte j of element i was stored at j * (n / typesize) + i.</summary>
    internal static void Unshuffle(int typesize, ReadOnlySpan<byte> src, Span<byte> dest)
    {
        int elements = src.Length / typesize;
        for (int j = 0; j < typesize; j++)
        {
            ReadOnlySpan<byte> plane = src.Slice(j * elements, elements);
            for (int i = 0; i < elements; i++)
            {
                dest[(i * typesize) + j] = plane[i];
            }
        }

        int done = elements * typesize;
        src[done..].CopyTo(dest[done..]);
    }

    /// <summary>
    /// Undoes blosc's bit shuffle of one block: bit k of byte j of element i was stored at bit (i % 8) of byte
    /// (j * 8 + k) * (n / 8) + i / 8. Blosc1 buffers (format version 1-2) bit-shuffle a block only when its element
    /// count is a multiple of 8 (otherwise the block is stored as it is); blosc2's (3+) shuffle the first multiple of 8
    /// elements and store the remaining bytes as they are.
    /// </summary>
    internal static void BitUnshuffle(int typesize, ReadOnlySpan<byte> src, Span<byte> dest, int formatVersion)
    {
        int elements = src.Length / typesize;
        if (formatVersion <= 2 && elements % 8 != 0)
        {
            src.CopyTo(dest);
            return;
        }

        elements -= elements % 8;
        int rowBytes = elements / 8;
        int done = elements * typesize;
        dest[..done].Clear();
        for (int j = 0; j < typesize; j++)
        {
            for (int k = 0; k < 8; k++)
            {
                ReadOnlySpan<byte> row = src.Slice(((j * 8) + k) * rowBytes, rowBytes);
                byte bit = (byte)(1 << k);
                for (int g = 0; g < rowBytes; g++)
                {
                    int v = row[g];
                    if (v == 0)
                    {
                        continue;
                    }

                    int baseIndex = (g * 8 * typesize) + j;
                    for (int m = 0; m < 8; m++)
                    {
                        if ((v & (1 << m)) != 0)
                        {
                            dest[baseIndex + (m * typesize)] |= bit;
                        }
                    }
                }
            }
        }

        src[done..].CopyTo(dest[done..]);
    }
}
