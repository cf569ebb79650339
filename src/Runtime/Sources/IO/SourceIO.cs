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
        _client = new Lazy<HttpClient>(CreateClient, LazyThreadSafetyMode.ExecutionAndPublication);
        _s3 = [new(() => CreateS3(false), LazyThreadSafetyMode.ExecutionAndPublication), new(() => CreateS3(true), LazyThreadSafetyMode.ExecutionAndPublication)];
    }

    /// <summary>HTTP settings.</summary>
    public HttpSourceOptions Http { get; }

    /// <summary>S3 settings.</summary>
    public S3SourceOptions S3 { get; }

    internal ISourceAccessPolicy? Policy { get; }

    internal ILogger? Logger { get; }

    internal TimeProvider Time { get; }

    private readonly Lazy<HttpClient> _client;
    // The S3 clients, signed [0] and anonymous [1], each made on first use (two fields, not a dictionary keyed by bool:
    // an instantiation over a value type is JIT-compiled at every process start).
    private readonly Lazy<Amazon.S3.IAmazonS3>[] _s3;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Name, string Value)[]> _headers =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The reader for <paramref name="uri"/>; <paramref name="anonymous"/> (PODPAC's <c>anon</c>) signs no S3 request.</summary>
    public IByteSource Open(SourceUri uri, bool anonymous = false)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return uri.Scheme switch
        {
            SourceScheme.File => new FileByteSource(uri),
            SourceScheme.Http => new HttpByteSource(this, uri),
            _ => new S3ByteSource(uri, _s3[anonymous ? 1 : 0].Value),
        };
    }

    /// <summary>
    /// GETs the whole of <paramref name="uri"/> (an http(s) service request, e.g. a WCS GetCoverage): status 200 only, at
    /// most <paramref name="maxBytes"/>, retried like range reads. Errors name the URL as <see cref="SourceUri.Display"/>.
    /// </summary>
    /// <exception cref="SourceException">Not 200, too large, unreachable (after retries).</exception>
    internal Task<(byte[] Body, string? ContentType)> GetAsync(SourceUri uri, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (uri.Scheme != SourceScheme.Http)
        {
            throw new ArgumentException("only http(s) URLs are fetched whole", nameof(uri));
        }
        return new HttpByteSource(this, uri).GetAsync(maxBytes, cancellationToken);
    }

    internal HttpClient Client => _client.Value;

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Http.MaxConnectionsPerHost,
            ConnectTimeout = Http.Timeout < TimeSpan.FromSeconds(10) ? Http.Timeout : TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
        };
        var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("PodCache/1.0");
        return client;
    }

    private Amazon.S3.IAmazonS3 CreateS3(bool anonymous)
    {
        var config = new Amazon.S3.AmazonS3Config
        {
            MaxErrorRetry = Http.Retries,
            Timeout = Http.Timeout,
            ForcePathStyle = S3.ForcePathStyle ?? S3.ServiceUrl is not null,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
            MaxConnectionsPerServer = Http.MaxConnectionsPerHost,
        };
        if (S3.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = S3.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(S3.Region);
        }
        return anonymous ? new Amazon.S3.AmazonS3Client(new Amazon.Runtime.AnonymousAWSCredentials(), config) : new Amazon.S3.AmazonS3Client(config);
    }

    /// <summary>
    /// The environment variable holding <paramref name="host"/>'s auth headers: <c>PODCACHE_HTTP_HEADER_</c> and the host
    /// upper-cased with every character but letters and digits as <c>_</c> (<c>data.example.org</c> →
    /// <c>PODCACHE_HTTP_HEADER_DATA_EXAMPLE_ORG</c>). Its value is one <c>Name: value</c> per line.
    /// </summary>
    public static string HeaderVariable(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = new System.Text.StringBuilder("PODCACHE_HTTP_HEADER_");
        foreach (char c in host)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }
        return name.ToString();
    }

    /// <summary>Adds the auth headers configured for the request's own host (never another host's, so a redirect does not leak them).</summary>
    internal void AddAuthHeaders(HttpRequestMessage request)
    {
        string host = request.RequestUri!.IdnHost;
        var headers = _headers.GetOrAdd(host, h => ParseHeaders(Environment.GetEnvironmentVariable(HeaderVariable(h))));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private (string Name, string Value)[] ParseHeaders(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var headers = new List<(string, string)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                // The value is a secret: say which variable is malformed, never what it holds.
                Logger?.LogWarning("an HTTP auth header variable has a line without 'Name: value'; that line is ignored");
                continue;
            }
            headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return [.. headers];
    }

    private bool _disposed;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
        foreach (var s3 in _s3)
        {
            if (s3.IsValueCreated)
            {
                s3.Value.Dispose();
            }
        }
    }
}
