using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>What kind of injected fault a <see cref="Fault"/> is.</summary>
public enum FaultKind
{
    /// <summary>Answer with a status code (and maybe Retry-After) instead of the file.</summary>
    Status,

    /// <summary>Wait, then serve normally; the wait ends early when the client goes away.</summary>
    Delay,

    /// <summary>Abort the connection without sending a response.</summary>
    Reset,

    /// <summary>Send the right headers, part of the body, then abort.</summary>
    Truncate,

    /// <summary>Answer with a redirect.</summary>
    Redirect,

    /// <summary>Answer 200 with the whole file whatever Range says.</summary>
    IgnoreRange,
}

/// <summary>One injected fault; queue it with <see cref="RangeHttpServer.Enqueue"/>. Each request to the path consumes one.</summary>
public sealed record Fault
{
    private Fault(FaultKind kind) => Kind = kind;

    /// <summary>The kind of fault.</summary>
    public FaultKind Kind { get; }

    /// <summary>The status code of a <see cref="FaultKind.Status"/> or <see cref="FaultKind.Redirect"/> fault.</summary>
    public int Code { get; private init; }

    /// <summary>The Retry-After of a <see cref="FaultKind.Status"/> fault (sent as whole seconds, rounded up).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The wait of a <see cref="FaultKind.Delay"/> fault.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>How many body bytes a <see cref="FaultKind.Truncate"/> fault writes before aborting.</summary>
    public int Bytes { get; private init; }

    /// <summary>The Location of a <see cref="FaultKind.Redirect"/> fault, sent as given.</summary>
    public string? Location { get; private init; }

    /// <summary>Answer <paramref name="code"/> (500, 503, 429 ...) with an optional Retry-After header.</summary>
    public static Fault Status(int code, TimeSpan? retryAfter = null) => new(FaultKind.Status) { Code = code, RetryAfter = retryAfter };

    /// <summary>Wait <paramref name="duration"/> (less if the request is aborted), then serve normally.</summary>
    public static Fault Delay(TimeSpan duration) => new(FaultKind.Delay) { Duration = duration };

    /// <summary>Abort the connection without a response.</summary>
    public static Fault Reset() => new(FaultKind.Reset);

    /// <summary>Send the headers (Content-Length of the whole answer), write only <paramref name="bytes"/> body bytes, then abort.</summary>
    public static Fault Truncate(int bytes) => new(FaultKind.Truncate) { Bytes = bytes };

    /// <summary>Answer <paramref name="code"/> with <c>Location: <paramref name="location"/></c>.</summary>
    public static Fault Redirect(string location, int code = 302) => new(FaultKind.Redirect) { Code = code, Location = location };

    /// <summary>Answer 200 with the whole file even when the request has a Range.</summary>
    public static Fault IgnoreRange() => new(FaultKind.IgnoreRange);
}

/// <summary>How <see cref="RangeHttpServer.Put(string, byte[], ServedFileSettings)"/> serves a file.</summary>
/// <param name="ETag">The strong ETag, quotes included; null: <c>"</c> + the first 16 hex digits of the content's SHA-256 + <c>"</c>.</param>
/// <param name="LastModified">Last-Modified; null: now, truncated to whole seconds.</param>
/// <param name="SendETag">False: answers carry no ETag header, only Last-Modified.</param>
public sealed record ServedFileSettings(string? ETag = null, DateTimeOffset? LastModified = null, bool SendETag = true);

