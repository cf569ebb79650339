using System.Text.Json;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;
using PodCache.Tests.S3;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>
/// Use case 1 across machines: blocks fetched by one worker land in the shared S3 tier, and another worker — its own
/// RAM, no disk, nothing shared but the bucket — reads a different request over the same remote file without fetching.
/// </summary>
[Collection("moto")]
public sealed class S3TierBlockSharingTests : IAsyncLifetime
{
    private readonly MotoFixture _moto;
    private RangeHttpServer _server = null!;

    public S3TierBlockSharingTests(MotoFixture moto) => _moto = moto;

    public async Task InitializeAsync() => _server = await RangeHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CacheStack Worker(string bucket) => CacheStack.Create(
        CacheConfig.Parse("{\"cache\": {\"tiers\": {\"ram\": {\"maxBytes\": \"256MiB\"}, \"s3\": {\"bucket\": \"" + bucket +
            "\", \"serviceUrl\": \"" + _moto.ServiceUrl + "\", \"maxBytes\": \"1GiB\"}}}}"),
        new ValueCodecs().Register(new DataArrayCodec()));

    private static PipelineRunner Runner(CacheStack stack, SourceActivity? _ = null)
    {
        var io = new SourceIO();
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero);
        return new PipelineRunner(stack.Cache, new RunnerOptions { SourceServices = new SourceServices(io, versions, new BlockCache(stack.Cache)) });
    }

    [Fact]
    public async Task AnotherWorkerSharingTheS3Tier_FetchesNoBlockTwice()
    {
        string bucket = await _moto.CreateBucketAsync();
        var tiff = new TestTiff { Width = 300, Height = 300, Tile = 64, Value = (b, r, c) => r * 1000 + c };
        _server.Put("/shared.tif", tiff.ToBytes());
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": " +
            JsonSerializer.Serialize(_server.UrlOf("/shared.tif").AbsoluteUri) + "}}}");
        // Pixel centres: lat 40 - 0.25 (r + 0.5), lon -106 + 0.5 (c + 0.5); both windows lie in tile (1, 1).
        var a = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [20.0, 18.0]}, {"name": "lon", "values": [-70.0, -66.0]}]}""");
        var b = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [19.5, 17.5]}, {"name": "lon", "values": [-69.0, -65.0]}]}""");

        await using (var first = Worker(bucket))
        {
            var run = await Runner(first).RunAsync(pipeline, a);
            Assert.True(run.SourceActivity!.BytesFetched > 0);
        }
        _server.ClearLog();
        await using (var second = Worker(bucket))
        {
            var run = await Runner(second).RunAsync(pipeline, b);
            Assert.Equal(0, run.SourceActivity!.BytesFetched);
            Assert.True(run.SourceActivity.BySource.Values.Single().BlocksCached >= 2);
            Assert.Equal(CacheStatus.Computed, run.Nodes["r"].Status);
            // The value at the request's first point: row (40 - 19.5) / 0.25 - 0.5 = 81.5 → the raster's own rows.
            Assert.Equal(run.Output!.Coordinates["lat"][0] is var lat ? (int)Math.Round((40 - lat) / 0.25 - 0.5) * 1000 +
                (int)Math.Round((run.Output.Coordinates["lon"][0] + 106) / 0.5 - 0.5) : 0, run.Output[0, 0]);
        }
        // Only the version check reached the server.
        Assert.All(_server.Requests, r => Assert.Equal("HEAD", r.Method));
    }
}
