namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// A read-only pass-through that aborts the download when no byte arrives for a while or the caller cancels: the SDK's
/// timeout ends when the response headers arrive, so a server that stalls mid-body would otherwise block a read forever.
/// </summary>
/// <remarks>
/// Stalls are measured on the real clock, not the tier's injected one: they are about the network, and a fake clock
/// that never moves must not make a hung read wait forever.
/// </remarks>
internal sealed class StallGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly long _stallMs;
    private readonly ITimer _timer;
    private readonly CancellationTokenRegistration _registration;
    private readonly CancellationToken _cancellationToken;
    private long _lastProgress = Environment.TickCount64;
    private volatile bool _aborted;

    public StallGuardStream(Stream inner, TimeSpan stall, CancellationToken cancellationToken)
    {
        _inner = inner;
        _stallMs = (long)stall.TotalMilliseconds;
        var period = stall / 4;
        _timer = TimeProvider.System.CreateTimer(_ => Check(), null, period, period);
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.Register(Abort);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            int n = _inner.Read(buffer);
            Volatile.Write(ref _lastProgress, Environment.TickCount64);
            return n;
        }
        catch (Exception ex) when (_aborted && ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"S3 download received no data for {_stallMs} ms", ex);
        }
    }

    private void Check()
    {
        if (Environment.TickCount64 - Volatile.Read(ref _lastProgress) > _stallMs)
        {
            Abort();
        }
    }

    private void Abort()
    {
        if (_aborted) return;
        _aborted = true;
        try
        {
            // Disposing the response stream is the only way to wake a blocked synchronous read.
            _inner.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            _registration.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
