using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using PodCache.Cache.Index;

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// Tracks whether S3 answers. A failure (unreachable, timed out, throttled, a server error, bad credentials) is
/// counted in the machine index (<c>s3.errors</c>, with the last error as a setting), logged, and makes the tier skip
/// S3 for <see cref="S3TierOptions.RetryAfter"/>: a run that can be served elsewhere or computed never waits on a dead
/// endpoint more than once per period.
/// </summary>
internal sealed class S3Health
{
    internal const string LastErrorSetting = "s3.lastError";
    private readonly MachineIndex _index;
    private readonly TimeSpan _retryAfter;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _where;
    private long _downUntilTicks;
    private int _stallUnreported;
    private long _failures;

    public S3Health(MachineIndex index, S3TierOptions options, TimeProvider time, ILogger log)
    {
        _index = index;
        _retryAfter = options.RetryAfter;
        _time = time;
        _log = log;
        _where = options.Describe();
    }

    /// <summary>Failures seen by this process.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>True while S3 is being skipped after a failure.</summary>
    public bool IsDown => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _downUntilTicks);

    /// <summary>False (and counts a skip) while S3 is being skipped.</summary>
    public bool ShouldTry()
    {
        if (!IsDown) return true;
        Count("s3.skipped");
        return false;
    }

    /// <summary>An HTTP attempt got no answer within the timeout: S3 is down from now on, so retries fail at once.</summary>
    /// <remarks>
    /// Not counted or logged here: the operation the attempt belonged to fails with the timeout and reports it through
    /// <see cref="Failure"/>, once, however many SDK retries were cut short.
    /// </remarks>
    public void Stalled()
    {
        Interlocked.Exchange(ref _stallUnreported, 1);
        Interlocked.Exchange(ref _downUntilTicks, DownUntil());
    }

    public void Success() => Interlocked.Exchange(ref _downUntilTicks, 0);

    /// <summary>Records a failure of <paramref name="operation"/>.</summary>
    public void Failure(string operation, Exception ex)
    {
        Interlocked.Increment(ref _failures);
        bool wasUp = Interlocked.Exchange(ref _stallUnreported, 0) == 1 || !IsDown;
        Interlocked.Exchange(ref _downUntilTicks, DownUntil());
        Count("s3.errors");
        string message = Describe(ex);
        try
        {
            _index.SetSetting(LastErrorSetting, $"{_time.GetUtcNow():O} {operation}: {message}");
        }
        catch (Exception e) when (e is ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
        }
        if (wasUp)
        {
            _log.LogWarning("S3 tier {Where}: {Operation} failed ({Reason}); S3 is skipped {RetryAfter}, other tiers and computing serve the run",
                _where, operation, message, _retryAfter == Timeout.InfiniteTimeSpan ? "for the rest of this process" : "for " + S3TierOptions.Seconds(_retryAfter));
        }
        else
        {
            _log.LogDebug("S3 tier {Where}: {Operation} failed again ({Reason})", _where, operation, message);
        }
    }

    private long DownUntil() => _retryAfter == Timeout.InfiniteTimeSpan ? long.MaxValue : (_time.GetUtcNow() + _retryAfter).UtcTicks;

    public void Count(string name, long delta = 1)
    {
        try
        {
            _index.Count(name, delta);
        }
        catch (Exception e) when (e is ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Counters are diagnostics: a busy or closing index must not fail a cache operation.
        }
    }

    /// <summary>
    /// True for failures of the service or the way to it (as opposed to answers such as 404 or 412, and to the
    /// caller's own cancellation), which are absorbed by the tier.
    /// </summary>
    public static bool IsFault(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        AmazonS3Exception s3 => IsNoSuchBucket(s3)
            || s3.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict),
        AmazonServiceException or AmazonClientException => true,
        HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException => true,
        ObjectDisposedException => true,
        _ => false,
    };

    /// <summary>True when <paramref name="ex"/> is S3 answering "no such key" (a missing bucket is a fault, not a miss).</summary>
    public static bool IsNotFound(Exception ex) => ex is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } s3 && !IsNoSuchBucket(s3);

    private static bool IsNoSuchBucket(AmazonS3Exception ex) => string.Equals(ex.ErrorCode, "NoSuchBucket", StringComparison.Ordinal);

    /// <summary>True when a conditional request lost (412, or 409 for a concurrent conditional write).</summary>
    public static bool IsPreconditionFailed(Exception ex) =>
        ex is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict };

    /// <summary>An SDK timestamp as UTC (the SDK may hand out local or unspecified kinds).</summary>
    public static DateTimeOffset Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private static string Describe(Exception ex)
    {
        // The innermost message names the cause (connection refused, timeout); SDK messages carry no credentials.
        var inner = ex;
        while (inner.InnerException is not null && inner is not AmazonServiceException { StatusCode: not 0 })
        {
            inner = inner.InnerException;
        }
        string status = ex is AmazonServiceException { StatusCode: var s and not 0 } ? $"HTTP {(int)s} " : "";
        return $"{status}{ex.GetType().Name}: {inner.Message}".ReplaceLineEndings(" ");
    }
}
