using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace PodCache.Runtime.Tests.Rendering;

/// <summary>
/// A small independent PNG reader for the tests: checks the signature and every chunk's CRC, reads IHDR, inflates the
/// IDAT stream and undoes the five filter types. 8-bit RGB and RGBA, non-interlaced only.
/// </summary>
internal sealed class PngDecoder
{
    public int Width { get; private init; }
    public int Height { get; private init; }
    public int Channels { get; private init; }
    public byte[] Pixels { get; private init; } = [];
    public List<string> ChunkTypes { get; } = [];

    public int Rgb(int x, int y)
    {
        int o = (y * Width + x) * Channels;
        return (Pixels[o] << 16) | (Pixels[o + 1] << 8) | Pixels[o + 2];
    }

    public static PngDecoder Decode(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("bad signature");
        int pos = 8, width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            var c = new Crc32();
            c.Append(png.AsSpan(pos + 4, 4 + len));
            if (c.GetCurrentHashAsUInt32() != crc) throw new InvalidDataException($"bad CRC in {type}");
            types.Add(type);
            switch (type)
            {
                case "IHDR":
                    if (len != 13) throw new InvalidDataException("IHDR length");
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[10] != 0 || data[11] != 0 || data[12] != 0) throw new InvalidDataException("unsupported IHDR");
                    channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException("colour type") };
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            pos += 12 + len;
            if (type == "IEND") break;
        }
        if (types[0] != "IHDR" || types[^1] != "IEND") throw new InvalidDataException("chunk order");
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        int stride = width * channels;
        if (bytes.Length != (stride + 1) * height) throw new InvalidDataException("IDAT size");
        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            int filter = bytes[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int x = bytes[y * (stride + 1) + 1 + i];
                int a = i >= channels ? pixels[y * stride + i - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
                int cc = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
                int pred = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, cc),
                    _ => throw new InvalidDataException("filter type"),
                };
                pixels[y * stride + i] = (byte)(x + pred);
            }
        }
        var d = new PngDecoder { Width = width, Height = height, Channels = channels, Pixels = pixels };
        d.ChunkTypes.AddRange(types);
        return d;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
