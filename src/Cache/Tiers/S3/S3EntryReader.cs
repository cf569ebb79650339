using System.Buffers.Binary;
using System.IO.Hashing;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// Reads an entry in <see cref="EntryFormat"/> from a forward-only stream (an S3 response body) of known length. The
/// payload is decoded as it arrives, hashed on the way; the trailer (lengths, XxHash3) comes last and is checked before
/// the entry is returned, so nothing unverified is ever handed out, and the object is never held twice in memory.
/// </summary>
internal static class S3EntryReader
{
    private static ReadOnlySpan<byte> Magic => "PCE1"u8;

    private static ReadOnlySpan<byte> TrailerMagic => "PCE!"u8;

    /// <exception cref="CacheCorruptException">Truncated, altered, or not an entry for <paramref name="expectedKey"/>.</exception>
    public static CacheEntry Read(Stream source, long totalLength, ValueCodecs codecs, Key expectedKey)
    {
        const int trailerLength = EntryFormat.TrailerLength;
        if (totalLength < 8 + trailerLength)
        {
            throw new CacheCorruptException("object is shorter than an entry");
        }
        try
        {
            Span<byte> prefix = stackalloc byte[8];
            source.ReadExactly(prefix);
            if (!prefix[..4].SequenceEqual(Magic))
            {
                throw new CacheCorruptException("not a PodCache entry (bad magic)");
            }
            uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
            if (headerLength == 0 || headerLength > totalLength - 8 - trailerLength || headerLength > 16 << 20)
            {
                throw new CacheCorruptException($"implausible header length {headerLength}");
            }
            var headerBytes = new byte[headerLength];
            source.ReadExactly(headerBytes);
            var header = EntryFormat.DecodeHeader(headerBytes);
            if (header.Key != expectedKey)
            {
                throw new CacheCorruptException($"object holds key {header.Key}, expected {expectedKey}");
            }
            long payloadLength = totalLength - 8 - headerLength - trailerLength;
            if (header.Compression == "lz4")
            {
                return ReadSpooled(source, totalLength, prefix, headerBytes, codecs, expectedKey);
            }
            if (header.Compression != "none")
            {
                throw new CacheCorruptException($"unknown compression '{header.Compression}'");
            }
            var codec = codecs.For(header.ContentType)
                ?? throw new CacheCorruptException($"unknown content type '{header.ContentType}'");
            var hash = new XxHash3();
            hash.Append(headerBytes);
            var payload = new HashingReadStream(source, hash, payloadLength);
            var value = codec.Decode(payload, payloadLength);
            payload.DrainToEnd();

            Span<byte> trailer = stackalloc byte[trailerLength];
            source.ReadExactly(trailer);
            if (!trailer[24..].SequenceEqual(TrailerMagic))
            {
                throw new CacheCorruptException("entry trailer is missing (truncated or not a PodCache entry)");
            }
            long storedLength = BinaryPrimitives.ReadInt64LittleEndian(trailer);
            long decodedLength = BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]);
            ulong expectedHash = BinaryPrimitives.ReadUInt64LittleEndian(trailer[16..]);
            if (storedLength != payloadLength || decodedLength != payloadLength)
            {
                throw new CacheCorruptException("entry length does not match its trailer");
            }
            if (hash.GetCurrentHashAsUInt64() != expectedHash)
            {
                throw new CacheCorruptException("entry checksum does not match");
            }
            Span<byte> extra = stackalloc byte[1];
            if (source.Read(extra) != 0)
            {
                throw new CacheCorruptException("object is longer than its entry");
            }
            return new CacheEntry(header.Key, value, header.Created, header.Expires, header.ComputeSeconds, header.Provenance);
        }
        catch (EndOfStreamException ex)
        {
            throw new CacheCorruptException("object ended before its entry did", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new CacheCorruptException("entry payload is invalid", ex);
        }
    }

    /// <summary>
    /// A compressed entry's decoded length is in its trailer, which the decoder needs first: such objects (the S3 tier
    /// writes none, but another writer may) go through a temporary file and the seekable reader.
    /// </summary>
    private static CacheEntry ReadSpooled(Stream source, long totalLength, ReadOnlySpan<byte> prefix, byte[] headerBytes,
        ValueCodecs codecs, Key expectedKey)
    {
        string path = Path.Combine(Path.GetTempPath(), $"podcache-s3-{Guid.NewGuid():N}.tmp");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        file.Write(prefix);
        file.Write(headerBytes);
        source.CopyTo(file);
        if (file.Length != totalLength)
        {
            throw new CacheCorruptException("object length does not match its size");
        }
        file.Position = 0;
        return EntryFormat.Read(file, totalLength, codecs, expectedKey);
    }
}
