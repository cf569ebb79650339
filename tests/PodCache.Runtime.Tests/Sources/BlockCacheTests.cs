using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>Fetched blocks are cache entries: fetched once per process, per machine (disk tier), coalesced, never partial.</summary>
public sealed class BlockCacheTests : IAsyncLifetime
{
    private RangeHttpServer _server = null!;
    private readonly TempDir _tmp = new();
    private readonly byte[] _content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 13 + 1)).ToArray();

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        _server.Put("/blob", _content);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tmp.Dispose();
    }

    private SourceUri Url => SourceUri.Parse(_server.UrlOf("/blob").AbsoluteUri);

    private CacheStack DiskStack() =>
        CacheStack.Create(new CacheConfig { DiskEnabled = true, DiskPath = _tmp.File("cache") }, new ValueCodecs().Register(new DataArrayCodec()));

    private static long Gets(RangeHttpServer server) => server.Requests.Count(r => r.Method == "GET");

    [Fact]
    public void BlockKey_DependsOnIdentityVersionAndRange_NotOnCredentials()
    {
        var v = new SourceVersion("etag:\"a\"", 100, "\"a\"");
        var a = BlockCache.BlockKey(SourceUri.Parse("https://h/x.tif?X-Amz-Signature=1"), v, new ByteRange(0, 10));
        Assert.Equal(a, BlockCache.BlockKey(SourceUri.Parse("https://u:p@h/x.tif?X-Amz-Signature=2"), v, new ByteRange(0, 10)));
        Assert.NotEqual(a, BlockCache.BlockKey(SourceUri.Parse("https://h/y.tif"), v, new ByteRange(0, 10)));
        Assert.NotEqual(a, BlockCache.BlockKey(SourceUri.Parse("https://h/x.tif"), v with { Token = "etag:\"b\"" }, new ByteRange(0, 10)));
        Assert.NotEqual(a, BlockCache.BlockKey(SourceUri.Parse("https://h/x.tif"), v, new ByteRange(0, 11)));
        Assert.NotEqual(a, BlockCache.BlockKey(SourceUri.Parse("https://h/x.tif"), v, new ByteRange(1, 10)));
    }

    [Fact]
    public async Task Read_SecondTime_FetchesNothing_AndCountsCachedBlocks()
    {
        using var io = new SourceIO();
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        var blocks = new BlockCache(TieredCache.InMemory(1L << 26));
        ByteRange[] ranges = [new(1000, 500), new(50_000, 2000)];
        var first = new SourceActivity();
        var a = await blocks.ReadAsync(source, v, ranges, first, default);
        Assert.Equal(_content.AsSpan(1000, 500).ToArray(), a[0].ToArray());
        Assert.Equal(_content.AsSpan(50_000, 2000).ToArray(), a[1].ToArray());
        Assert.Equal(2500, first.For(Url).BytesFetched);
        long gets = Gets(_server);

        var second = new SourceActivity();
        var b = await blocks.ReadAsync(source, v, ranges, second, default);
        Assert.Equal(a[1].ToArray(), b[1].ToArray());
        Assert.Equal(gets, Gets(_server));
        Assert.Equal(0, second.For(Url).BytesFetched);
        Assert.Equal(2, second.For(Url).BlocksCached);

        var plan = await blocks.ProbeAsync(Url, v, [new(1000, 500), new(7, 7)], default);
        Assert.Equal((1, 500L, 1, 7L), (plan.BlocksCached, plan.BytesCached, plan.BlocksToFetch, plan.BytesToFetch));
    }

    [Fact]
    public async Task Read_AdjacentMisses_AreOneRequest_FarApartOnesAreNot()
    {
        using var io = new SourceIO();
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        var blocks = new BlockCache(TieredCache.InMemory(1L << 26), maxGapBytes: 16);
        _server.ClearLog();
        ByteRange[] ranges = [new(0, 100), new(100, 100), new(208, 50), new(100_000, 10)];
        var activity = new SourceActivity();
        var got = await blocks.ReadAsync(source, v, ranges, activity, default);
        for (int i = 0; i < ranges.Length; i++)
        {
            Assert.Equal(_content.AsSpan((int)ranges[i].Offset, ranges[i].Length).ToArray(), got[i].ToArray());
        }
        var gets = _server.Requests.Where(r => r.Method == "GET").Select(r => r.Range ?? "").Order().ToArray();
        Assert.Equal(new[] { "bytes=0-257", "bytes=100000-100009" }, gets);
        Assert.Equal(2, activity.For(Url).Requests);
    }

    [Fact]
    public async Task Read_ConcurrentReadersOfOneBlock_FetchItOnce()
    {
        using var io = new SourceIO();
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        var blocks = new BlockCache(TieredCache.InMemory(1L << 26));
        _server.ClearLog();
        _server.Enqueue("/blob", Fault.Delay(TimeSpan.FromMilliseconds(300)));
        var reads = Enumerable.Range(0, 8).Select(_ => blocks.ReadAsync(source, v, [new ByteRange(4096, 4096)], null, default));
        var all = await Task.WhenAll(reads);
        Assert.All(all, r => Assert.Equal(_content.AsSpan(4096, 4096).ToArray(), r[0].ToArray()));
        Assert.Equal(1, Gets(_server));
    }

    [Fact]
    public async Task Read_AnotherProcessOnTheMachine_FindsTheBlocksOnDisk_AndFetchesNothing()
    {
        ByteRange[] ranges = [new(10, 1000), new(150_000, 4000)];
        await using (var stack = DiskStack())
        {
            using var io = new SourceIO();
            var source = io.Open(Url);
            var v = await source.StatAsync(null, default);
            await new BlockCache(stack.Cache).ReadAsync(source, v, ranges, null, default);
        }
        _server.ClearLog();
        // A new cache over the same directory: what a second process opens.
        await using (var stack = DiskStack())
        {
            using var io = new SourceIO();
            var source = io.Open(Url);
            var v = await source.StatAsync(null, default);
            var activity = new SourceActivity();
            var got = await new BlockCache(stack.Cache).ReadAsync(source, v, ranges, activity, default);
            Assert.Equal(_content.AsSpan(150_000, 4000).ToArray(), got[1].ToArray());
            Assert.Equal(0, activity.For(Url).BytesFetched);
        }
        Assert.Equal(0, Gets(_server));
    }

    [Fact]
    public async Task Read_FailedFetch_StoresNothing_TheNextReadFetchesAgain()
    {
        using var io = new SourceIO(new HttpSourceOptions { Retries = 0 });
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        var cache = TieredCache.InMemory(1L << 26);
        var blocks = new BlockCache(cache);
        _server.Enqueue("/blob", Fault.Truncate(10));
        await Assert.ThrowsAsync<SourceException>(() => blocks.ReadAsync(source, v, [new ByteRange(0, 5000)], null, default));
        Assert.Null(await cache.ProbeAsync(BlockCache.BlockKey(Url, v, new ByteRange(0, 5000))));
        var got = await blocks.ReadAsync(source, v, [new ByteRange(0, 5000)], null, default);
        Assert.Equal(_content.AsSpan(0, 5000).ToArray(), got[0].ToArray());
    }

    [Fact]
    public async Task Read_ACachedBlockOfTheWrongLength_IsDroppedAndFetchedAgain()
    {
        using var io = new SourceIO();
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        var cache = TieredCache.InMemory(1L << 26);
        var range = new ByteRange(300, 200);
        await cache.PutAsync(BlockCache.BlockKey(Url, v, range), new BinaryValue("application/vnd.podcache.block", new byte[3]));
        var got = await new BlockCache(cache).ReadAsync(source, v, [range], null, default);
        Assert.Equal(_content.AsSpan(300, 200).ToArray(), got[0].ToArray());
    }

    [Fact]
    public async Task Read_RangeOutsideTheObject_IsRefusedBeforeAnyRequest()
    {
        using var io = new SourceIO();
        var source = io.Open(Url);
        var v = await source.StatAsync(null, default);
        _server.ClearLog();
        await Assert.ThrowsAsync<SourceException>(() =>
            new BlockCache(TieredCache.InMemory(1L << 20)).ReadAsync(source, v, [new ByteRange(199_990, 100)], null, default));
        Assert.Empty(_server.Requests);
    }
}
