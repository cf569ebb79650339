using PodCache.Runtime.Sources;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>The HTTP byte source against a real loopback server: versions, ranges, validation, retries and refusals.</summary>
public sealed class HttpByteSourceTests : IAsyncLifetime
{
    private RangeHttpServer _server = null!;
    private readonly byte[] _content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7 + 3)).ToArray();

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        _server.Put("/data/a.bin", _content);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static SourceIO Io(int retries = 3, TimeSpan? timeout = null, ISourceAccessPolicy? policy = null) => new(
        new HttpSourceOptions
        {
            Retries = retries,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            InitialBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(300),
        },
        policy: policy);

    private IByteSource Open(SourceIO io, string path = "/data/a.bin") => io.Open(SourceUri.Parse(_server.UrlOf(path).AbsoluteUri));

    [Fact]
    public async Task Stat_TokenIsTheETag_AConditionalStatOfAnUnchangedObjectGets304AndTheKnownVersion()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        Assert.Equal("etag:" + _server.ETagOf("/data/a.bin"), v.Token);
        Assert.Equal(_content.Length, v.Length);

        var again = await source.StatAsync(v, default);
        Assert.Same(v, again);
        Assert.Equal(304, _server.Requests[^1].Status);
        Assert.Equal("HEAD", _server.Requests[^1].Method);

        _server.Put("/data/a.bin", [.. _content, 1]);
        var replaced = await source.StatAsync(v, default);
        Assert.NotEqual(v.Token, replaced.Token);
        Assert.Equal(_content.Length + 1, replaced.Length);
    }

    [Fact]
    public async Task Stat_NoETag_TokenIsLastModifiedAndLength()
    {
        var lm = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        _server.Put("/lm.bin", _content, new ServedFileSettings(LastModified: lm, SendETag: false));
        using var io = Io();
        var v = await Open(io, "/lm.bin").StatAsync(null, default);
        Assert.Equal($"lm:Fri, 02 Jan 2026 03:04:05 GMT:{_content.Length}", v.Token);
        Assert.Null(v.ETag);
        var bytes = new byte[10];
        await Open(io, "/lm.bin").ReadAsync(500, bytes, v, default);
        Assert.Equal(_content.AsSpan(500, 10).ToArray(), bytes);
    }

    [Fact]
    public async Task Read_SendsOneRangedGetWithIfMatch_AndReturnsExactlyThoseBytes()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.ClearLog();
        var buffer = new byte[4096];
        await source.ReadAsync(12_345, buffer, v, default);
        Assert.Equal(_content.AsSpan(12_345, 4096).ToArray(), buffer);
        var r = Assert.Single(_server.Requests);
        Assert.Equal("bytes=12345-16440", r.Range);
        Assert.Equal(206, r.Status);
        Assert.Equal(4096, r.BodyBytes);
        Assert.Equal(v.ETag, r.Headers["If-Match"]);
    }

    [Fact]
    public async Task Read_ObjectReplacedAfterTheVersionWasTaken_IsChanged_NeverTheNewBytes()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Put("/data/a.bin", _content.Select(b => (byte)~b).ToArray());
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(0, new byte[100], v, default));
        Assert.Equal(SourceFailure.Changed, ex.Failure);
        Assert.Equal(412, ex.Status);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Read_TransientStatus_IsRetried_AndSucceeds(int status)
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Status(status));
        _server.Enqueue("/data/a.bin", Fault.Status(status));
        var buffer = new byte[1000];
        await source.ReadAsync(1, buffer, v, default);
        Assert.Equal(_content.AsSpan(1, 1000).ToArray(), buffer);
        Assert.Equal([status, status, 206], _server.RequestsTo("/data/a.bin").Where(r => r.Method == "GET").Select(r => r.Status));
    }

    [Fact]
    public async Task Read_RetryAfter_IsHonoured()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Status(503, TimeSpan.FromMilliseconds(1000)));
        var started = DateTime.UtcNow;
        await source.ReadAsync(0, new byte[10], v, default);
        // Without Retry-After the backoff here is at most 5 ms; the server asked for 1 s (capped at MaxBackoff, 300 ms).
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "the retry came before the server's Retry-After");
    }

    [Fact]
    public async Task Read_5xxEveryTime_FailsAfterTheRetries_AsServerError()
    {
        using var io = Io(retries: 2);
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        for (int i = 0; i < 5; i++)
        {
            _server.Enqueue("/data/a.bin", Fault.Status(502));
        }
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(0, new byte[10], v, default));
        Assert.Equal(SourceFailure.ServerError, ex.Failure);
        Assert.False(ex.IsInvalidInput);
        Assert.Contains("502", ex.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.RequestsTo("/data/a.bin").Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task NotFoundAndForbidden_AreNotRetried_AndAreInvalidInput()
    {
        using var io = Io();
        var missing = await Assert.ThrowsAsync<SourceException>(() => Open(io, "/nope.tif").StatAsync(null, default));
        Assert.Equal(SourceFailure.NotFound, missing.Failure);
        Assert.True(missing.IsInvalidInput);
        Assert.Equal(404, missing.Status);
        Assert.Single(_server.RequestsTo("/nope.tif"));

        _server.Put("/secret.tif", _content);
        _server.SetForbidden("/secret.tif");
        var forbidden = await Assert.ThrowsAsync<SourceException>(() => Open(io, "/secret.tif").StatAsync(null, default));
        Assert.Equal(SourceFailure.Forbidden, forbidden.Failure);
        Assert.Single(_server.RequestsTo("/secret.tif"));
    }

    [Fact]
    public async Task Read_ResetConnectionAndTruncatedBody_AreRetried_NeverAPartialResult()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Reset());
        _server.Enqueue("/data/a.bin", Fault.Truncate(100));
        var buffer = new byte[5000];
        await source.ReadAsync(10, buffer, v, default);
        Assert.Equal(_content.AsSpan(10, 5000).ToArray(), buffer);
        Assert.Equal(3, _server.RequestsTo("/data/a.bin").Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task Read_TruncatedEveryTime_Throws()
    {
        using var io = Io(retries: 1);
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Truncate(100));
        _server.Enqueue("/data/a.bin", Fault.Truncate(100));
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(0, new byte[5000], v, default));
        Assert.False(ex.IsInvalidInput);
    }

    [Fact]
    public async Task Read_SlowerThanTheTimeout_IsRetried()
    {
        using var io = Io(timeout: TimeSpan.FromMilliseconds(400));
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Delay(TimeSpan.FromSeconds(3)));
        var buffer = new byte[10];
        await source.ReadAsync(0, buffer, v, default);
        Assert.Equal(_content.AsSpan(0, 10).ToArray(), buffer);
    }

    [Fact]
    public async Task Read_ServerIgnoringRange_IsABadResponse_NotTheWholeFile()
    {
        using var io = Io();
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.IgnoreRange());
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(100, new byte[10], v, default));
        Assert.Equal(SourceFailure.BadResponse, ex.Failure);
        Assert.Contains("ignored the Range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_StopsAWaitingRead()
    {
        using var io = Io(timeout: TimeSpan.FromSeconds(30));
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        _server.Enqueue("/data/a.bin", Fault.Delay(TimeSpan.FromSeconds(20)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.ReadAsync(0, new byte[10], v, cts.Token));
    }

    [Fact]
    public async Task Redirect_IsFollowed_WhenThePolicyAllowsTheTarget_AndRefusedBeforeAnyRequestWhenNot()
    {
        _server.Put("/moved/b.bin", _content);
        _server.SetDefaultRedirect("/old.bin", _server.UrlOf("/moved/b.bin").AbsoluteUri);
        var allowAll = SourceAccessPolicy.Create(null, [_server.BaseUri.AbsoluteUri]);
        using (var io = Io(policy: allowAll))
        {
            var v = await Open(io, "/old.bin").StatAsync(null, default);
            Assert.Equal(_content.Length, v.Length);
        }
        _server.ClearLog();
        var onlyOld = SourceAccessPolicy.Create(null, [_server.UrlOf("/old.bin").AbsoluteUri]);
        using (var io = Io(policy: onlyOld))
        {
            var ex = await Assert.ThrowsAsync<SourceException>(() => Open(io, "/old.bin").StatAsync(null, default));
            Assert.Equal(SourceFailure.Forbidden, ex.Failure);
            Assert.Contains("redirects to", ex.Message, StringComparison.Ordinal);
        }
        Assert.Empty(_server.RequestsTo("/moved/b.bin"));
    }

    [Fact]
    public async Task Redirect_ToAnotherHost_DoesNotCarryTheAuthHeader_AndMessagesNeverShowIt()
    {
        string variable = SourceIO.HeaderVariable("127.0.0.1");
        Environment.SetEnvironmentVariable(variable, "Authorization: Bearer very-secret-token");
        try
        {
            using var io = Io();
            var source = Open(io);
            var v = await source.StatAsync(null, default);
            Assert.Equal("Bearer very-secret-token", _server.Requests[^1].Headers["Authorization"]);
            // localhost is another host name: its variable is not set, so nothing is sent there.
            _server.SetDefaultRedirect("/elsewhere.bin", new UriBuilder(_server.UrlOf("/data/a.bin")) { Host = "localhost" }.Uri.AbsoluteUri);
            _server.ClearLog();
            try
            {
                await Open(io, "/elsewhere.bin").StatAsync(null, default);
            }
            catch (SourceException ex)
            {
                Assert.DoesNotContain("very-secret-token", ex.Message, StringComparison.Ordinal);
            }
            Assert.All(_server.Requests.Where(r => r.Headers.TryGetValue("Host", out var h) && h.StartsWith("localhost", StringComparison.Ordinal)),
                r => Assert.False(r.Headers.ContainsKey("Authorization")));
            var missing = await Assert.ThrowsAsync<SourceException>(() => Open(io, "/nope").StatAsync(null, default));
            Assert.DoesNotContain("very-secret-token", missing.Message, StringComparison.Ordinal);
            Assert.NotNull(v);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Unreachable_IsAFailure_NotInvalidInput()
    {
        using var io = Io(retries: 1);
        // A port nothing listens on: the server's own, after it stopped.
        var dead = await RangeHttpServer.StartAsync();
        string url = dead.UrlOf("/x.tif").AbsoluteUri;
        await dead.DisposeAsync();
        var ex = await Assert.ThrowsAsync<SourceException>(() => io.Open(SourceUri.Parse(url)).StatAsync(null, default));
        Assert.Equal(SourceFailure.Unreachable, ex.Failure);
        Assert.False(ex.IsInvalidInput);
        Assert.Contains("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyConcurrentReads_WithALowPerHostConnectionLimit_AllSucceed()
    {
        using var io = new SourceIO(new HttpSourceOptions { MaxConnectionsPerHost = 2 });
        var source = Open(io);
        var v = await source.StatAsync(null, default);
        var reads = Enumerable.Range(0, 20).Select(async i =>
        {
            var b = new byte[1000];
            await source.ReadAsync(i * 1000, b, v, default);
            return b.SequenceEqual(_content.AsSpan(i * 1000, 1000).ToArray());
        });
        Assert.All(await Task.WhenAll(reads), Assert.True);
    }
}
