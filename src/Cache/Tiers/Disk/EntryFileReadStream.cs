using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>
/// A read-only, seekable view of an open entry file of known length, read with positional reads (no seek calls). Small
/// reads (the trailer, the header, a codec's metadata) are served from one small read-ahead window; reads at least as
/// long as the window go straight into the caller's memory, so a payload is copied once, from the page cache into
/// the decoded value. A FileStream's buffer would copy every read shorter than itself a second time.
/// </summary>
internal sealed class EntryFileReadStream : Stream
{
    private const int WindowBytes = 16 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly long _length;
    private byte[]? _window;
    private long _windowStart;
    private int _windowLength;
    private long _position;

    public EntryFileReadStream(SafeFileHandle handle, long length)
    {
        _handle = handle;
        _length = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.IsEmpty) return 0;
        if (buffer.Length > _length - _position) buffer = buffer[..(int)(_length - _position)];
        if (_window is not null && _position >= _windowStart && _position < _windowStart + _windowLength)
        {
            int at = (int)(_position - _windowStart);
            int n = Math.Min(buffer.Length, _windowLength - at);
            _window.AsSpan(at, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        if (buffer.Length >= WindowBytes)
        {
            int read = RandomAccess.Read(_handle, buffer, _position);
            _position += read;
            return read;
        }
        // A small file is read whole by its first small read (the trailer), so its header and payload need no more calls.
        long start = _length <= WindowBytes ? 0 : _position;
        // Pooled: a fresh 16 KiB per hit would be most of what a hit allocates besides the value.
        _window ??= ArrayPool<byte>.Shared.Rent(WindowBytes);
        _windowStart = start;
        _windowLength = RandomAccess.Read(_handle, _window.AsSpan(0, (int)Math.Min(WindowBytes, _length - start)), start);
        if (_windowLength == 0 || _position >= _windowStart + _windowLength)
        {
            // The file shrank under us: the entry's checks report it as truncated.
            return 0;
        }
        return Read(buffer);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _window is { } w)
        {
            _window = null;
            _windowLength = 0;
            ArrayPool<byte>.Shared.Return(w);
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
