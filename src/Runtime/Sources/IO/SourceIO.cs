using Microsoft.Extensions.Logging;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// Opens <see cref="IByteSource"/>s by scheme and owns what they share: one HttpClient (per-host connection limit, no
/// automatic redirects — each redirect target is asked of the access policy), S3 clients per (endpoint, anonymous), the
/// retry policy, and HTTP auth headers per host from environment variables
/// (<c>PODCACHE_HTTP_HEADER_&lt;HOST&gt;="Name: value"</c>, host upper-cased with non-alphanumerics as <c>_</c>), which
/// are never logged, never in messages, provenance or manifests. Thread-safe; dispose once.
/// </summary>
public sealed class SourceIO : IDisposable
{
    /// <summary>Creates the service.</summary>
    /// <param name="http">HTTP settings.</param>
    /// <param name="s3">S3 settings.</param>
    /// <param name="policy">Asked about every redirect target (a refused one is a <see cref="SourceFailure.Forbidden"/>); everything when null.</param>
    /// <param name="logger">Retries and warnings; never a header value.</param>
    /// <param name="time">The clock for backoff; the system clock when null.</param>
    public SourceIO(HttpSourceOptions? http = null, S3SourceOptions? s3 = null, ISourceAccessPolicy? policy = null, ILogger? logger = null,
        TimeProvider? time = null)
    {
        Http = http ?? new HttpSourceOptions();
        S3 = s3 ?? new S3SourceOptions();
        Policy = policy;
        Logger = logger;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>HTTP settings.</summary>
    public HttpSourceOptions Http { get; }

    /// <summary>S3 settings.</summary>
    public S3SourceOptions S3 { get; }

    internal ISourceAccessPolicy? Policy { get; }

    internal ILogger? Logger { get; }

    internal TimeProvider Time { get; }

    /// <summary>The reader for <paramref name="uri"/>; <paramref name="anonymous"/> (PODPAC's <c>anon</c>) signs no S3 request.</summary>
    public IByteSource Open(SourceUri uri, bool anonymous = false)
    {
        ArgumentNullException.ThrowIfNull(uri);
        throw new NotImplementedException("issue 13: io helper");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
