using System.IO.Hashing;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>A read-only view of the next <c>length</c> bytes of a stream that hashes what is read.</summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly NonCryptographicHashAlgorithm _hash;
    private readonly long _length;
    private long _remaining;

    public HashingReadStream(Stream inner, NonCryptographicHashAlgorithm hash, long length)
    {
        _inner = inner;
        _hash = hash;
        _length = length;
        _remaining = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

    private const int ChunkBytes = 4 << 20;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0) return 0;
        if (buffer.Length > _remaining) buffer = buffer[..(int)_remaining];
        // Hash what was just read while it is still in the (last-level) CPU cache: a 64 MB read hashed afterwards is a
        // second trip through main memory. Chunks of a few MiB keep the reads few; callers that read exactly (every
        // codec) loop over them.
        if (buffer.Length > ChunkBytes) buffer = buffer[..ChunkBytes];
        int n = _inner.Read(buffer);
        if (n == 0) throw new EndOfStreamException("entry payload ended early");
        _hash.Append(buffer[..n]);
        _remaining -= n;
        return n;
    }

    /// <summary>Reads (and hashes) whatever the decoder left unread, so the checksum covers every byte.</summary>
    public void DrainToEnd()
    {
        if (_remaining == 0) return;
        var scratch = new byte[Math.Min(_remaining, 81920)];
        while (_remaining > 0)
        {
            _ = Read(scratch.AsSpan(0, (int)Math.Min(scratch.Length, _remaining)));
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
