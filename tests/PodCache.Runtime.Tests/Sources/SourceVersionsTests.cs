using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>Version tokens: asked at most every revalidateAfter, shared by concurrent runs and processes, stale only when allowed.</summary>
public sealed class SourceVersionsTests : IAsyncLifetime
{
    private RangeHttpServer _server = null!;
    private readonly TempDir _tmp = new();

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        _server.Put("/v.bin", new byte[1000]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tmp.Dispose();
    }

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private SourceUri Url => SourceUri.Parse(_server.UrlOf("/v.bin").AbsoluteUri);

    private static SourceIO Io() => new(new HttpSourceOptions { Retries = 0, InitialBackoff = TimeSpan.FromMilliseconds(1) });

    private int Heads => _server.Requests.Count(r => r.Method == "HEAD");

    [Fact]
    public async Task WithinRevalidateAfter_TheRememberedTokenIsUsed_AfterIt_AConditionalHeadAsksAgain()
    {
        var time = new Clock();
        using var io = Io();
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.FromSeconds(60), TimeSpan.Zero, time);
        var first = await versions.ResolveAsync(Url, false, default);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(first, await versions.ResolveAsync(Url, false, default));
        Assert.Equal(1, Heads);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(first.Token, (await versions.ResolveAsync(Url, false, default)).Token);
        Assert.Equal(2, Heads);
        Assert.Equal(304, _server.Requests[^1].Status);

        _server.Put("/v.bin", new byte[1001]);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.NotEqual(first.Token, (await versions.ResolveAsync(Url, false, default)).Token);
    }

    [Fact]
    public async Task ConcurrentResolutions_ShareOneRequest()
    {
        using var io = Io();
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero);
        _server.Enqueue("/v.bin", Fault.Delay(TimeSpan.FromMilliseconds(300)));
        var all = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => versions.ResolveAsync(Url, false, default)));
        Assert.Single(all.Select(v => v.Token).Distinct());
        Assert.Equal(1, Heads);
    }

    [Fact]
    public async Task TheMachineIndex_RemembersTokensForAnotherProcess()
    {
        var config = new CacheConfig { DiskEnabled = true, DiskPath = _tmp.File("cache") };
        var codecs = new ValueCodecs().Register(new DataArrayCodec());
        SourceVersion first;
        await using (var stack = CacheStack.Create(config, codecs))
        {
            using var io = Io();
            first = await new SourceVersions(io, new IndexSourceVersionStore(stack.Index!), TimeSpan.FromMinutes(5), TimeSpan.Zero)
                .ResolveAsync(Url, false, default);
        }
        _server.ClearLog();
        await using (var stack = CacheStack.Create(config, codecs))
        {
            using var io = Io();
            var again = await new SourceVersions(io, new IndexSourceVersionStore(stack.Index!), TimeSpan.FromMinutes(5), TimeSpan.Zero)
                .ResolveAsync(Url, false, default);
            Assert.Equal(first.Token, again.Token);
            Assert.Equal(first.Length, again.Length);
            Assert.Equal(first.ETag, again.ETag);
        }
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task CheckFails_AYoungEnoughTokenIsUsedWithAWarning_AnOlderOneOrNoMaxStaleFails()
    {
        var time = new Clock();
        using var io = Io();
        var store = new InMemorySourceVersionStore();
        var warnings = new List<string>();
        var lenient = new SourceVersions(io, store, TimeSpan.Zero, TimeSpan.FromMinutes(10), time, warnings.Add);
        var strict = new SourceVersions(io, store, TimeSpan.Zero, TimeSpan.Zero, time, warnings.Add);
        var seen = await lenient.ResolveAsync(Url, false, default);

        time.Advance(TimeSpan.FromMinutes(5));
        _server.Enqueue("/v.bin", Fault.Status(503));
        Assert.Equal(seen.Token, (await lenient.ResolveAsync(Url, false, default)).Token);
        var warning = Assert.Single(warnings);
        Assert.Contains("could not be revalidated", warning, StringComparison.Ordinal);
        Assert.Contains("503", warning, StringComparison.Ordinal);

        _server.Enqueue("/v.bin", Fault.Status(503));
        await Assert.ThrowsAsync<SourceException>(() => strict.ResolveAsync(Url, false, default));

        time.Advance(TimeSpan.FromMinutes(6));
        _server.Enqueue("/v.bin", Fault.Status(503));
        var old = await Assert.ThrowsAsync<SourceException>(() => lenient.ResolveAsync(Url, false, default));
        Assert.Equal(SourceFailure.ServerError, old.Failure);
    }

    [Fact]
    public async Task ANotFound_IsNeverHiddenByMaxStale()
    {
        var time = new Clock();
        using var io = Io();
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.FromHours(1), time);
        await versions.ResolveAsync(Url, false, default);
        _server.Remove("/v.bin");
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<SourceException>(() => versions.ResolveAsync(Url, false, default));
        Assert.Equal(SourceFailure.NotFound, ex.Failure);
    }

    [Fact]
    public async Task Files_AreStatedEveryTime_AnEditIsSeenAtOnce()
    {
        string path = _tmp.File("f.bin");
        File.WriteAllBytes(path, new byte[10]);
        using var io = Io();
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.FromHours(1), TimeSpan.Zero);
        var uri = SourceUri.Parse(path);
        var a = await versions.ResolveAsync(uri, false, default);
        Assert.StartsWith("mtime:10:", a.Token, StringComparison.Ordinal);
        File.WriteAllBytes(path, new byte[11]);
        var b = await versions.ResolveAsync(uri, false, default);
        Assert.StartsWith("mtime:11:", b.Token, StringComparison.Ordinal);
        File.Delete(path);
        var gone = await Assert.ThrowsAsync<SourceException>(() => versions.ResolveAsync(uri, false, default));
        Assert.Equal(SourceFailure.NotFound, gone.Failure);
    }
}
