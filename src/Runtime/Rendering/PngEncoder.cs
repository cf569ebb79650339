using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace PodCache.Runtime.Rendering;

/// <summary>
/// A minimal PNG writer (ISO/IEC 15948): 8-bit truecolour (RGB) or truecolour with alpha (RGBA), non-interlaced,
/// one IDAT chunk, per-row adaptive filtering. Managed code only, so pictures render on any machine.
/// </summary>
public static class PngEncoder
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Largest width or height accepted; far beyond any picture PodCache draws, it bounds memory use.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Encodes RGB8 pixels (3 bytes per pixel, row-major, top row first).</summary>
    /// <exception cref="ArgumentException">The buffer does not hold <paramref name="width"/> x <paramref name="height"/> pixels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1 or above <see cref="MaxDimension"/>.</exception>
    public static byte[] EncodeRgb(ReadOnlySpan<byte> pixels, int width, int height) => Encode(pixels, width, height, 3);

    /// <summary>Encodes RGBA8 pixels (4 bytes per pixel, row-major, top row first, straight alpha).</summary>
    /// <exception cref="ArgumentException">The buffer does not hold <paramref name="width"/> x <paramref name="height"/> pixels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1 or above <see cref="MaxDimension"/>.</exception>
    public static byte[] EncodeRgba(ReadOnlySpan<byte> pixels, int width, int height) => Encode(pixels, width, height, 4);

    private static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int bpp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxDimension);
        int stride = width * bpp;
        if (pixels.Length != stride * height)
        {
            throw new ArgumentException($"expected {stride * height} bytes for {width} x {height} x {bpp}, got {pixels.Length}", nameof(pixels));
        }

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                          // bit depth
        ihdr[9] = (byte)(bpp == 4 ? 6 : 2);   // colour type: 6 truecolour + alpha, 2 truecolour
        ihdr[10] = 0;                         // deflate
        ihdr[11] = 0;                         // adaptive filtering
        ihdr[12] = 0;                         // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);

        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                // One buffer per filter type, each with the filter-type byte in front, so the chosen row is written as is.
                var candidates = new byte[5][];
                for (int f = 0; f < 5; f++)
                {
                    candidates[f] = new byte[stride + 1];
                    candidates[f][0] = (byte)f;
                }
                for (int y = 0; y < height; y++)
                {
                    var row = pixels.Slice(y * stride, stride);
                    var prior = y == 0 ? default : pixels.Slice((y - 1) * stride, stride);
                    z.Write(candidates[FilterRow(row, prior, bpp, candidates)]);
                }
            }
            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    // Filters the row all five ways and returns the type whose output has the smallest sum of absolute (signed)
    // bytes: the heuristic the PNG specification recommends; it keeps upscaled heatmaps (runs of equal pixels,
    // repeated rows) small. One simple loop per filter, so each stays cheap.
    private static int FilterRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, byte[][] candidates)
    {
        int n = row.Length;
        bool first = prior.IsEmpty;
        var none = candidates[0].AsSpan(1);
        var sub = candidates[1].AsSpan(1);
        var up = candidates[2].AsSpan(1);
        var avg = candidates[3].AsSpan(1);
        var paeth = candidates[4].AsSpan(1);
        row.CopyTo(none);
        for (int i = 0; i < n; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = first ? 0 : prior[i];
            int c = i >= bpp && !first ? prior[i - bpp] : 0;
            int x = row[i];
            sub[i] = (byte)(x - a);
            up[i] = (byte)(x - b);
            avg[i] = (byte)(x - ((a + b) >> 1));
            paeth[i] = (byte)(x - Paeth(a, b, c));
        }
        int best = 0;
        long bestScore = long.MaxValue;
        for (int f = 0; f < 5; f++)
        {
            long score = 0;
            foreach (var v in candidates[f].AsSpan(1))
            {
                int sv = (sbyte)v;
                score += sv < 0 ? -sv : sv;
            }
            if (score < bestScore)
            {
                bestScore = score;
                best = f;
            }
        }
        return best;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
