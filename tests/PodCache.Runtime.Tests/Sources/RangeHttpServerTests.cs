using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>The loopback fixture itself: ranges, validators, conditionals, faults and the request log, seen through a plain HttpClient.</summary>
public sealed class RangeHttpServerTests : IAsyncLifetime
{
    private static readonly byte[] Data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 % 251)).ToArray();

    private RangeHttpServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        _server.Put("/data.bin", Data);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Action<HttpRequestMessage>? setup = null)
    {
        var request = new HttpRequestMessage(method, _server.UrlOf(path));
        setup?.Invoke(request);
        return _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetRangeAsync(string path, string range) =>
        SendAsync(HttpMethod.Get, path, r => r.Headers.TryAddWithoutValidation("Range", range));

    [Fact]
    public void StartAsync_BindsAFreeLoopbackPort()
    {
        Assert.Equal("http", _server.BaseUri.Scheme);
        Assert.Equal("127.0.0.1", _server.BaseUri.Host);
        Assert.NotEqual(0, _server.BaseUri.Port);
        Assert.EndsWith("/", _server.BaseUri.AbsoluteUri);
        Assert.Equal(new Uri(_server.BaseUri, "a/b.tif"), _server.UrlOf("/a/b.tif"));
        Assert.Equal(_server.UrlOf("/a/b.tif"), _server.UrlOf("a/b.tif"));
    }

    [Fact]
    public async Task Get_WholeFile_200WithValidatorsAndAcceptRanges()
    {
        using var response = await SendAsync(HttpMethod.Get, "/data.bin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Data, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Equal(["bytes"], response.Headers.AcceptRanges);
        Assert.Equal(_server.ETagOf("/data.bin"), response.Headers.ETag!.Tag);
        Assert.False(response.Headers.ETag.IsWeak);
        Assert.Matches("^\"[0-9a-f]{16}\"$", response.Headers.ETag.Tag);
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Head_SameHeadersNoBody()
    {
        using var response = await SendAsync(HttpMethod.Head, "/data.bin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Equal(["bytes"], response.Headers.AcceptRanges);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, _server.BytesSent);
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 99)]
    [InlineData("bytes=100-199", 100, 199)]
    [InlineData("bytes=990-5000", 990, 999)]
    [InlineData("bytes=500-", 500, 999)]
    [InlineData("bytes=-10", 990, 999)]
    [InlineData("bytes=-5000", 0, 999)]
    [InlineData("bytes=999-999", 999, 999)]
    public async Task Get_SingleRange_206WithContentRange(string range, long first, long last)
    {
        using var response = await GetRangeAsync("/data.bin", range);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var cr = response.Content.Headers.ContentRange!;
        Assert.Equal(first, cr.From);
        Assert.Equal(last, cr.To);
        Assert.Equal(1000, cr.Length);
        Assert.Equal($"bytes {first}-{last}/1000", cr.ToString());
        Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
        Assert.Equal(Data[(int)first..(int)(last + 1)], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(last - first + 1, _server.BytesSent);
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=1000-1001")]
    [InlineData("bytes=-0")]
    public async Task Get_UnsatisfiableRange_416WithStarContentRange(string range)
    {
        using var response = await GetRangeAsync("/data.bin", range);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */1000", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(0, _server.BytesSent);
    }

    [Theory]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-1")]
    [InlineData("bytes=9-3")]
    public async Task Get_RangeItDoesNotServe_IgnoredWith200(string range)
    {
        using var response = await GetRangeAsync("/data.bin", range);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Data, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatch_CurrentETag_304OnGetAndHead_OldETag_200()
    {
        string etag = _server.ETagOf("/data.bin")!;
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await SendAsync(method, "/data.bin", r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag!.Tag);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        _server.Put("/data.bin", [1, 2, 3]);
        using var changed = await SendAsync(HttpMethod.Get, "/data.bin", r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        Assert.Equal(new byte[] { 1, 2, 3 }, await changed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfMatch_OtherETag_412_CurrentETag_206()
    {
        using var stale = await SendAsync(HttpMethod.Get, "/data.bin", r =>
        {
            r.Headers.TryAddWithoutValidation("If-Match", "\"0000000000000000\"");
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        using var current = await SendAsync(HttpMethod.Get, "/data.bin", r =>
        {
            r.Headers.TryAddWithoutValidation("If-Match", _server.ETagOf("/data.bin")!);
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        });
        Assert.Equal(HttpStatusCode.PartialContent, current.StatusCode);
        Assert.Equal(10, (await current.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task IfUnmodifiedSince_BeforeLastModified_412_AtLastModified_200()
    {
        var modified = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        _server.Put("/dated.bin", Data, lastModified: modified);

        using var before = await SendAsync(HttpMethod.Get, "/dated.bin", r => r.Headers.IfUnmodifiedSince = modified.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.PreconditionFailed, before.StatusCode);

        using var at = await SendAsync(HttpMethod.Get, "/dated.bin", r => r.Headers.IfUnmodifiedSince = modified);
        Assert.Equal(HttpStatusCode.OK, at.StatusCode);
        Assert.Equal(modified, at.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Put_GivenETagAndLastModified_Sent_SendETagFalse_OnlyLastModified()
    {
        var modified = new DateTimeOffset(2023, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        _server.Put("/given.bin", Data, "\"v1\"", modified);
        _server.Put("/noetag.bin", Data, new ServedFileSettings(LastModified: modified, SendETag: false));

        using var given = await SendAsync(HttpMethod.Head, "/given.bin");
        Assert.Equal("\"v1\"", given.Headers.ETag!.Tag);
        Assert.Equal(modified.AddMilliseconds(-678), given.Content.Headers.LastModified);

        using var noEtag = await SendAsync(HttpMethod.Get, "/noetag.bin");
        Assert.Null(noEtag.Headers.ETag);
        Assert.Equal(modified.AddMilliseconds(-678), noEtag.Content.Headers.LastModified);

        // Without an ETag a client revalidates with If-Modified-Since.
        using var revalidated = await SendAsync(HttpMethod.Get, "/noetag.bin", r => r.Headers.IfModifiedSince = modified);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task IfRange_StaleETag_WholeFile200()
    {
        using var response = await SendAsync(HttpMethod.Get, "/data.bin", r =>
        {
            r.Headers.TryAddWithoutValidation("If-Range", "\"stale\"");
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task UnknownPath_404_Removed_404_Forbidden_403()
    {
        using (var unknown = await SendAsync(HttpMethod.Get, "/nope.bin")) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        _server.Remove("/data.bin");
        using (var removed = await SendAsync(HttpMethod.Head, "/data.bin")) Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);

        _server.Put("/secret.bin", Data);
        _server.SetForbidden("/secret.bin");
        using (var forbidden = await SendAsync(HttpMethod.Get, "/secret.bin")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        _server.SetForbidden("/secret.bin", false);
        using (var allowed = await SendAsync(HttpMethod.Get, "/secret.bin")) Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task FaultStatus_ConsumedInOrder_RetryAfterInSeconds_ThenServesNormally()
    {
        _server.Enqueue("/data.bin", Fault.Status(503, TimeSpan.FromSeconds(2)));
        _server.Enqueue("/data.bin", Fault.Status(429, TimeSpan.FromMilliseconds(1500)));
        _server.Enqueue("/data.bin", Fault.Status(500));
        Assert.Equal(3, _server.PendingFaults("data.bin"));

        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), r.Headers.RetryAfter!.Delta);
        }
        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), r.Headers.RetryAfter!.Delta);
        }
        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
            Assert.Null(r.Headers.RetryAfter);
        }
        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9")) Assert.Equal(HttpStatusCode.PartialContent, r.StatusCode);

        Assert.Equal([503, 429, 500, 206], _server.Requests.Select(q => q.Status));
        Assert.Equal(10, _server.BytesSent);
        Assert.Equal(0, _server.PendingFaults("/data.bin"));
    }

    [Fact]
    public async Task FaultDelay_ClientTimesOut_ServerNoticesTheAbort_NextRequestIsNormal()
    {
        // Warm up first, so that the timeout below cannot fire before the request has reached the server.
        using (var warm = await SendAsync(HttpMethod.Get, "/data.bin")) Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        _server.ClearLog();

        _server.Enqueue("/data.bin", Fault.Delay(TimeSpan.FromSeconds(30)));
        var watch = Stopwatch.StartNew();
        using (var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(800) })
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync(_server.UrlOf("/data.bin")));
        }

        // The server's wait ends with the request, not after 30 s: it logs the request as unanswered.
        while (_server.Requests.Count == 0 && watch.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(20);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the delayed request did not end when the client went away");
        Assert.Equal(0, Assert.Single(_server.Requests).Status);

        using var normal = await SendAsync(HttpMethod.Get, "/data.bin");
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public async Task FaultDelay_Short_ThenServesNormally()
    {
        _server.Enqueue("/data.bin", Fault.Delay(TimeSpan.FromMilliseconds(200)));
        var watch = Stopwatch.StartNew();
        using var response = await GetRangeAsync("/data.bin", "bytes=10-19");

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(180));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Data[10..20], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task FaultReset_ConnectionDroppedWithoutResponse()
    {
        _server.Enqueue("/data.bin", Fault.Reset());

        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(HttpMethod.Get, "/data.bin"));
        using var next = await SendAsync(HttpMethod.Get, "/data.bin");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        Assert.Equal([0, 200], _server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task FaultTruncate_FullContentLengthPartOfTheBodyThenAbort()
    {
        _server.Enqueue("/data.bin", Fault.Truncate(40));

        using var response = await _client.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, _server.UrlOf("/data.bin")) { Headers = { Range = new RangeHeaderValue(100, 299) } },
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(200, response.Content.Headers.ContentLength);
        Assert.Equal("bytes 100-299/1000", response.Content.Headers.ContentRange!.ToString());

        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var ex = await Record.ExceptionAsync(() => body.CopyToAsync(received));
        Assert.True(ex is IOException or HttpRequestException, "reading a truncated body must fail, got " + (ex?.GetType().Name ?? "no exception"));
        Assert.Equal(Data[100..140], received.ToArray());

        var record = Assert.Single(_server.Requests);
        Assert.Equal(206, record.Status);
        Assert.Equal(40, record.BodyBytes);
        Assert.Equal(40, _server.BytesSent);
    }

    [Fact]
    public async Task FaultRedirect_And_DefaultRedirect_SendLocation_ClientCanFollow()
    {
        _server.Put("/moved.bin", [9, 8, 7]);
        _server.Enqueue("/data.bin", Fault.Redirect(_server.UrlOf("/moved.bin").AbsoluteUri, 307));

        using (var r = await SendAsync(HttpMethod.Get, "/data.bin"))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, r.StatusCode);
            Assert.Equal(_server.UrlOf("/moved.bin"), r.Headers.Location);
        }
        using (var r = await SendAsync(HttpMethod.Get, "/data.bin")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        _server.SetDefaultRedirect("/always.bin", "/moved.bin");
        for (int i = 0; i < 2; i++)
        {
            using var r = await SendAsync(HttpMethod.Get, "/always.bin");
            Assert.Equal(HttpStatusCode.Found, r.StatusCode);
            Assert.Equal("/moved.bin", r.Headers.Location!.OriginalString);
        }

        using var following = new HttpClient();
        Assert.Equal(new byte[] { 9, 8, 7 }, await following.GetByteArrayAsync(_server.UrlOf("/always.bin")));
        Assert.Equal(["/data.bin", "/data.bin", "/always.bin", "/always.bin", "/always.bin", "/moved.bin"], _server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task FaultIgnoreRange_200WholeFileOnce()
    {
        _server.Enqueue("/data.bin", Fault.IgnoreRange());

        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Null(r.Content.Headers.ContentRange);
            Assert.Equal(Data, await r.Content.ReadAsByteArrayAsync());
        }
        using (var r = await GetRangeAsync("/data.bin", "bytes=0-9")) Assert.Equal(HttpStatusCode.PartialContent, r.StatusCode);

        Assert.Equal(1010, _server.BytesSent);
    }

    [Fact]
    public async Task RequestLog_RecordsMethodPathRangeStatusBytesAndHeaders_ClearLogResets()
    {
        using (var r = await SendAsync(HttpMethod.Get, "/data.bin", q =>
        {
            q.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t0ken");
            q.Headers.Range = new RangeHeaderValue(5, 14);
        }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, r.StatusCode);
        }
        using (var r = await SendAsync(HttpMethod.Head, "/data.bin")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await SendAsync(HttpMethod.Get, "/missing.bin")) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);

        var log = _server.Requests;
        Assert.Equal(3, log.Count);
        Assert.Equal(new RangeLogEntry("GET", "/data.bin", "bytes=5-14", 206, 10), RangeLogEntry.Of(log[0]));
        Assert.Equal(new RangeLogEntry("HEAD", "/data.bin", null, 200, 0), RangeLogEntry.Of(log[1]));
        Assert.Equal("GET", log[2].Method);
        Assert.Equal(404, log[2].Status);
        Assert.Equal("Bearer t0ken", log[0].Headers["authorization"]);
        Assert.False(log[1].Headers.ContainsKey("Authorization"));
        Assert.Equal(_server.BaseUri.Authority, log[0].Headers["Host"]);
        Assert.Equal(10, _server.BytesSent);
        Assert.Single(_server.RequestsTo("data.bin"), r => r.Method == "GET");

        _server.ClearLog();
        Assert.Empty(_server.Requests);
        Assert.Equal(0, _server.BytesSent);
    }

    [Fact]
    public async Task ConcurrentRangeRequests_AllServedAndLogged()
    {
        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            using var r = await GetRangeAsync("/data.bin", $"bytes={i * 50}-{i * 50 + 49}");
            return (i, await r.Content.ReadAsByteArrayAsync());
        }).ToArray();

        foreach (var (i, bytes) in await Task.WhenAll(tasks)) Assert.Equal(Data[(i * 50)..(i * 50 + 50)], bytes);
        Assert.Equal(20, _server.Requests.Count);
        Assert.Equal(1000, _server.BytesSent);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheServer()
    {
        var url = _server.UrlOf("/data.bin");
        await _server.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync(url));
        await _server.DisposeAsync(); // Twice is fine.
    }

    private sealed record RangeLogEntry(string Method, string Path, string? Range, int Status, long BodyBytes)
    {
        public static RangeLogEntry Of(RequestRecord r) => new(r.Method, r.Path, r.Range, r.Status, r.BodyBytes);
    }

    [Fact]
    public async Task Put_ReplacementGetsNewETag_LastModifiedNowInWholeSeconds()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        _server.Put("/x.bin", [1]);
        string first = _server.ETagOf("/x.bin")!;
        _server.Put("/x.bin", [2]);

        Assert.NotEqual(first, _server.ETagOf("/x.bin"));
        Assert.Equal("\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 2 }))[..16] + "\"", _server.ETagOf("/x.bin"));
        using var head = await SendAsync(HttpMethod.Head, "/x.bin");
        var lastModified = head.Content.Headers.LastModified!.Value;
        Assert.InRange(lastModified, before, DateTimeOffset.UtcNow);
        Assert.Equal(0, lastModified.Ticks % TimeSpan.TicksPerSecond);
    }
}
