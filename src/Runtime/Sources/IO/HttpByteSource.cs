using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// An HTTP(S) object read by Range requests (SPEC §10). The version is a HEAD's ETag (or Last-Modified + length);
/// reads send <c>If-Match</c> (or <c>If-Unmodified-Since</c>) so a replaced object is a
/// <see cref="SourceFailure.Changed"/>, never a mix of two versions. Timeouts, connection resets, truncated bodies,
/// 408, 429 and 5xx are retried with jittered exponential backoff (Retry-After honoured, capped at
/// <see cref="HttpSourceOptions.MaxBackoff"/>); other statuses are not. Redirects are followed by hand, at most 5,
/// each target asked of the access policy; auth headers go only to the host they were configured for.
/// </summary>
internal sealed class HttpByteSource : IByteSource
{
    private const int MaxRedirects = 5;
    private readonly SourceIO _io;

    public HttpByteSource(SourceIO io, SourceUri uri)
    {
        _io = io;
        Uri = uri;
    }

    public SourceUri Uri { get; }

    private string Display => Uri.Display;

    public async Task<SourceVersion> StatAsync(SourceVersion? known, CancellationToken cancellationToken)
    {
        var version = await SendAsync(
            "HEAD",
            url =>
            {
                var request = new HttpRequestMessage(HttpMethod.Head, url);
                if (known?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }
                return request;
            },
            (response, _) =>
            {
                if (response.StatusCode == HttpStatusCode.NotModified && known is not null)
                {
                    return Task.FromResult<SourceVersion?>(known);
                }
                if (response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
                {
                    return Task.FromResult<SourceVersion?>(null); // no HEAD here: ask with a one-byte GET below
                }
                EnsureStatus(response, HttpStatusCode.OK);
                if (response.Content.Headers.ContentLength is not { } length)
                {
                    return Task.FromResult<SourceVersion?>(null);
                }
                return Task.FromResult<SourceVersion?>(VersionOf(response, length));
            },
            cancellationToken).ConfigureAwait(false);
        if (version is not null)
        {
            return version;
        }
        return await SendAsync(
            "GET",
            url =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Range = new RangeHeaderValue(0, 0);
                return request;
            },
            async (response, ct) =>
            {
                EnsureStatus(response, HttpStatusCode.PartialContent);
                if (response.Content.Headers.ContentRange?.Length is not { } length)
                {
                    throw new SourceException(SourceFailure.BadResponse, Display,
                        $"{Display}: the server reports no length (no Content-Length on HEAD, no Content-Range on a ranged GET)",
                        (int)response.StatusCode);
                }
                await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                return VersionOf(response, length);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ReadAsync(long offset, Memory<byte> buffer, SourceVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0)
        {
            return;
        }
        long last = offset + buffer.Length - 1;
        if (last >= version.Length)
        {
            throw new SourceException(SourceFailure.Changed, Display,
                $"{Display}: bytes {offset}-{last} lie past the end of the object ({version.Length} bytes)");
        }
        await SendAsync<bool>(
            "GET",
            url =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Range = new RangeHeaderValue(offset, last);
                if (version.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag) && !tag.IsWeak)
                {
                    request.Headers.IfMatch.Add(tag);
                }
                else if (version.LastModified is { } lm && version.ETag is null)
                {
                    request.Headers.IfUnmodifiedSince = lm;
                }
                return request;
            },
            async (response, ct) =>
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (offset != 0 || buffer.Length != version.Length)
                    {
                        throw new SourceException(SourceFailure.BadResponse, Display,
                            $"{Display}: the server ignored the Range request (HTTP 200 with the whole object); remote files are read by range",
                            200);
                    }
                }
                else
                {
                    EnsureStatus(response, HttpStatusCode.PartialContent);
                    var range = response.Content.Headers.ContentRange;
                    if (range is null || range.From != offset || range.To != last || (range.Length is { } total && total != version.Length))
                    {
                        throw new SourceException(range?.Length is { } l && l != version.Length ? SourceFailure.Changed : SourceFailure.BadResponse,
                            Display, $"{Display}: asked for bytes {offset}-{last} of {version.Length}, the server sent " +
                            (range is null ? "no Content-Range" : $"'{range}'"), 206);
                    }
                }
                if (version.ETag is { } want && response.Headers.ETag is { } got && got.ToString() != want)
                {
                    throw new SourceException(SourceFailure.Changed, Display, $"{Display} changed while it was read (ETag {got}, expected {want}); run again", 206);
                }
                var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    if (read < buffer.Length)
                    {
                        throw new TransientException($"the body ended after {read} of {buffer.Length} bytes");
                    }
                }
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GETs the whole URL (a service request such as a WCS GetCoverage, not an object read by range), with the same
    /// retries, redirect checks and auth headers as range reads. A body longer than <paramref name="maxBytes"/> is
    /// refused before it is buffered.
    /// </summary>
    /// <exception cref="SourceException">Not 200, too large, unreachable (after retries).</exception>
    public Task<(byte[] Body, string? ContentType)> GetAsync(long maxBytes, CancellationToken cancellationToken) =>
        SendAsync(
            "GET",
            url => new HttpRequestMessage(HttpMethod.Get, url),
            async (response, ct) =>
            {
                EnsureStatus(response, HttpStatusCode.OK);
                string? type = response.Content.Headers.ContentType?.MediaType;
                if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
                {
                    throw new SourceException(SourceFailure.BadResponse, Display,
                        $"{Display}: the response is {declared} bytes, more than the {maxBytes} the request can need", 200);
                }
                var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    using var body = new MemoryStream();
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                    {
                        if (body.Length + read > maxBytes)
                        {
                            throw new SourceException(SourceFailure.BadResponse, Display,
                                $"{Display}: the response is longer than the {maxBytes} bytes the request can need", 200);
                        }
                        body.Write(buffer, 0, read);
                    }
                    if (response.Content.Headers.ContentLength is { } length && body.Length < length)
                    {
                        throw new TransientException($"the body ended after {body.Length} of {length} bytes");
                    }
                    return (body.ToArray(), type);
                }
            },
            cancellationToken);

    private SourceVersion VersionOf(HttpResponseMessage response, long length)
    {
        var lastModified = response.Content.Headers.LastModified;
        if (response.Headers.ETag is { } etag)
        {
            string tag = etag.ToString();
            return new SourceVersion("etag:" + tag, length, tag, lastModified);
        }
        if (lastModified is { } lm)
        {
            return new SourceVersion($"lm:{lm.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture)}:{length}", length, null, lm);
        }
        // No validator at all: only the length tells versions apart.
        _io.Logger?.LogWarning("{Url} sends neither ETag nor Last-Modified; a replaced object of the same length will not be noticed", Display);
        return new SourceVersion($"len:{length}", length);
    }

    private void EnsureStatus(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode == expected)
        {
            return;
        }
        int code = (int)response.StatusCode;
        string what = $"{Display}: HTTP {code} {response.ReasonPhrase}".TrimEnd();
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new SourceException(SourceFailure.NotFound, Display, what, code),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SourceException(SourceFailure.Forbidden, Display, what, code),
            HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestedRangeNotSatisfiable =>
                new SourceException(SourceFailure.Changed, Display, what + " (the object changed since its version was taken; run again)", code),
            _ when IsRetryable(response.StatusCode) => new RetryableStatusException(response, what),
            _ => new SourceException(SourceFailure.ServerError, Display, what, code),
        };
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// One logical request with retries: <paramref name="make"/> builds each attempt's request for a URL (redirects
    /// followed by hand), <paramref name="handle"/> turns the final response into the result or throws.
    /// </summary>
    private async Task<T> SendAsync<T>(string method, Func<Uri, HttpRequestMessage> make, Func<HttpResponseMessage, CancellationToken, Task<T>> handle,
        CancellationToken cancellationToken)
    {
        var options = _io.Http;
        int attempts = options.Retries + 1;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? retryAfter = null;
            string failure;
            Exception? inner = null;
            SourceFailure kind = SourceFailure.Unreachable;
            int? status = null;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts.CancelAfter(options.Timeout);
            try
            {
                using var response = await SendFollowingRedirectsAsync(make, attemptCts.Token).ConfigureAwait(false);
                if (IsRetryable(response.StatusCode) && response.StatusCode != HttpStatusCode.NotModified)
                {
                    throw new RetryableStatusException(response, $"{Display}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
                }
                return await handle(response, attemptCts.Token).ConfigureAwait(false);
            }
            catch (RetryableStatusException ex)
            {
                failure = ex.Message;
                retryAfter = ex.RetryAfter;
                kind = SourceFailure.ServerError;
                status = ex.Status;
            }
            catch (TransientException ex)
            {
                failure = $"{Display}: {ex.Message}";
                kind = SourceFailure.BadResponse;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"{Display}: no answer within {Seconds(options.Timeout)}";
                inner = ex;
            }
            catch (HttpRequestException ex)
            {
                failure = $"{Display}: {ex.HttpRequestError switch
                {
                    HttpRequestError.NameResolutionError => "the host name does not resolve",
                    HttpRequestError.ConnectionError => "cannot connect",
                    HttpRequestError.ResponseEnded => "the connection was closed before the response was complete",
                    _ => ex.Message,
                }}";
                inner = ex;
            }
            catch (IOException ex) when (ex is not SourceException)
            {
                failure = $"{Display}: the connection failed ({ex.Message})";
                inner = ex;
            }
            if (attempt >= attempts)
            {
                string tries = attempts == 1 ? "" : $" (after {attempts} attempts)";
                throw new SourceException(kind, Display, failure + tries, status, inner);
            }
            var delay = Backoff(attempt, retryAfter);
            _io.Logger?.LogWarning("{Method} {Url} failed ({Failure}); retrying in {Delay} ms ({Attempt}/{Retries})", method, Display, failure,
                (int)delay.TotalMilliseconds, attempt, options.Retries);
            await Task.Delay(delay, _io.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Func<Uri, HttpRequestMessage> make, CancellationToken ct)
    {
        var url = Uri.HttpUri!;
        for (int hop = 0; ; hop++)
        {
            using var request = make(url);
            _io.AddAuthHeaders(request);
            var response = await _io.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            int code = (int)response.StatusCode;
            if (code is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is null)
            {
                return response;
            }
            var target = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(url, response.Headers.Location);
            response.Dispose();
            if (hop + 1 >= MaxRedirects)
            {
                throw new SourceException(SourceFailure.BadResponse, Display, $"{Display}: more than {MaxRedirects} redirects", code);
            }
            string shown = SourceUri.SchemeOf(target.OriginalString) is "http" or "https"
                ? SourceUri.Parse(target.AbsoluteUri).Display : "(not an http(s) URL)";
            if (target.Scheme is not ("http" or "https"))
            {
                throw new SourceException(SourceFailure.Forbidden, Display, $"{Display}: HTTP {code} redirects to {shown}, which is not an http(s) URL", code);
            }
            if (_io.Policy?.Refuse(target.AbsoluteUri) is { } reason)
            {
                throw new SourceException(SourceFailure.Forbidden, Display, $"{Display}: HTTP {code} redirects to {shown}: {reason}", code);
            }
            url = target;
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var options = _io.Http;
        double ms = options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ms = Math.Min(ms, options.MaxBackoff.TotalMilliseconds);
        ms *= 0.5 + (Random.Shared.NextDouble() * 0.5);
        if (retryAfter is { } ra && ra.TotalMilliseconds > ms)
        {
            ms = Math.Min(ra.TotalMilliseconds, options.MaxBackoff.TotalMilliseconds);
        }
        return TimeSpan.FromMilliseconds(ms);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>A failure worth another attempt (a short body).</summary>
    private sealed class TransientException(string message) : Exception(message);

    /// <summary>408, 429 or 5xx: retried, with the server's Retry-After when it sent one.</summary>
    private sealed class RetryableStatusException : Exception
    {
        public RetryableStatusException(HttpResponseMessage response, string message) : base(message)
        {
            Status = (int)response.StatusCode;
            var header = response.Headers.RetryAfter;
            if (header?.Delta is { } delta)
            {
                RetryAfter = delta;
            }
            else if (header?.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                RetryAfter = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        public int Status { get; }

        public TimeSpan? RetryAfter { get; }
    }
}
