using System.IO.Hashing;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>A write-only pass-through that hashes and counts what goes through it.</summary>
internal sealed class HashingWriteStream(Stream inner, NonCryptographicHashAlgorithm hash) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Chunk by chunk, so the bytes the hash just read are still in the (last-level) CPU cache when they are written:
        // one trip through main memory for a 64 MB array instead of two, in a few large writes.
        while (buffer.Length > 0)
        {
            var chunk = buffer.Length > ChunkBytes ? buffer[..ChunkBytes] : buffer;
            hash.Append(chunk);
            inner.Write(chunk);
            Written += chunk.Length;
            buffer = buffer[chunk.Length..];
        }
    }

    private const int ChunkBytes = 4 << 20;

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