/// <summary>One request the server answered (or dropped).</summary>
/// <param name="Method">GET, HEAD ...</param>
/// <param name="Path">The request path, e.g. <c>/dem.tif</c> (no query).</param>
/// <param name="Range">The raw Range header, if any.</param>
/// <param name="Status">The status sent; 0 when no response was sent (a Reset fault, or the client went away first).</param>
/// <param name="BodyBytes">The body's length (a Truncate fault: the bytes it sent); if the client went away mid-body, the bytes written before that, in 64 KiB steps.</param>
/// <param name="Headers">Every request header (names case-insensitive; repeated headers joined with ", ").</param>
public sealed record RequestRecord(string Method, string Path, string? Range, int Status, long BodyBytes, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real Kestrel HTTP/1.1 server on a free loopback port serving in-memory files with ETag, Last-Modified,
/// conditional requests, single byte ranges and queued per-path faults, and logging every request.
/// It stops on <see cref="DisposeAsync"/>, and by itself after 10 minutes at the latest.
/// </summary>
public sealed class RangeHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan SafetyLifetime = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServedFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _redirects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);
    private readonly List<RequestRecord> _log = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private long _bytesSent;
    private int _disposed;

    private sealed record ServedFile(byte[] Content, string ETag, DateTimeOffset LastModified, bool SendETag);

    private RangeHttpServer()
    {
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>
    /// A snapshot of the request log, in the order the answers were decided. An answer with a body is logged before the body
    /// is written, so a client that has read a body finds its request here (and its bytes in <see cref="BytesSent"/>).
    /// </summary>
    public IReadOnlyList<RequestRecord> Requests
    {
        get
        {
            lock (_gate) return _log.ToArray();
        }
    }

    /// <summary>The body bytes of all 200 and 206 answers so far (a truncated answer counts the bytes it wrote).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Starts a server on <c>http://127.0.0.1:0</c> (a free port).</summary>
    public static async Task<RangeHttpServer> StartAsync()
    {
        var server = new RangeHttpServer();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(RangeHttpServer) });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        server._app = app;

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");

        // The safety stop: a test that forgets to dispose does not leave a server running.
        _ = Task.Delay(SafetyLifetime, server._stopping.Token)
            .ContinueWith(t => t.IsCanceled ? Task.CompletedTask : server.DisposeAsync().AsTask(), TaskScheduler.Default)
            .Unwrap();
        return server;
    }

    /// <summary>The absolute URL of <paramref name="path"/> (with or without a leading slash).</summary>
    public Uri UrlOf(string path) => new(BaseUri, Normalize(path).TrimStart('/'));

    /// <summary>Adds or replaces a file. The ETag defaults to a hash of the content, Last-Modified to now (whole seconds).</summary>
    public void Put(string path, byte[] content, string? etag = null, DateTimeOffset? lastModified = null) =>
        Put(path, content, new ServedFileSettings(etag, lastModified));

    /// <summary>Adds or replaces a file with the given settings (e.g. <c>SendETag: false</c>).</summary>
    public void Put(string path, byte[] content, ServedFileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(settings);
        string etag = settings.ETag ?? "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"";
        DateTimeOffset lastModified = TruncateToSeconds(settings.LastModified ?? DateTimeOffset.UtcNow);
        var file = new ServedFile((byte[])content.Clone(), etag, lastModified, settings.SendETag);
        lock (_gate) _files[Normalize(path)] = file;
    }

    /// <summary>Removes a file (later requests get 404).</summary>
    public void Remove(string path)
    {
        lock (_gate) _files.Remove(Normalize(path));
    }

    /// <summary>Marks a path forbidden (403 whether or not a file is there), or clears the mark.</summary>
    public void SetForbidden(string path, bool forbidden = true)
    {
        lock (_gate)
        {
            if (forbidden) _forbidden.Add(Normalize(path));
            else _forbidden.Remove(Normalize(path));
        }
    }

    /// <summary>Makes every request to <paramref name="path"/> (after its queued faults) a 302 to <paramref name="location"/>; null clears it.</summary>
    public void SetDefaultRedirect(string path, string? location)
    {
        lock (_gate)
        {
            if (location is null) _redirects.Remove(Normalize(path));
            else _redirects[Normalize(path)] = location;
        }
    }

    /// <summary>Queues a fault for <paramref name="path"/>; each request to it consumes the next one, in order.</summary>
    public void Enqueue(string path, Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            string key = Normalize(path);
            if (!_faults.TryGetValue(key, out var queue)) _faults[key] = queue = new Queue<Fault>();
            queue.Enqueue(fault);
        }
    }

    /// <summary>How many queued faults for <paramref name="path"/> no request has consumed yet.</summary>
    public int PendingFaults(string path)
    {
        lock (_gate) return _faults.TryGetValue(Normalize(path), out var q) ? q.Count : 0;
    }

    /// <summary>Empties the request log and zeroes <see cref="BytesSent"/>.</summary>
    public void ClearLog()
    {
        lock (_gate)
        {
            _log.Clear();
            Interlocked.Exchange(ref _bytesSent, 0);
        }
    }

    /// <summary>The logged requests to <paramref name="path"/>.</summary>
    public IReadOnlyList<RequestRecord> RequestsTo(string path)
    {
        string key = Normalize(path);
        return Requests.Where(r => r.Path == key).ToArray();
    }

    /// <summary>The current ETag of a file (quotes included), whether or not it is sent; null when there is no such file.</summary>
    public string? ETagOf(string path)
    {
        lock (_gate) return _files.TryGetValue(Normalize(path), out var f) ? f.ETag : null;
    }

    /// <summary>Stops the server (in-flight requests are aborted after a short grace).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is { } app)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await app.StopAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Grace over: the remaining connections are dropped by DisposeAsync.
            }
            await app.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    private static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith('/') ? path : "/" + path;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        string path = request.Path.HasValue ? request.Path.Value! : "/";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers) headers[h.Key] = h.Value.ToString();
        string? range = request.Headers.Range.Count > 0 ? request.Headers.Range.ToString() : null;

        var outcome = new Outcome(request.Method, path, range, headers);
        try
        {
            await ServeAsync(ctx, path, outcome).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the server is stopping): log what was written.
            if (!ctx.Response.HasStarted) outcome.Status = 0;
        }
        finally
        {
            Publish(outcome);
        }
    }

    /// <summary>
    /// Logs the request, or updates its entry. A body's entry is published before the body is written, so a client
    /// that has read a whole body always finds its request in the log (and in <see cref="BytesSent"/>).
    /// </summary>
    private void Publish(Outcome o)
    {
        lock (_gate)
        {
            if (o.Published is { } old)
            {
                if (old.Status == o.Status && old.BodyBytes == o.BodyBytes) return;
                int i = _log.FindLastIndex(r => ReferenceEquals(r, old));
                if (i < 0) return; // ClearLog ran since: the entry is gone.
                if (old.Status is 200 or 206) Interlocked.Add(ref _bytesSent, -old.BodyBytes);
                var updated = o.ToRecord();
                _log[i] = updated;
                o.Published = updated;
            }
            else
            {
                o.Published = o.ToRecord();
                _log.Add(o.Published);
            }
            if (o.Status is 200 or 206) Interlocked.Add(ref _bytesSent, o.BodyBytes);
        }
    }

    /// <summary>Publishes the entry, then writes <paramref name="body"/> in chunks; a failed write leaves the bytes written before it.</summary>
    private async Task WriteBodyAsync(HttpResponse response, ReadOnlyMemory<byte> body, Outcome outcome, CancellationToken cancel)
    {
        const int Chunk = 64 * 1024;
        outcome.BodyBytes = body.Length;
        Publish(outcome);
        long written = 0;
        try
        {
            while (written < body.Length)
            {
                int n = (int)Math.Min(Chunk, body.Length - written);
                await response.Body.WriteAsync(body.Slice((int)written, n), cancel).ConfigureAwait(false);
                written += n;
            }
        }
        catch
        {
            outcome.BodyBytes = written;
            throw;
        }
    }

    private sealed class Outcome(string method, string path, string? range, IReadOnlyDictionary<string, string> headers)
    {
        public int Status { get; set; }

        public long BodyBytes { get; set; }

        public RequestRecord? Published { get; set; }

        public RequestRecord ToRecord() => new(method, path, range, Status, BodyBytes, headers);
    }

    private async Task ServeAsync(HttpContext ctx, string path, Outcome outcome)
    {
        var request = ctx.Request;
        var response = ctx.Response;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
        var cancel = linked.Token;

        Fault? fault = null;
        string? redirect;
        bool forbidden;
        ServedFile? file;
        lock (_gate)
        {
            if (_faults.TryGetValue(path, out var queue) && queue.Count > 0) fault = queue.Dequeue();
        }

        switch (fault?.Kind)
        {
            case FaultKind.Status:
                response.StatusCode = fault.Code;
                if (fault.RetryAfter is { } wait) response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                outcome.Status = fault.Code;
                await WriteTextAsync(response, $"injected {fault.Code}\n", outcome, cancel).ConfigureAwait(false);
                return;
            case FaultKind.Reset:
                outcome.Status = 0;
                ctx.Abort();
                return;
            case FaultKind.Redirect:
                response.StatusCode = fault.Code;
                response.Headers.Location = fault.Location;
                outcome.Status = fault.Code;
                return;
            case FaultKind.Delay:
                await Task.Delay(fault.Duration, cancel).ConfigureAwait(false);
                break;
        }

        lock (_gate)
        {
            _redirects.TryGetValue(path, out redirect);
            forbidden = _forbidden.Contains(path);
            _files.TryGetValue(path, out file);
        }

        if (redirect is not null)
        {
            response.StatusCode = 302;
            response.Headers.Location = redirect;
            outcome.Status = 302;
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = 405;
            response.Headers.Allow = "GET, HEAD";
            outcome.Status = 405;
            return;
        }
        if (forbidden)
        {
            outcome.Status = response.StatusCode = 403;
            await WriteTextAsync(response, "forbidden\n", outcome, cancel).ConfigureAwait(false);
            return;
        }
        if (file is null)
        {
            outcome.Status = response.StatusCode = 404;
            await WriteTextAsync(response, "not found\n", outcome, cancel).ConfigureAwait(false);
            return;
        }

        string? etag = file.SendETag ? file.ETag : null;
        if (etag is not null) response.Headers.ETag = etag;
        response.Headers.LastModified = file.LastModified.ToString("r", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";

        // RFC 9110 section 13.2.2: If-Match, else If-Unmodified-Since; If-None-Match, else If-Modified-Since; then Range.
        string? ifMatch = Header(request, "If-Match");
        if (ifMatch is not null)
        {
            if (!MatchesAny(ifMatch, etag, weak: false))
            {
                outcome.Status = response.StatusCode = 412;
                return;
            }
        }
        else if (ParseDate(Header(request, "If-Unmodified-Since")) is { } ius && file.LastModified > ius)
        {
            outcome.Status = response.StatusCode = 412;
            return;
        }

        string? ifNoneMatch = Header(request, "If-None-Match");
        if (ifNoneMatch is not null)
        {
            if (MatchesAny(ifNoneMatch, etag, weak: true))
            {
                outcome.Status = response.StatusCode = 304;
                return;
            }
        }
        else if (ParseDate(Header(request, "If-Modified-Since")) is { } ims && file.LastModified <= ims)
        {
            outcome.Status = response.StatusCode = 304;
            return;
        }

        long total = file.Content.LongLength;
        long start = 0;
        long length = total;
        int status = 200;
        string? rangeHeader = Header(request, "Range");
        if (rangeHeader is not null && fault?.Kind != FaultKind.IgnoreRange && IfRangeHolds(Header(request, "If-Range"), etag, file.LastModified))
        {
            switch (ParseRange(rangeHeader, total, out long a, out long b))
            {
                case RangeResult.Satisfiable:
                    status = 206;
                    start = a;
                    length = b - a + 1;
                    response.Headers.ContentRange = $"bytes {a}-{b}/{total}";
                    break;
                case RangeResult.Unsatisfiable:
                    response.Headers.ContentRange = $"bytes */{total}";
                    outcome.Status = response.StatusCode = 416;
                    response.ContentLength = 0;
                    return;
                default:
                    break; // Not a single byte range we understand: ignore it, as RFC 9110 allows.
            }
        }

        response.StatusCode = status;
        outcome.Status = status;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        if (HttpMethods.IsHead(request.Method)) return;

        if (fault?.Kind == FaultKind.Truncate)
        {
            int n = (int)Math.Clamp(fault.Bytes, 0, length);
            outcome.BodyBytes = n;
            Publish(outcome);
            await SendTruncatedAsync(ctx, file.Content.AsMemory((int)start, n), cancel).ConfigureAwait(false);
            return;
        }

        await WriteBodyAsync(response, file.Content.AsMemory((int)start, (int)length), outcome, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the status line, the headers set so far and <paramref name="body"/> straight to the socket, ends the send side
    /// (so the client reads every byte sent, then end of stream short of Content-Length), then aborts the connection.
    /// Going around Kestrel's output pipe makes this deterministic: an abort would drop whatever the pipe had not sent yet.
    /// </summary>
    private static async Task SendTruncatedAsync(HttpContext ctx, ReadOnlyMemory<byte> body, CancellationToken cancel)
    {
        var response = ctx.Response;
        var socket = ctx.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            // No socket (another transport): the best Kestrel can do.
            await response.StartAsync(cancel).ConfigureAwait(false);
            await response.Body.WriteAsync(body, cancel).ConfigureAwait(false);
            await response.Body.FlushAsync(cancel).ConfigureAwait(false);
            await Task.Delay(100, cancel).ConfigureAwait(false);
            ctx.Abort();
            return;
        }

        var head = new System.Text.StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}\r\n");
        foreach (var h in response.Headers) head.Append(CultureInfo.InvariantCulture, $"{h.Key}: {h.Value}\r\n");
        head.Append("\r\n");
        byte[] headBytes = System.Text.Encoding.ASCII.GetBytes(head.ToString());
        await socket.SendAsync(headBytes, SocketFlags.None, cancel).ConfigureAwait(false);
        if (!body.IsEmpty) await socket.SendAsync(body, SocketFlags.None, cancel).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        ctx.Abort();
    }

    private async Task WriteTextAsync(HttpResponse response, string text, Outcome outcome, CancellationToken cancel)
    {
        if (HttpMethods.IsHead(response.HttpContext.Request.Method)) return;
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        response.ContentType = "text/plain";
        response.ContentLength = bytes.Length;
        await WriteBodyAsync(response, bytes, outcome, cancel).ConfigureAwait(false);
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    private static DateTimeOffset? ParseDate(string? value) =>
        value is not null && DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>Whether an If-Match / If-None-Match list names <paramref name="etag"/> (or is <c>*</c> and a file exists).</summary>
    private static bool MatchesAny(string list, string? etag, bool weak)
    {
        if (list.Trim() == "*") return true;
        if (etag is null) return false;
        foreach (string raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            bool isWeak = raw.StartsWith("W/", StringComparison.Ordinal);
            if (isWeak && !weak) continue; // Strong comparison: a weak tag never matches.
            if ((isWeak ? raw[2..] : raw) == etag) return true;
        }
        return false;
    }

    private static bool IfRangeHolds(string? ifRange, string? etag, DateTimeOffset lastModified)
    {
        if (ifRange is null) return true;
        string v = ifRange.Trim();
        if (v.StartsWith('"') || v.StartsWith("W/", StringComparison.Ordinal)) return etag is not null && v == etag;
        return ParseDate(v) is { } t && t == lastModified;
    }

    private enum RangeResult
    {
        Ignore,
        Satisfiable,
        Unsatisfiable,
    }

    /// <summary>Parses one <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c> range; anything else (several ranges, other units, bad syntax) is ignored.</summary>
    private static RangeResult ParseRange(string header, long total, out long first, out long last)
    {
        first = last = 0;
        string h = header.Trim();
        if (!h.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return RangeResult.Ignore;
        string spec = h[6..].Trim();
        if (spec.Contains(',')) return RangeResult.Ignore;
        int dash = spec.IndexOf('-');
        if (dash < 0) return RangeResult.Ignore;
        string left = spec[..dash].Trim();
        string right = spec[(dash + 1)..].Trim();
        const NumberStyles digits = NumberStyles.None;
        if (left.Length == 0)
        {
            if (!long.TryParse(right, digits, CultureInfo.InvariantCulture, out long suffix)) return RangeResult.Ignore;
            if (suffix == 0 || total == 0) return RangeResult.Unsatisfiable;
            first = Math.Max(0, total - suffix);
            last = total - 1;
            return RangeResult.Satisfiable;
        }
        if (!long.TryParse(left, digits, CultureInfo.InvariantCulture, out first)) return RangeResult.Ignore;
        if (right.Length == 0) last = long.MaxValue;
        else if (!long.TryParse(right, digits, CultureInfo.InvariantCulture, out last) || last < first) return RangeResult.Ignore;
        if (first >= total) return RangeResult.Unsatisfiable;
        last = Math.Min(last, total - 1);
        return RangeResult.Satisfiable;
    }
}
