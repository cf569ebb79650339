using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using BitMiracle.LibTiff.Classic;
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
/// <c>s3://</c> sources against a real S3 protocol server (moto): versions (ETag on an unversioned bucket, VersionId on
/// a versioned one), exact ranged reads, a replaced object (412 on If-Match, or the old version still read by its id),
/// a missing key, a remote raster equal to the local read, unsigned requests (<c>anon</c>), and blocks on a disk tier
/// shared by runners.
/// </summary>
[Collection("moto")]
public sealed class S3SourceTests : IDisposable
{
    private readonly MotoFixture _moto;
    private readonly TempDir _tmp = new();

    public S3SourceTests(MotoFixture moto) => _moto = moto;

    public void Dispose() => _tmp.Dispose();

    private SourceIO NewIO() => new(
        new HttpSourceOptions { Retries = 1, InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) },
        new S3SourceOptions { ServiceUrl = _moto.ServiceUrl, Region = "us-east-1" });

    private static byte[] Content(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed * 7 + 3)).ToArray();

    private async Task PutAsync(string bucket, string key, byte[] bytes, S3CannedACL? acl = null)
    {
        using var client = _moto.CreateClient();
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) };
        if (acl is not null)
        {
            request.CannedACL = acl;
        }
        await client.PutObjectAsync(request);
    }

    private async Task<string> VersionedBucketAsync()
    {
        string bucket = await _moto.CreateBucketAsync();
        using var client = _moto.CreateClient();
        await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        return bucket;
    }

    private static SourceUri S3(string bucket, string key) => SourceUri.Parse($"s3://{bucket}/{key}");

    private static Pipeline RasterPipeline(string source, bool anon = false) => Pipeline.Parse(
        "{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(source) + (anon ? ", \"anon\": true" : "") + "}}}");

    private static Coordinates Window(TestTiff t, int r0, int rows, int c0, int cols) => t.PixelWindow(r0, rows, c0, cols);

    private static SourceServices Services(SourceIO io, IMemoCache cache) =>
        new(io, new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero), new BlockCache(cache));

    private static PipelineRunner Runner(IMemoCache cache, SourceServices? services = null) =>
        new(cache, new RunnerOptions { SourceServices = services });

    [Fact]
    public async Task Stat_UnversionedBucket_IsTheETag_VersionedBucket_IsTheVersionId()
    {
        byte[] bytes = Content(5000, 1);
        string plain = await _moto.CreateBucketAsync();
        await PutAsync(plain, "a/b.bin", bytes);
        string versioned = await VersionedBucketAsync();
        await PutAsync(versioned, "a/b.bin", bytes);
        using var io = NewIO();

        var p = await io.Open(S3(plain, "a/b.bin")).StatAsync(null, default);
        Assert.StartsWith("s3etag:\"", p.Token, StringComparison.Ordinal);
        Assert.EndsWith("\"", p.Token, StringComparison.Ordinal);
        Assert.Equal("s3etag:" + p.ETag, p.Token);
        Assert.Null(p.VersionId);
        Assert.Equal(5000, p.Length);

        var v = await io.Open(S3(versioned, "a/b.bin")).StatAsync(null, default);
        Assert.NotNull(v.VersionId);
        Assert.Equal("s3version:" + v.VersionId, v.Token);
        Assert.Equal(5000, v.Length);
        using var client = _moto.CreateClient();
        var meta = await client.GetObjectMetadataAsync(versioned, "a/b.bin");
        Assert.Equal(meta.VersionId, v.VersionId);
    }

    [Fact]
    public async Task Read_ReturnsExactlyTheRangedBytes()
    {
        byte[] bytes = Content(300_000, 2);
        string bucket = await _moto.CreateBucketAsync();
        await PutAsync(bucket, "blob", bytes);
        using var io = NewIO();
        var source = io.Open(S3(bucket, "blob"));
        var version = await source.StatAsync(null, default);
        foreach (var (offset, length) in new[] { (0, 1), (0, 16384), (1, 999), (123_456, 70_000), (299_999, 1), (250_000, 50_000) })
        {
            var buffer = new byte[length];
            await source.ReadAsync(offset, buffer, version, default);
            Assert.True(bytes.AsSpan(offset, length).SequenceEqual(buffer), $"bytes {offset}+{length}");
        }
        // Past the end: refused before any request.
        var past = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(299_990, new byte[20], version, default));
        Assert.Equal(SourceFailure.Changed, past.Failure);
    }

    [Fact]
    public async Task Read_UnversionedObjectReplacedAfterItsVersionWasTaken_IsChanged()
    {
        string bucket = await _moto.CreateBucketAsync();
        await PutAsync(bucket, "x.bin", Content(10_000, 3));
        using var io = NewIO();
        var source = io.Open(S3(bucket, "x.bin"));
        var old = await source.StatAsync(null, default);
        await PutAsync(bucket, "x.bin", Content(10_000, 4));

        var ex = await Assert.ThrowsAsync<SourceException>(() => source.ReadAsync(100, new byte[500], old, default));
        Assert.Equal(SourceFailure.Changed, ex.Failure);
        Assert.Equal(412, ex.Status);
        Assert.False(ex.IsInvalidInput);
        Assert.Contains($"s3://{bucket}/x.bin", ex.Message, StringComparison.Ordinal);

        // The new version reads the new bytes.
        var now = await source.StatAsync(null, default);
        Assert.NotEqual(old.Token, now.Token);
        var buffer = new byte[500];
        await source.ReadAsync(100, buffer, now, default);
        Assert.Equal(Content(10_000, 4).AsSpan(100, 500).ToArray(), buffer);
    }

    [Fact]
    public async Task Read_VersionedObjectReplacedAfterItsVersionWasTaken_StillReadsTheOldVersionExactly()
    {
        string bucket = await VersionedBucketAsync();
        byte[] first = Content(20_000, 5), second = Content(20_000, 6);
        await PutAsync(bucket, "y.bin", first);
        using var io = NewIO();
        var source = io.Open(S3(bucket, "y.bin"));
        var old = await source.StatAsync(null, default);
        await PutAsync(bucket, "y.bin", second);

        var buffer = new byte[4096];
        await source.ReadAsync(7000, buffer, old, default);
        Assert.Equal(first.AsSpan(7000, 4096).ToArray(), buffer);

        var now = await source.StatAsync(null, default);
        Assert.NotEqual(old.VersionId, now.VersionId);
        Assert.NotEqual(old.Token, now.Token);
        await source.ReadAsync(7000, buffer, now, default);
        Assert.Equal(second.AsSpan(7000, 4096).ToArray(), buffer);
    }

    [Fact]
    public async Task MissingKey_IsNotFound_InvalidInput()
    {
        string bucket = await _moto.CreateBucketAsync();
        using var io = NewIO();
        var ex = await Assert.ThrowsAsync<SourceException>(() => io.Open(S3(bucket, "no/such.tif")).StatAsync(null, default));
        Assert.Equal(SourceFailure.NotFound, ex.Failure);
        Assert.True(ex.IsInvalidInput);
        Assert.Equal(404, ex.Status);
        Assert.Contains($"s3://{bucket}/no/such.tif", ex.Message, StringComparison.Ordinal);

        // Through a pipeline: an error at the node's source attr.
        var tiff = new TestTiff { Width = 20, Height = 20 };
        var pex = await Assert.ThrowsAsync<PipelineException>(() =>
            Runner(TieredCache.InMemory(1L << 24), Services(io, TieredCache.InMemory(1L << 24)))
                .RunAsync(RasterPipeline($"s3://{bucket}/no/such.tif"), Window(tiff, 0, 2, 0, 2)));
        Assert.Contains("r.attrs.source", pex.Message, StringComparison.Ordinal);
        Assert.Contains("404", pex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RasterPipeline_OverS3_EqualsTheLocalReadOfTheSameFile()
    {
        var tiff = new TestTiff
        {
            Width = 200, Height = 200, Tile = 32, Compression = Compression.DEFLATE, Predictor = Predictor.NONE,
            Value = (b, r, c) => (r * 31 + c * 17 + r * c) % 250,
        };
        byte[] bytes = tiff.ToBytes();
        string bucket = await _moto.CreateBucketAsync();
        await PutAsync(bucket, "rasters/dem.tif", bytes);
        string local = tiff.WriteTo(_tmp.File("dem.tif"));
        using var io = NewIO();

        foreach (var (r0, rows, c0, cols) in new[] { (0, 200, 0, 200), (37, 50, 81, 90), (199, 1, 0, 1), (10, 3, 150, 45) })
        {
            var coords = Window(tiff, r0, rows, c0, cols);
            var expected = (await Runner(TieredCache.InMemory(1L << 26)).RunAsync(RasterPipeline(local), coords)).Output!;
            var cache = TieredCache.InMemory(1L << 26);
            var run = await Runner(cache, Services(io, cache)).RunAsync(RasterPipeline($"s3://{bucket}/rasters/dem.tif"), coords);
            var actual = run.Output!;
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Values.ToArray(), actual.Values.ToArray());
            Assert.Equal(tiff.Value(0, r0, c0), actual[0, 0]);
            long fetched = run.SourceActivity!.BytesFetched;
            Assert.True(fetched > 0 && fetched <= bytes.Length + 16384, $"{fetched} bytes fetched of a {bytes.Length}-byte file");
        }
    }

    [Fact]
    public async Task Anon_SendsUnsignedRequests_APublicReadObjectIsRead_APrivateOneIsForbidden()
    {
        var tiff = new TestTiff { Width = 64, Height = 64, Tile = 16, Value = (b, r, c) => r * 64 + c };
        byte[] bytes = tiff.ToBytes();
        string bucket = await _moto.CreateBucketAsync();
        await PutAsync(bucket, "public.tif", bytes, S3CannedACL.PublicRead);
        await PutAsync(bucket, "private.tif", bytes);
        using var io = NewIO();

        var source = io.Open(S3(bucket, "public.tif"), anonymous: true);
        var version = await source.StatAsync(null, default);
        Assert.Equal(bytes.Length, version.Length);
        var buffer = new byte[100];
        await source.ReadAsync(8, buffer, version, default);
        Assert.Equal(bytes.AsSpan(8, 100).ToArray(), buffer);

        var cache = TieredCache.InMemory(1L << 26);
        var run = await Runner(cache, Services(io, cache)).RunAsync(RasterPipeline($"s3://{bucket}/public.tif", anon: true), Window(tiff, 10, 20, 30, 20));
        Assert.Equal([20, 20], run.Output!.Shape);
        Assert.Equal(10 * 64 + 30, run.Output![0, 0]);
        Assert.Equal(29 * 64 + 49, run.Output![19, 19]);

        // moto checks ACLs on unsigned requests: a private object is refused to them (and read when signed).
        var refused = await Assert.ThrowsAsync<SourceException>(() => io.Open(S3(bucket, "private.tif"), anonymous: true).StatAsync(null, default));
        Assert.Equal(SourceFailure.Forbidden, refused.Failure);
        Assert.True(refused.IsInvalidInput);
        Assert.Equal(bytes.Length, (await io.Open(S3(bucket, "private.tif")).StatAsync(null, default)).Length);
        var pex = await Assert.ThrowsAsync<PipelineException>(() =>
            Runner(cache, Services(io, cache)).RunAsync(RasterPipeline($"s3://{bucket}/private.tif", anon: true), Window(tiff, 10, 20, 30, 20)));
        Assert.Contains("r.attrs.source", pex.Message, StringComparison.Ordinal);
        Assert.Contains("403", pex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockCacheOnADiskTier_SharedByTwoRunners_TheSecondFetchesNothing_NorDoesAnotherProcess()
    {
        var tiff = new TestTiff { Width = 256, Height = 256, Tile = 64, Value = (b, r, c) => r - 2 * c };
        string bucket = await _moto.CreateBucketAsync();
        await PutAsync(bucket, "shared.tif", tiff.ToBytes());
        string source = $"s3://{bucket}/shared.tif";
        string dir = _tmp.File("cache");
        CacheStack Stack() => CacheStack.Create(new CacheConfig { DiskEnabled = true, DiskPath = dir }, new ValueCodecs().Register(new DataArrayCodec()));

        await using (var stack = Stack())
        {
            using var io = NewIO();
            var services = Services(io, stack.Cache);
            // Rows 70-99, columns 10-39: tile (1, 0) and the header.
            var first = await Runner(stack.Cache, services).RunAsync(RasterPipeline(source), Window(tiff, 70, 30, 10, 30));
            Assert.Equal(70 - 20, first.Output![0, 0]);
            Assert.True(first.SourceActivity!.BytesFetched > 0);

            // Another window over the same tile (not a sub-grid of the first, so its result is new): blocks from the cache.
            var second = await Runner(stack.Cache, services).RunAsync(RasterPipeline(source), Window(tiff, 65, 40, 0, 20));
            Assert.Equal(1, second.ComputedCount);
            Assert.Equal(65, second.Output![0, 0]);
            Assert.Equal(104 - 38, second.Output![39, 19]);
            Assert.Equal(0, second.SourceActivity!.BytesFetched);
            Assert.True(second.SourceActivity.BySource.Values.Single().BlocksCached >= 2);
        }

        // A new stack over the same directory (another process on the machine): the blocks are on disk.
        await using (var stack = Stack())
        {
            using var io = NewIO();
            var third = await Runner(stack.Cache, Services(io, stack.Cache)).RunAsync(RasterPipeline(source), Window(tiff, 64, 64, 5, 50));
            Assert.Equal(1, third.ComputedCount);
            Assert.Equal(64 - 10, third.Output![0, 0]);
            Assert.Equal(0, third.SourceActivity!.BytesFetched);
        }
    }
}
