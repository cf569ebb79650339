using PodCache.Cache.Tiers.S3;
using PodCache.Tests.Fuzz;

namespace PodCache.Cache.Tests.Fuzz;

/// <summary>
/// The S3 tier's streaming entry reader on mutated real entries, fed through a forward-only stream as an S3 response
/// body is: only <see cref="CacheCorruptException"/> comes out, whatever the bytes and whatever length S3 reports.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class S3EntryReaderFuzzTests
{
    [Fact]
    public void Read_MutatedEntries_OnlyCacheCorruptException()
    {
        var codecs = EntryFormatFuzzTests.Codecs;
        var gen = CsCheck.Gen.Select(FuzzInputs.MutatedBytes(EntryFormatFuzzTests.Seeds(), EntryFormatFuzzTests.HotOffsets),
            CsCheck.Gen.Int[-2, 2]);
        FuzzInputs.Run(gen, t =>
        {
            var (bytes, lengthSkew) = t;
            // Mostly the true length; sometimes S3's Content-Length disagrees with the body.
            long reported = Math.Max(0, bytes.Length + (lengthSkew is -2 or 2 ? lengthSkew * 3 : 0));
            FuzzInputs.Expect(() => S3EntryReader.Read(new ForwardOnlyStream(bytes), reported, codecs, EntryFormatFuzzTests.EntryKey),
                typeof(CacheCorruptException));
        }, normalIterations: 400, print: t => Convert.ToHexString(t.Item1) + " reported length skew " + t.Item2);
    }

    /// <summary>An HTTP response body: readable once, front to back, length unknown to the stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _pos;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, bytes.Length - _pos);
            bytes.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
