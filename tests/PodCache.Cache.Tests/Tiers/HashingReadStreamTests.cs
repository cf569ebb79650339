using System.IO.Hashing;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tests.Fuzz;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>
/// The entry reader's hashing view: a large read overlaps reading (on a pool thread) and hashing, and must give the same
/// bytes and checksum as reading and hashing in turn, fail as that does, and never leave a read running when it returns.
/// </summary>
public sealed class HashingReadStreamTests
{
    private const int Chunk = HashingReadStream.PipelineChunkBytes;

    public static TheoryData<int> Sizes => new()
    {
        HashingReadStream.PipelineMinBytes - 1, // just below: read in turn
        HashingReadStream.PipelineMinBytes,     // whole chunks
        (7 * Chunk) + 17,                      // a short last chunk
    };

    private static byte[] Data(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    private static (byte[] Read, ulong Hash) ReadAll(Stream inner, int size, bool pipelined)
    {
        var hash = new XxHash3();
        var stream = new HashingReadStream(inner, hash, size) { Pipelined = pipelined };
        var buffer = new byte[size];
        stream.ReadExactly(buffer);
        Assert.Equal(0, stream.Read(new byte[1]));
        return (buffer, hash.GetCurrentHashAsUInt64());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Pipelined_GivesTheBytesAndHashOfReadingInTurn(int size)
    {
        var data = Data(size);
        var expected = XxHash3.HashToUInt64(data);

        var pipelined = ReadAll(new MemoryStream(data), size, pipelined: true);
        var inTurn = ReadAll(new MemoryStream(data), size, pipelined: false);

        Assert.True(data.AsSpan().SequenceEqual(pipelined.Read), "pipelined read gave other bytes");
        Assert.True(data.AsSpan().SequenceEqual(inTurn.Read), "read in turn gave other bytes");
        Assert.Equal(expected, pipelined.Hash);
        Assert.Equal(expected, inTurn.Hash);
    }

    [Fact]
    public void Pipelined_InnerStreamGivingShortReads_FillsEveryChunk()
    {
        int size = (5 * Chunk) + 3;
        var data = Data(size);
        var inner = new ProbeStream(data, maxPerRead: 10_000);

        var result = ReadAll(inner, size, pipelined: true);

        Assert.True(data.AsSpan().SequenceEqual(result.Read));
        Assert.Equal(XxHash3.HashToUInt64(data), result.Hash);
        Assert.Equal(1, inner.MostConcurrentReads);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TruncatedPayload_EndOfStream_AndNoReadLeftRunning(bool pipelined)
    {
        int claimed = 6 * Chunk;
        var inner = new ProbeStream(Data((3 * Chunk) + 5), maxPerRead: int.MaxValue);
        var stream = new HashingReadStream(inner, new XxHash3(), claimed) { Pipelined = pipelined };

        Assert.Throws<EndOfStreamException>(() => stream.ReadExactly(new byte[claimed]));

        Assert.Equal(0, inner.ActiveReads);
        Assert.Equal(1, inner.MostConcurrentReads);
    }

    [Fact]
    public void Pipelined_InnerStreamFailingMidway_RethrowsItsErrorAfterEveryReadEnds()
    {
        int size = 8 * Chunk;
        var inner = new ProbeStream(Data(size), maxPerRead: int.MaxValue) { FailAt = (5 * Chunk) + 1 };
        var stream = new HashingReadStream(inner, new XxHash3(), size) { Pipelined = true };

        var ex = Assert.Throws<IOException>(() => stream.ReadExactly(new byte[size]));

        Assert.Equal("injected read failure", ex.Message);
        Assert.Equal(0, inner.ActiveReads);
        int readsAtReturn = inner.Reads;
        Thread.Sleep(50);
        Assert.Equal(readsAtReturn, inner.Reads);
    }

    [Fact]
    public void EntryFormat_LargeEntry_RoundTrips_AndACorruptByteInALateChunkIsCaught()
    {
        int size = (9 * Chunk) + 101;
        var payload = Data(size);
        var entry = new CacheEntry(EntryFormatFuzzTests.EntryKey, new BinaryValue("image/tiff", payload),
            new DateTimeOffset(2026, 12, 4, 6, 0, 0, TimeSpan.Zero), null, 1);
        var ms = new MemoryStream();
        EntryFormat.Write(ms, entry, new BinaryValueCodec(), lz4: false);
        var bytes = ms.ToArray();

        var read = EntryFormat.Read(new MemoryStream(bytes, writable: false), bytes.Length, EntryFormatFuzzTests.Codecs,
            EntryFormatFuzzTests.EntryKey);
        Assert.True(payload.AsSpan().SequenceEqual(((BinaryValue)read.Value).Bytes.Span));

        int late = EntryFormatFuzzTests.PayloadStart(bytes) + (8 * Chunk) + 50;
        bytes[late] ^= 0x40;
        Assert.Throws<CacheCorruptException>(() => EntryFormat.Read(new MemoryStream(bytes, writable: false), bytes.Length,
            EntryFormatFuzzTests.Codecs, EntryFormatFuzzTests.EntryKey));
    }

    /// <summary>A stream over bytes that counts reads in flight, gives at most <c>maxPerRead</c> a call, and can fail.</summary>
    private sealed class ProbeStream(byte[] data, int maxPerRead) : Stream
    {
        private int _position;
        private int _active;
        private int _most;
        private int _reads;

        public int? FailAt { get; init; }
        public int ActiveReads => Volatile.Read(ref _active);
        public int MostConcurrentReads => Volatile.Read(ref _most);
        public int Reads => Volatile.Read(ref _reads);

        public override int Read(Span<byte> buffer)
        {
            int active = Interlocked.Increment(ref _active);
            Interlocked.Increment(ref _reads);
            int most;
            while (active > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, active, most) != most) { }
            try
            {
                Thread.SpinWait(200); // widen the window in which an overlapping read would show
                int n = Math.Min(Math.Min(buffer.Length, maxPerRead), data.Length - _position);
                if (FailAt is int fail && _position + n > fail) throw new IOException("injected read failure");
                data.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
