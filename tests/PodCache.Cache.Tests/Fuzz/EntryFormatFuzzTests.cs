using CsCheck;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;
using PodCache.Tests.Fuzz;

namespace PodCache.Cache.Tests.Fuzz;

/// <summary>
/// The disk tier's entry reader on mutated real entries: whatever the bytes, only <see cref="CacheCorruptException"/>
/// comes out (the documented exception of <see cref="EntryFormat.Read"/> and <see cref="EntryFormat.ReadHeader"/>).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class EntryFormatFuzzTests
{
    internal static readonly Key EntryKey = Key.Hash("fuzz-entry");

    /// <summary>Prefix header length, trailer stored length, decoded length, checksum and magic.</summary>
    internal static readonly int[] HotOffsets = [4, 8, 9, 10, -28, -24, -20, -16, -12, -4];

    /// <summary>Real entries: empty, small and larger payloads, compressed or not, with and without expiry and provenance.</summary>
    internal static IReadOnlyList<byte[]> Seeds()
    {
        var created = new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);
        var codec = new BinaryValueCodec();
        var seeds = new List<byte[]>();
        foreach (bool lz4 in new[] { false, true })
        {
            foreach (int size in new[] { 0, 5, 300, 5000 })
            {
                var payload = Enumerable.Range(0, size).Select(i => (byte)(i % 7 == 0 ? i : 3)).ToArray();
                var entry = new CacheEntry(EntryKey, new BinaryValue("image/tiff", payload), created,
                    size % 2 == 0 ? created.AddDays(1) : null, 0.25 * size, size > 100 ? "{\"a\":{\"node\":\"x\"}}" : null);
                var ms = new MemoryStream();
                EntryFormat.Write(ms, entry, codec, lz4);
                seeds.Add(ms.ToArray());
            }
        }
        return seeds;
    }

    internal static ValueCodecs Codecs => new();

    [Fact]
    public void Read_MutatedEntries_OnlyCacheCorruptException()
    {
        var codecs = Codecs;
        FuzzInputs.Run(FuzzInputs.MutatedBytes(Seeds(), HotOffsets), bytes =>
        {
            FuzzInputs.Expect(() => EntryFormat.Read(new MemoryStream(bytes, writable: false), bytes.Length, codecs, EntryKey),
                typeof(CacheCorruptException));
            FuzzInputs.Expect(() => EntryFormat.ReadHeader(new MemoryStream(bytes, writable: false)), typeof(CacheCorruptException));
        }, normalIterations: 400, print: Convert.ToHexString);
    }

    /// <summary>An entry of <paramref name="size"/> bytes of payload; compressed when <paramref name="lz4"/>.</summary>
    internal static byte[] Entry(bool lz4, int size = 5000)
    {
        var payload = Enumerable.Range(0, size).Select(i => (byte)(i % 7 == 0 ? i : 3)).ToArray();
        var entry = new CacheEntry(EntryKey, new BinaryValue("image/tiff", payload),
            new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero), null, 1);
        var ms = new MemoryStream();
        EntryFormat.Write(ms, entry, new BinaryValueCodec(), lz4);
        return ms.ToArray();
    }

    /// <summary>Where the LZ4 frame starts: after the prefix and the header.</summary>
    internal static int PayloadStart(byte[] entry) => 8 + (int)BitConverter.ToUInt32(entry, 4);

    /// <summary>Found by this target: a header field holding a uint64 above long.MaxValue (MessagePack's OverflowException).</summary>
    [Fact]
    public void Read_HeaderCreatedAboveInt64_CacheCorruptException()
    {
        var bytes = Entry(lz4: false, size: 10);
        int at = IndexOf(bytes, "created"u8.ToArray()) + "created".Length;
        Assert.Equal(0xCF, bytes[at]); // uint64
        bytes.AsSpan(at + 1, 8).Fill(0xFF);

        Assert.Throws<CacheCorruptException>(() => EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey));
        Assert.Throws<CacheCorruptException>(() => EntryFormat.ReadHeader(new MemoryStream(bytes)));
    }

    /// <summary>Found by this target: an LZ4 block size larger than the frame allows (ArgumentOutOfRangeException).</summary>
    [Fact]
    public void Read_Lz4BlockSizeHuge_CacheCorruptException()
    {
        var bytes = Entry(lz4: true);
        int block = PayloadStart(bytes) + 7; // LZ4 frame: magic (4), FLG, BD, header checksum; then the block size
        BitConverter.GetBytes(0x00400000u).CopyTo(bytes, block);

        Assert.Throws<CacheCorruptException>(() => EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey));
    }

    /// <summary>Found by this target: corrupt LZ4 block contents (InvalidOperationException from the decoder).</summary>
    [Fact]
    public void Read_Lz4BlockContentsCorrupt_CacheCorruptException()
    {
        var bytes = Entry(lz4: true);
        int block = PayloadStart(bytes) + 7;
        BitConverter.GetBytes(0x0000FFFFu).CopyTo(bytes, block + 4); // the first sequence: a match offset far behind the start

        Assert.Throws<CacheCorruptException>(() => EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey));
    }

    /// <summary>
    /// Seen while fuzzing: a decoded length in the trailer (not covered by the checksum until the payload is decoded)
    /// sized the codec's buffer, so one flipped bit in a 3 KB entry allocated 2 GB before the entry was found corrupt.
    /// </summary>
    [Fact]
    public void Read_Lz4DecodedLengthHuge_CacheCorruptExceptionWithoutAllocatingIt()
    {
        var bytes = Entry(lz4: true);
        BitConverter.GetBytes((long)int.MaxValue - 64).CopyTo(bytes, bytes.Length - 20);
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<CacheCorruptException>(() => EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated from the corrupt decoded length");
    }

    /// <summary>The bound on the decoded length leaves real entries alone: zeros compress as far as LZ4 goes.</summary>
    [Fact]
    public void Read_Lz4AllZeroPayload_RoundTrips()
    {
        var payload = new byte[8 << 20];
        var entry = new CacheEntry(EntryKey, new BinaryValue("application/octet-stream", payload), DateTimeOffset.UnixEpoch, null, 1);
        var ms = new MemoryStream();
        EntryFormat.Write(ms, entry, new BinaryValueCodec(), lz4: true);
        var bytes = ms.ToArray();
        Assert.True(bytes.Length < payload.Length / 200, $"{bytes.Length} bytes: not compressed near LZ4's limit");

        var back = (BinaryValue)EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey).Value;

        Assert.Equal(payload.Length, back.Bytes.Length);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    [Fact]
    public void Read_UnmutatedSeeds_RoundTrip()
    {
        // The fuzz target is only meaningful if its seeds are entries the reader accepts.
        foreach (var bytes in Seeds())
        {
            var entry = EntryFormat.Read(new MemoryStream(bytes), bytes.Length, Codecs, EntryKey);
            Assert.Equal(EntryKey, entry.Key);
        }
    }
}
