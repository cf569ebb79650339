using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4.Streams;
using MessagePack;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>
/// The byte layout of one stored entry, shared by the disk and S3 tiers:
/// <c>"PCE1" | u32 header length | MessagePack header | payload | u64 stored length | u64 decoded length | u64 XxHash3(header+payload) | "PCE!"</c>.
/// The checksum and length sit in a trailer so the payload can be streamed; a truncated or altered entry fails the
/// trailer or checksum check and is never served.
/// </summary>
public static class EntryFormat
{
    private static ReadOnlySpan<byte> Magic => "PCE1"u8;

    private static ReadOnlySpan<byte> TrailerMagic => "PCE!"u8;

    /// <summary>Bytes of the trailer.</summary>
    public const int TrailerLength = 28;

    private const int MaxHeaderLength = 16 << 20;

    private const long MaxLz4Expansion = 256;

    /// <summary>Writes <paramref name="entry"/> to <paramref name="destination"/>; returns the total bytes written.</summary>
    public static long Write(Stream destination, CacheEntry entry, IValueCodec codec, bool lz4)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(codec);
        var header = new EntryHeader
        {
            Key = entry.Key,
            ContentType = codec.ContentType,
            Created = entry.Created,
            Expires = entry.Expires,
            ComputeSeconds = entry.ComputeSeconds,
            SizeBytes = entry.SizeBytes,
            Compression = lz4 ? "lz4" : "none",
            Provenance = entry.Provenance,
        };
        var headerBytes = EncodeHeader(header);
        var hash = new XxHash3();
        Span<byte> prefix = stackalloc byte[8];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], (uint)headerBytes.Length);
        destination.Write(prefix);
        destination.Write(headerBytes);
        hash.Append(headerBytes);
        var counting = new HashingWriteStream(destination, hash);
        long decoded;
        if (lz4)
        {
            var raw = new HashingWriteStream(Stream.Null, new XxHash32());
            using (var enc = LZ4Stream.Encode(counting, leaveOpen: true))
            {
                var tee = new TeeWriteStream(enc, raw);
                codec.Encode(entry.Value, tee);
            }
            decoded = raw.Written;
        }
        else
        {
            codec.Encode(entry.Value, counting);
            decoded = counting.Written;
        }
        Span<byte> trailer = stackalloc byte[TrailerLength];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, counting.Written);
        BinaryPrimitives.WriteInt64LittleEndian(trailer[8..], decoded);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[16..], hash.GetCurrentHashAsUInt64());
        TrailerMagic.CopyTo(trailer[24..]);
        destination.Write(trailer);
        return 8 + headerBytes.Length + counting.Written + TrailerLength;
    }

    /// <summary>Reads only the header (for inspect, probes and index rebuilds).</summary>
    /// <exception cref="CacheCorruptException">Not an entry.</exception>
    public static EntryHeader ReadHeader(Stream source) => ReadPrefix(source, out _);

    /// <summary>
    /// Reads and verifies a whole entry of <paramref name="totalLength"/> bytes: header, payload (decoded by the codec
    /// named in the header) and trailer checksum.
    /// </summary>
    /// <exception cref="CacheCorruptException">Truncated, altered, or of an unknown content type.</exception>
    /// <remarks>The stream must be seekable: the trailer is read first, so nothing is decoded from a truncated entry.</remarks>
    public static CacheEntry Read(Stream source, long totalLength, ValueCodecs codecs, Key expectedKey)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentNullException.ThrowIfNull(source);
        if (totalLength < 8 + TrailerLength)
        {
            throw new CacheCorruptException("entry is truncated");
        }
        long start = source.Position;
        Span<byte> trailer = stackalloc byte[TrailerLength];
        source.Position = start + totalLength - TrailerLength;
        source.ReadExactly(trailer);
        source.Position = start;
        if (!trailer[24..].SequenceEqual(TrailerMagic))
        {
            throw new CacheCorruptException("entry trailer is missing (truncated or not a PodCache entry)");
        }
        long storedLength = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        long decodedLength = BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]);
        ulong expectedHash = BinaryPrimitives.ReadUInt64LittleEndian(trailer[16..]);
        var header = ReadPrefix(source, out var headerBytes);
        if (header.Key != expectedKey)
        {
            throw new CacheCorruptException($"entry holds key {header.Key}, expected {expectedKey}");
        }
        long payloadLength = totalLength - 8 - headerBytes.Length - TrailerLength;
        if (payloadLength < 0 || payloadLength != storedLength || decodedLength < 0)
        {
            throw new CacheCorruptException("entry length does not match its trailer");
        }
        // Codecs size their buffers from the decoded length, which the checksum only vouches for after decoding: bound it
        // by what LZ4 can expand to (at most 255 bytes per input byte) before anything is allocated from it.
        if (header.Compression == "lz4" && decodedLength > (payloadLength * MaxLz4Expansion) + 1024)
        {
            throw new CacheCorruptException($"entry claims {decodedLength} decoded bytes from {payloadLength} compressed: corrupt trailer");
        }
        var codec = codecs.For(header.ContentType)
            ?? throw new CacheCorruptException($"unknown content type '{header.ContentType}'");
        var hash = new XxHash3();
        hash.Append(headerBytes);
        var limited = new HashingReadStream(source, hash, payloadLength);
        ICacheValue value;
        try
        {
            if (header.Compression == "lz4")
            {
                using var dec = LZ4Stream.Decode(limited, leaveOpen: true);
                value = codec.Decode(dec, decodedLength);
            }
            else if (header.Compression == "none")
            {
                value = codec.Decode(limited, payloadLength);
            }
            else
            {
                throw new CacheCorruptException($"unknown compression '{header.Compression}'");
            }
            limited.DrainToEnd();
        }
        catch (EndOfStreamException ex)
        {
            throw new CacheCorruptException("entry payload is truncated", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new CacheCorruptException("entry payload does not decompress", ex);
        }
        catch (Exception ex) when (header.Compression == "lz4" && ex is InvalidOperationException or ArgumentException)
        {
            // K4os' LZ4 decoder reports a corrupt frame (bad block sizes, match offsets before the start) this way.
            throw new CacheCorruptException("entry payload does not decompress", ex);
        }
        if (hash.GetCurrentHashAsUInt64() != expectedHash)
        {
            throw new CacheCorruptException("entry checksum does not match");
        }
        return new CacheEntry(header.Key, value, header.Created, header.Expires, header.ComputeSeconds, header.Provenance);
    }

    private static EntryHeader ReadPrefix(Stream source, out byte[] headerBytes)
    {
        Span<byte> prefix = stackalloc byte[8];
        try
        {
            source.ReadExactly(prefix);
        }
        catch (EndOfStreamException ex)
        {
            throw new CacheCorruptException("entry is shorter than its prefix", ex);
        }
        if (!prefix[..4].SequenceEqual(Magic))
        {
            throw new CacheCorruptException("not a PodCache entry (bad magic)");
        }
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (len == 0 || len > MaxHeaderLength)
        {
            throw new CacheCorruptException($"implausible header length {len}");
        }
        headerBytes = new byte[len];
        try
        {
            source.ReadExactly(headerBytes);
        }
        catch (EndOfStreamException ex)
        {
            throw new CacheCorruptException("entry header is truncated", ex);
        }
        return DecodeHeader(headerBytes);
    }

    internal static byte[] EncodeHeader(EntryHeader h)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(8);
        w.Write("key");
        var digest = new byte[32];
        h.Key.WriteDigest(digest);
        w.Write(digest);
        w.Write("contentType");
        w.Write(h.ContentType);
        w.Write("created");
        w.Write(h.Created.ToUnixTimeMilliseconds());
        w.Write("expires");
        if (h.Expires is { } e) w.Write(e.ToUnixTimeMilliseconds()); else w.WriteNil();
        w.Write("cost");
        w.Write(h.ComputeSeconds);
        w.Write("size");
        w.Write(h.SizeBytes);
        w.Write("compression");
        w.Write(h.Compression);
        w.Write("provenance");
        if (h.Provenance is { } p) w.Write(p); else w.WriteNil();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    internal static EntryHeader DecodeHeader(byte[] bytes)
    {
        try
        {
            var r = new MessagePackReader(bytes);
            int n = r.ReadMapHeader();
            Key? key = null;
            string? contentType = null, compression = "none", provenance = null;
            long created = 0, size = 0;
            long? expires = null;
            double cost = 0;
            for (int i = 0; i < n; i++)
            {
                string? name = r.ReadString();
                switch (name)
                {
                    case "key":
                        var seq = r.ReadBytes() ?? throw new CacheCorruptException("header key is nil");
                        if (seq.Length != 32) throw new CacheCorruptException("header key is not 32 bytes");
                        var d = new byte[32];
                        System.Buffers.BuffersExtensions.CopyTo(seq, d);
                        key = Key.FromDigest(d);
                        break;
                    case "contentType": contentType = r.ReadString(); break;
                    case "created": created = r.ReadInt64(); break;
                    case "expires":
                        if (r.TryReadNil()) expires = null; else expires = r.ReadInt64();
                        break;
                    case "cost": cost = r.ReadDouble(); break;
                    case "size": size = r.ReadInt64(); break;
                    case "compression": compression = r.ReadString(); break;
                    case "provenance":
                        provenance = r.TryReadNil() ? null : r.ReadString();
                        break;
                    default: r.Skip(); break;
                }
            }
            if (key is null || string.IsNullOrEmpty(contentType) || size < 0 || !double.IsFinite(cost) || cost < 0)
            {
                throw new CacheCorruptException("entry header is incomplete");
            }
            return new EntryHeader
            {
                Key = key.Value,
                ContentType = contentType,
                Created = DateTimeOffset.FromUnixTimeMilliseconds(created),
                Expires = expires is { } x ? DateTimeOffset.FromUnixTimeMilliseconds(x) : null,
                ComputeSeconds = cost,
                SizeBytes = size,
                Compression = compression ?? "none",
                Provenance = provenance,
            };
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or ArgumentOutOfRangeException or EndOfStreamException
            or OverflowException)
        {
            throw new CacheCorruptException("entry header is not valid MessagePack", ex);
        }
    }
}
