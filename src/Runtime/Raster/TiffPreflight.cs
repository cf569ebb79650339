using System.Buffers.Binary;

namespace PodCache.Runtime.Raster;

/// <summary>
/// Checks the header and first image directory of untrusted TIFF bytes before LibTiff sees them: byte order, magic
/// number, directory offset, and that every tag's data lies inside the file. LibTiff sizes its buffers from the
/// counts in the directory, so a few corrupt bytes could otherwise make it allocate gigabytes.
/// </summary>
internal static class TiffPreflight
{
    /// <summary>More entries than any real image directory has; TIFF allows 65535.</summary>
    private const int MaxEntries = 4096;

    /// <exception cref="InvalidDataException">The bytes are not a TIFF file, or its first directory is corrupt.</exception>
    public static void Check(Stream stream)
    {
        long length = stream.Length;
        Span<byte> header = stackalloc byte[16];
        stream.Position = 0;
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < 8)
        {
            throw new InvalidDataException($"not a TIFF file: only {length} bytes");
        }
        bool little = header[0] == (byte)'I' && header[1] == (byte)'I';
        bool big = header[0] == (byte)'M' && header[1] == (byte)'M';
        if (!little && !big)
        {
            throw new InvalidDataException("not a TIFF file: it does not start with the byte-order mark 'II' or 'MM'");
        }
        int magic = U16(header[2..], little);
        bool bigTiff;
        long ifd;
        if (magic == 42)
        {
            bigTiff = false;
            ifd = U32(header[4..], little);
        }
        else if (magic == 43)
        {
            if (got < 16 || U16(header[4..], little) != 8)
            {
                throw new InvalidDataException("truncated or corrupt BigTIFF header");
            }
            bigTiff = true;
            ulong off = U64(header[8..], little);
            ifd = off > long.MaxValue ? -1 : (long)off;
        }
        else
        {
            throw new InvalidDataException($"not a TIFF file: magic number {magic}, expected 42 (TIFF) or 43 (BigTIFF)");
        }
        int countSize = bigTiff ? 8 : 2, entrySize = bigTiff ? 20 : 12, inline = bigTiff ? 8 : 4;
        if (ifd < (bigTiff ? 16 : 8) || ifd > length - countSize)
        {
            throw new InvalidDataException($"the first image directory offset {ifd} is outside the file ({length} bytes): truncated or corrupt");
        }
        var countBytes = new byte[countSize];
        Read(stream, ifd, countBytes);
        ulong entries = bigTiff ? U64(countBytes, little) : U16(countBytes, little);
        if (entries == 0 || entries > MaxEntries)
        {
            throw new InvalidDataException($"the first image directory claims {entries} entries: corrupt");
        }
        long dirBytes = (long)entries * entrySize;
        if (ifd + countSize + dirBytes > length)
        {
            throw new InvalidDataException($"the first image directory ({entries} entries at offset {ifd}) runs past the end of the file ({length} bytes): truncated");
        }
        var dir = new byte[dirBytes];
        Read(stream, ifd + countSize, dir);
        for (int i = 0; i < (int)entries; i++)
        {
            var e = dir.AsSpan(i * entrySize, entrySize);
            int tag = U16(e, little);
            int type = U16(e[2..], little);
            ulong count = bigTiff ? U64(e[4..], little) : U32(e[4..], little);
            int unit = TypeSize(type);
            if (unit == 0)
            {
                continue; // LibTiff skips tags of unknown types.
            }
            if (count > (ulong)length)
            {
                throw new InvalidDataException($"tag {tag} claims {count} values, more than the file's {length} bytes: corrupt");
            }
            ulong bytes = count * (ulong)unit;
            if (bytes <= (ulong)inline)
            {
                continue;
            }
            ulong at = bigTiff ? U64(e[12..], little) : U32(e[8..], little);
            if (at > (ulong)length || bytes > (ulong)length - at)
            {
                throw new InvalidDataException($"the data of tag {tag} ({bytes} bytes at offset {at}) lies past the end of the file ({length} bytes): truncated or corrupt");
            }
        }
        stream.Position = 0;
    }

    /// <summary>
    /// The value of the SHORT or LONG tag <paramref name="tag"/> of the first image directory, read from the bytes
    /// themselves (for tags LibTiff forgets, like the predictor of a compression it has no codec for); null when absent.
    /// The file must have passed <see cref="Check"/>.
    /// </summary>
    public static long? FirstDirectoryInteger(Stream stream, int tag)
    {
        long keep = stream.Position;
        try
        {
            Span<byte> header = stackalloc byte[16];
            stream.Position = 0;
            stream.ReadAtLeast(header, 16, throwOnEndOfStream: false);
            bool little = header[0] == (byte)'I';
            bool bigTiff = U16(header[2..], little) == 43;
            long ifd = bigTiff ? (long)U64(header[8..], little) : U32(header[4..], little);
            int countSize = bigTiff ? 8 : 2, entrySize = bigTiff ? 20 : 12;
            var countBytes = new byte[countSize];
            Read(stream, ifd, countBytes);
            int entries = (int)(bigTiff ? U64(countBytes, little) : U16(countBytes, little));
            var dir = new byte[(long)entries * entrySize];
            Read(stream, ifd + countSize, dir);
            for (int i = 0; i < entries; i++)
            {
                var e = dir.AsSpan(i * entrySize, entrySize);
                if (U16(e, little) != tag)
                {
                    continue;
                }
                int type = U16(e[2..], little);
                var value = e[(bigTiff ? 12 : 8)..];
                return type switch
                {
                    3 => U16(value, little),
                    4 => U32(value, little),
                    _ => null,
                };
            }
            return null;
        }
        finally
        {
            stream.Position = keep;
        }
    }

    private static void Read(Stream stream, long offset, byte[] buffer)
    {
        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    private static int TypeSize(int type) => type switch
    {
        1 or 2 or 6 or 7 => 1, // BYTE, ASCII, SBYTE, UNDEFINED
        3 or 8 => 2, // SHORT, SSHORT
        4 or 9 or 11 or 13 => 4, // LONG, SLONG, FLOAT, IFD
        5 or 10 or 12 or 16 or 17 or 18 => 8, // RATIONAL, SRATIONAL, DOUBLE, LONG8, SLONG8, IFD8
        _ => 0,
    };

    private static ushort U16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static ulong U64(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);
}
