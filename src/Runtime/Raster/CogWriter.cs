using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace PodCache.Runtime.Raster;

/// <summary>
/// Writes a north-up float64 image as a Cloud Optimized GeoTIFF: 256×256 tiles compressed with DEFLATE, internal
/// overviews halving the size down to one tile (the mean of each 2×2 block's finite cells, NaN when none), and the
/// layout GDAL's COG driver writes and its validator checks — GDAL's structural-metadata ghost area
/// (<c>LAYOUT=IFDS_BEFORE_DATA</c>, <c>BLOCK_ORDER=ROW_MAJOR</c>) and every IFD before the image data, which runs from
/// the smallest overview to the full resolution, tiles in row-major order. A reader fetches the header and then only
/// the tiles of its window, at the resolution it needs. Classic TIFF: images of up to 4 GiB of compressed data.
/// </summary>
/// <remarks>
/// Written by hand rather than through LibTiff because LibTiff puts the directory after the data it describes.
/// </remarks>
internal static class CogWriter
{
    public const int Tile = 256;

    private const ushort Short = 3, Long = 4, Double = 12, Ascii = 2;

    private sealed record Level(int Width, int Height, double[] Image, byte[][] Tiles);

    /// <summary>The COG bytes of <paramref name="image"/> (row-major, north up) with the given geo tags.</summary>
    /// <exception cref="ArgumentException">The compressed image would not fit a classic TIFF.</exception>
    public static byte[] Encode(double[] image, int width, int height, double[] pixelScale, double[] tiepoint, short[] geoKeys)
    {
        var levels = new List<Level> { Compress(width, height, image) };
        while (levels[^1].Width > Tile || levels[^1].Height > Tile)
        {
            var prev = levels[^1];
            int w = (prev.Width + 1) / 2, h = (prev.Height + 1) / 2;
            levels.Add(Compress(w, h, Halve(prev.Image, prev.Width, prev.Height, w, h)));
        }
        byte[] ghost = Encoding.ASCII.GetBytes(GhostArea());
        // Directories: level 0 (with the geo tags), then the overviews, each followed by its out-of-line values.
        var ifds = new List<byte[]>();
        long offset = 8 + ghost.Length;
        offset += offset % 2;
        long dataStart = offset;
        // First pass to size the directories (their size does not depend on the offsets they hold).
        for (int l = 0; l < levels.Count; l++)
        {
            dataStart += Directory(levels[l], l, new long[levels[l].Tiles.Length], 0, pixelScale, tiepoint, geoKeys).Length;
            dataStart += dataStart % 2;
        }
        // Tile offsets: the smallest overview's tiles first, the full resolution last.
        var tileOffsets = new long[levels.Count][];
        long at = dataStart;
        for (int l = levels.Count - 1; l >= 0; l--)
        {
            tileOffsets[l] = new long[levels[l].Tiles.Length];
            for (int t = 0; t < levels[l].Tiles.Length; t++)
            {
                tileOffsets[l][t] = at;
                at += levels[l].Tiles[t].Length;
            }
        }
        if (at > uint.MaxValue)
        {
            throw new ArgumentException($"the compressed GeoTIFF would have {at:N0} bytes, more than a classic TIFF holds (4 GiB)");
        }
        long ifdAt = offset;
        var firstIfd = ifdAt;
        for (int l = 0; l < levels.Count; l++)
        {
            long size = Directory(levels[l], l, tileOffsets[l], 0, pixelScale, tiepoint, geoKeys).Length;
            long next = l == levels.Count - 1 ? 0 : ifdAt + size + (ifdAt + size) % 2;
            ifds.Add(Directory(levels[l], l, tileOffsets[l], ifdAt, pixelScale, tiepoint, geoKeys, next));
            ifdAt = next;
        }
        var output = new byte[at];
        var span = output.AsSpan();
        span[0] = (byte)'I';
        span[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)firstIfd);
        ghost.CopyTo(span[8..]);
        long pos = firstIfd;
        foreach (var ifd in ifds)
        {
            ifd.CopyTo(span[(int)pos..]);
            pos += ifd.Length;
            pos += pos % 2;
        }
        for (int l = 0; l < levels.Count; l++)
        {
            for (int t = 0; t < levels[l].Tiles.Length; t++)
            {
                levels[l].Tiles[t].CopyTo(span[(int)tileOffsets[l][t]..]);
            }
        }
        return output;
    }

    /// <summary>GDAL's structural metadata (what its COG driver writes at byte 8), declaring the layout below.</summary>
    private static string GhostArea()
    {
        const string body = "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nKNOWN_INCOMPATIBLE_EDITION=NO\n";
        return $"GDAL_STRUCTURAL_METADATA_SIZE={body.Length:D6} bytes\n" + body;
    }

    private static Level Compress(int width, int height, double[] image)
    {
        int across = (width + Tile - 1) / Tile, down = (height + Tile - 1) / Tile;
        var tiles = new byte[across * down][];
        Parallel.For(0, tiles.Length, t =>
        {
            int tx = t % across, ty = t / across;
            var cells = new double[Tile * Tile];
            Array.Fill(cells, double.NaN); // edge tiles are padded with nodata
            for (int r = 0; r < Tile && ty * Tile + r < height; r++)
            {
                int cols = Math.Min(Tile, width - tx * Tile);
                image.AsSpan((ty * Tile + r) * width + tx * Tile, cols).CopyTo(cells.AsSpan(r * Tile, cols));
            }
            using var ms = new MemoryStream();
            using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(MemoryMarshal.AsBytes(cells.AsSpan()));
            }
            tiles[t] = ms.ToArray();
        });
        return new Level(width, height, image, tiles);
    }

    /// <summary>The mean of each 2×2 block's finite cells (NaN when none), as GDAL's AVERAGE overviews skip nodata.</summary>
    private static double[] Halve(double[] src, int width, int height, int w, int h)
    {
        var dst = new double[(long)w * h];
        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < w; c++)
            {
                double sum = 0;
                int n = 0;
                for (int dr = 0; dr < 2; dr++)
                {
                    int sr = 2 * r + dr;
                    if (sr >= height) break;
                    for (int dc = 0; dc < 2; dc++)
                    {
                        int sc = 2 * c + dc;
                        if (sc >= width) break;
                        double v = src[(long)sr * width + sc];
                        if (double.IsFinite(v))
                        {
                            sum += v;
                            n++;
                        }
                    }
                }
                dst[(long)r * w + c] = n == 0 ? double.NaN : sum / n;
            }
        }
        return dst;
    }

    /// <summary>One IFD with its out-of-line values, laid out for <paramref name="at"/>.</summary>
    private static byte[] Directory(Level level, int index, long[] tileOffsets, long at, double[] pixelScale, double[] tiepoint, short[] geoKeys,
        long next = 0)
    {
        var entries = new List<(ushort Tag, ushort Type, uint Count, byte[] Value)>
        {
            (254, Long, 1, U32(index == 0 ? 0u : 1u)), // NewSubfileType: 1 = reduced resolution
            (256, Long, 1, U32((uint)level.Width)),
            (257, Long, 1, U32((uint)level.Height)),
            (258, Short, 1, U16(64)),
            (259, Short, 1, U16(8)), // Adobe DEFLATE
            (262, Short, 1, U16(1)), // min is black
            (277, Short, 1, U16(1)),
            (284, Short, 1, U16(1)),
            (322, Short, 1, U16(Tile)),
            (323, Short, 1, U16(Tile)),
            (324, Long, (uint)tileOffsets.Length, tileOffsets.SelectMany(o => U32((uint)o)).ToArray()),
            (325, Long, (uint)level.Tiles.Length, level.Tiles.SelectMany(t => U32((uint)t.Length)).ToArray()),
            (339, Short, 1, U16(3)), // IEEE floating point
        };
        if (index == 0)
        {
            entries.Add((33550, Double, (uint)pixelScale.Length, pixelScale.SelectMany(F64).ToArray()));
            entries.Add((33922, Double, (uint)tiepoint.Length, tiepoint.SelectMany(F64).ToArray()));
            entries.Add((34735, Short, (uint)geoKeys.Length, geoKeys.SelectMany(k => U16((ushort)k)).ToArray()));
        }
        entries.Add((42113, Ascii, 4, "nan\0"u8.ToArray()));
        int head = 2 + entries.Count * 12 + 4;
        var extra = new List<byte>();
        var ifd = new byte[head];
        BinaryPrimitives.WriteUInt16LittleEndian(ifd, (ushort)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var (tag, type, count, value) = entries[i];
            var e = ifd.AsSpan(2 + i * 12, 12);
            BinaryPrimitives.WriteUInt16LittleEndian(e, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(e[4..], count);
            if (value.Length <= 4)
            {
                value.CopyTo(e[8..]);
            }
            else
            {
                if (extra.Count % 2 == 1) extra.Add(0); // values start on a word boundary
                BinaryPrimitives.WriteUInt32LittleEndian(e[8..], (uint)(at + head + extra.Count));
                extra.AddRange(value);
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(ifd.AsSpan(head - 4), (uint)next);
        return [.. ifd, .. extra];
    }

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static byte[] F64(double v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, v);
        return b;
    }
}
