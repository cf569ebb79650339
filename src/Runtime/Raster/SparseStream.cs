namespace PodCache.Runtime.Raster;

/// <summary>
/// A read-only, seekable view of a remote object of known length of which only some byte ranges are held in memory
/// (the header blocks and the tiles a window touches, fetched beforehand, asynchronously). Reading a byte it does not
/// hold throws <see cref="MissingRangeException"/>, so the caller can fetch it and try again: LibTiff then decodes
/// from memory and never blocks a thread on the network.
/// </summary>
internal sealed class SparseStream : Stream
{
    private readonly SortedList<long, ReadOnlyMemory<byte>> _segments = [];
    private long _position;

    public SparseStream(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    public override long Length { get; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    /// <summary>Holds <paramref name="bytes"/> as the object's bytes at <paramref name="offset"/>.</summary>
    public void Add(long offset, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }
        if (!_segments.TryGetValue(offset, out var existing) || existing.Length < bytes.Length)
        {
            _segments[offset] = bytes;
        }
    }

    /// <summary>True when every byte of [<paramref name="offset"/>, +<paramref name="count"/>) is held.</summary>
    public bool Holds(long offset, long count) => FirstMissing(offset, count) < 0;

    /// <summary>The first byte of the range not held, or -1.</summary>
    private long FirstMissing(long offset, long count)
    {
        long at = offset, end = offset + count;
        while (at < end)
        {
            if (!TryFind(at, out var segStart, out var seg))
            {
                return at;
            }
            at = segStart + seg.Length;
        }
        return -1;
    }

    /// <summary>The held segment reaching furthest past <paramref name="at"/> among those starting at or before it.</summary>
    private bool TryFind(long at, out long start, out ReadOnlyMemory<byte> segment)
    {
        start = 0;
        segment = default;
        var keys = _segments.Keys;
        int lo = 0, hi = keys.Count - 1, last = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] <= at)
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        bool found = false;
        long bestEnd = at;
        for (int i = last; i >= 0; i--)
        {
            long s = keys[i];
            var seg = _segments.Values[i];
            if (s + seg.Length > bestEnd)
            {
                bestEnd = s + seg.Length;
                start = s;
                segment = seg;
                found = true;
            }
            if (i < last - 64)
            {
                break; // segments are few; a long overlap chain is not worth walking
            }
        }
        return found;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }
        int want = (int)Math.Min(buffer.Length, Length - _position);
        int done = 0;
        while (done < want)
        {
            long at = _position + done;
            if (!TryFind(at, out var start, out var seg))
            {
                throw new MissingRangeException(at, want - done);
            }
            int skip = (int)(at - start);
            int n = Math.Min(seg.Length - skip, want - done);
            seg.Span.Slice(skip, n).CopyTo(buffer[done..]);
            done += n;
        }
        _position += done;
        return done;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read reached bytes a <see cref="SparseStream"/> does not hold: fetch them and try again.</summary>
internal sealed class MissingRangeException : IOException
{
    public MissingRangeException(long offset, long count) : base($"bytes {offset}-{offset + count - 1} are not loaded")
    {
        Offset = offset;
        Count = count;
    }

    public long Offset { get; }

    public long Count { get; }
}
