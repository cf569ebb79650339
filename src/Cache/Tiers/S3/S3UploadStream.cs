using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// A write-only stream that uploads what is written to one S3 object without holding the whole object: bytes fill a
/// part buffer; an object that ends within the first part is sent with one PutObject, anything larger becomes a
/// multipart upload whose full parts are sent while the writer goes on (at most <c>maxInFlight</c> at once). The object
/// appears only when <see cref="CompleteAsync"/> succeeds, so a writer that fails or dies never publishes a partial
/// object; <see cref="AbortAsync"/> discards the parts.
/// </summary>
/// <remarks>
/// <see cref="Write(ReadOnlySpan{byte})"/> blocks while a part is handed off (the SDK has no synchronous calls), so the
/// writer must run on a thread of its own, not the thread pool, for entries larger than one part.
/// </remarks>
internal sealed class S3UploadStream : Stream
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _objectKey;
    private readonly int _partSize;
    private readonly int _maxInFlight;
    private readonly Dictionary<string, string> _metadata;
    private readonly CancellationToken _cancellationToken;
    private readonly List<PartETag> _parts = [];
    private readonly Queue<Task> _inFlight = new();
    private byte[] _buffer;
    private int _filled;
    private int _nextPart = 1;
    private string? _uploadId;
    private bool _finished;

    public S3UploadStream(IAmazonS3 client, string bucket, string objectKey, int partSize, int maxInFlight, int initialCapacity,
        Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        _client = client;
        _bucket = bucket;
        _objectKey = objectKey;
        _partSize = partSize;
        _maxInFlight = maxInFlight;
        _metadata = metadata;
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(initialCapacity, 4096, partSize));
    }

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>True when the object went up as a multipart upload.</summary>
    public bool IsMultipart => _uploadId is not null;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            // The pool may hand out a larger array than asked for; a part is still exactly one part size.
            int limit = Math.Min(_buffer.Length, _partSize);
            if (_filled == limit)
            {
                if (limit < _partSize)
                {
                    Grow();
                }
                else
                {
                    SendFullPart();
                }
                limit = Math.Min(_buffer.Length, _partSize);
            }
            int n = Math.Min(buffer.Length, limit - _filled);
            buffer[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            Written += n;
            buffer = buffer[n..];
        }
    }

    private void Grow()
    {
        // Only the first part grows (small entries start small); its copies are bounded by one part.
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_partSize, _buffer.Length * 2));
        _buffer.AsSpan(0, _filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void SendFullPart()
    {
        if (_uploadId is null)
        {
            var init = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _objectKey };
            foreach (var kv in _metadata) init.Metadata.Add(kv.Key, kv.Value);
            _uploadId = _client.InitiateMultipartUploadAsync(init, _cancellationToken).GetAwaiter().GetResult().UploadId;
        }
        var full = _buffer;
        int length = _filled;
        int number = _nextPart++;
        _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        _filled = 0;
        while (_inFlight.Count >= _maxInFlight)
        {
            _inFlight.Dequeue().GetAwaiter().GetResult();
        }
        _inFlight.Enqueue(UploadPartAsync(full, length, number));
    }

    private async Task UploadPartAsync(byte[] data, int length, int number)
    {
        try
        {
            using var body = new MemoryStream(data, 0, length, writable: false);
            var response = await _client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket,
                Key = _objectKey,
                UploadId = _uploadId,
                PartNumber = number,
                PartSize = length,
                InputStream = body,
                UseChunkEncoding = false,
            }, _cancellationToken).ConfigureAwait(false);
            lock (_parts)
            {
                _parts.Add(new PartETag(number, response.ETag));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>Sends what remains and publishes the object; returns its ETag.</summary>
    public async Task<string> CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_uploadId is null)
        {
            using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
            var put = new PutObjectRequest
            {
                BucketName = _bucket,
                Key = _objectKey,
                InputStream = body,
                AutoCloseStream = false,
                ContentType = "application/vnd.podcache.entry",
                // The body is in memory: sign it whole rather than as aws-chunked frames, which some S3-compatible
                // servers (moto among them) decode slowly or not at all.
                UseChunkEncoding = false,
            };
            foreach (var kv in _metadata) put.Metadata.Add(kv.Key, kv.Value);
            var response = await _client.PutObjectAsync(put, _cancellationToken).ConfigureAwait(false);
            Finish();
            return response.ETag;
        }
        if (_filled > 0)
        {
            _inFlight.Enqueue(UploadPartAsync(_buffer, _filled, _nextPart++));
            _buffer = [];
            _filled = 0;
        }
        while (_inFlight.Count > 0)
        {
            await _inFlight.Dequeue().ConfigureAwait(false);
        }
        var complete = new CompleteMultipartUploadRequest { BucketName = _bucket, Key = _objectKey, UploadId = _uploadId };
        complete.AddPartETags(_parts.OrderBy(p => p.PartNumber));
        var done = await _client.CompleteMultipartUploadAsync(complete, _cancellationToken).ConfigureAwait(false);
        Finish();
        return done.ETag;
    }

    /// <summary>Discards a multipart upload in progress (best effort: gc removes what a dead writer left).</summary>
    public async Task AbortAsync()
    {
        while (_inFlight.Count > 0)
        {
            await _inFlight.Dequeue().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (_uploadId is not null && !_finished)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = _objectKey,
                    UploadId = _uploadId,
                }, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
            {
            }
        }
        Finish();
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished && _inFlight.Count == 0)
        {
            Finish();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
