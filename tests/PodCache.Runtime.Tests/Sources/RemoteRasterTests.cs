using System.Globalization;
using System.Text.Json;
using BitMiracle.LibTiff.Classic;
using CsCheck;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Raster;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>
/// data.Raster over HTTP: the same values as the local read of the same file, only the header and the touched tiles
/// fetched, versions from the server (a replaced file is recomputed downstream, an unchanged one a hit), errors named.
/// </summary>
public sealed class RemoteRasterTests : IAsyncLifetime
{
    private RangeHttpServer _server = null!;
    private readonly TempDir _tmp = new();

    public async Task InitializeAsync() => _server = await RangeHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tmp.Dispose();
    }

    private static SourceServices Services(IMemoCache cache, TimeSpan? revalidate = null)
    {
        var io = new SourceIO(new HttpSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) });
        var versions = new SourceVersions(io, new InMemorySourceVersionStore(), revalidate ?? TimeSpan.Zero, TimeSpan.Zero);
        return new SourceServices(io, versions, new BlockCache(cache));
    }

    private static PipelineRunner Runner(IMemoCache cache, SourceServices? services = null) =>
        new(cache, new RunnerOptions { SourceServices = services ?? Services(cache) });

    private static Pipeline RasterPipeline(string source, string extra = "") => Pipeline.Parse(
        "{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(source) + "}}" + extra + "}");

    private static Coordinates Window(TestTiff t, int r0, int rows, int c0, int cols) => t.PixelWindow(r0, rows, c0, cols);

    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    [Fact]
    public async Task RandomWindowsOverRandomLayouts_EqualTheLocalRead_AndFetchOnlyTouchedChunksPlusHeader()
    {
        var layout = Gen.Select(
            Pick(0, 16, 32, 64),
            Pick(Compression.NONE, Compression.DEFLATE, Compression.LZW, Compression.PACKBITS),
            Pick((8, SampleFormat.UINT), (16, SampleFormat.INT), (32, SampleFormat.IEEEFP), (64, SampleFormat.IEEEFP), (32, SampleFormat.UINT)),
            Gen.Int[60, 260], Gen.Int[60, 260]);
        var gen = from l in layout
                  from r0 in Gen.Int[0, l.Item5 - 1]
                  from c0 in Gen.Int[0, l.Item4 - 1]
                  from rows in Gen.Int[1, l.Item5 - r0]
                  from cols in Gen.Int[1, l.Item4 - c0]
                  select (l, r0, rows, c0, cols);
        int n = 0;
        await gen.SampleAsync(async s =>
        {
            var ((tile, compression, (bits, format), width, height), r0, rows, c0, cols) = s;
            var tiff = new TestTiff
            {
                Width = width, Height = height, Tile = tile, RowsPerStrip = 7, Compression = compression, Bits = bits, Format = format,
                Predictor = compression is Compression.DEFLATE or Compression.LZW && format != SampleFormat.IEEEFP ? Predictor.HORIZONTAL : Predictor.NONE,
                Value = (b, r, c) => (r * 31 + c * 17 + r * c) % 250,
            };
            byte[] bytes = tiff.ToBytes();
            string name = $"/p{Interlocked.Increment(ref n)}.tif";
            _server.Put(name, bytes);
            string local = tiff.WriteTo(_tmp.File(name.TrimStart('/')));
            var coords = Window(tiff, r0, rows, c0, cols);

            var expected = (await Runner(TieredCache.InMemory(1L << 26)).RunAsync(RasterPipeline(local), coords)).Output!;
            long before = _server.BytesSent;
            var run = await Runner(TieredCache.InMemory(1L << 26)).RunAsync(RasterPipeline(_server.UrlOf(name).AbsoluteUri), coords);
            long fetched = _server.BytesSent - before;
            var actual = run.Output!;
            if (!actual.Shape.SequenceEqual(expected.Shape) || !actual.Values.SequenceEqual(expected.Values))
            {
                return false;
            }
            // The chunks the window touches, from the file's own directory.
            using var stream = new MemoryStream(bytes);
            using var reader = GeoTiffReader.Open(stream);
            long touched = reader.ChunkRanges(1, r0, rows, c0, cols).Sum(c => c.Length);
            long headerBudget = 2 * 16384 + 1024L * reader.ChunkRanges(1, r0, rows, c0, cols).Count;
            // At most the file plus its two header blocks again (the first block and the one holding an IFD at the
            // end), which a coalesced chunk fetch may cover a second time (seed aY9S_xzQguD4 re-reads 17 KB of them).
            return fetched <= Math.Min(bytes.Length + 2 * 16384, touched + headerBudget)
                && run.SourceActivity!.BytesFetched == fetched;
        }, iter: 40, threads: 1);
    }

    [Fact]
    public async Task ALargeFile_AWindow_FetchesAFewTilesNotTheFile_AndASecondRunnerOverTheSameCacheFetchesNothing()
    {
        var tiff = new TestTiff { Width = 1024, Height = 1024, Tile = 128, Compression = Compression.NONE, Value = (b, r, c) => r - c };
        _server.Put("/big.tif", tiff.ToBytes());
        string url = _server.UrlOf("/big.tif").AbsoluteUri;
        var cache = TieredCache.InMemory(1L << 28);
        var coords = Window(tiff, 300, 100, 400, 100);
        var run = await Runner(cache).RunAsync(RasterPipeline(url), coords);
        Assert.Equal([100, 100], run.Output!.Shape);
        Assert.Equal(300 - 400, run.Output![0, 0]);
        Assert.Equal(399 - 499, run.Output![99, 99]);
        // 4 MB of pixels; the window (rows 300-399, columns 400-499) touches tiles (2, 3) and (3, 3), 64 KiB each, plus
        // the header, which LibTiff writes after the tiles.
        Assert.True(_server.BytesSent >= 2 * 65536 && _server.BytesSent <= 2 * 65536 + 3 * 16384,
            string.Join("\n", _server.Requests.Select(r => $"{r.Method} {r.Range} {r.Status} {r.BodyBytes}")));
        long sent = _server.BytesSent;

        // Another request over the same tiles: its result is new, its blocks are not.
        var other = await Runner(cache).RunAsync(RasterPipeline(url), Window(tiff, 310, 50, 410, 60));
        Assert.Equal(310 - 410, other.Output![0, 0]);
        Assert.Equal(sent, _server.BytesSent);
        Assert.Equal(0, other.SourceActivity!.BytesFetched);
        // The two header blocks and tile (2, 3).
        Assert.Equal(3, other.SourceActivity.BySource.Values.Single().BlocksCached);
    }

    [Fact]
    public async Task AReplacedSource_RecomputesExactlyWhatIsDownstreamOfIt_AnUnchangedOneIsAHit()
    {
        var forecast = new TestTiff { Width = 40, Height = 40, Tile = 16, Value = (b, r, c) => r + c };
        var dem = new TestTiff { Width = 40, Height = 40, Tile = 16, Value = (b, r, c) => 1000 + r };
        _server.Put("/forecast.tif", forecast.ToBytes());
        _server.Put("/dem.tif", dem.ToBytes());
        string json = $$$"""
            {
              "forecast": {"node": "data.Rasterio", "attrs": {"source": "{{{_server.UrlOf("/forecast.tif")}}}"}},
              "dem": {"node": "data.Rasterio", "attrs": {"source": "{{{_server.UrlOf("/dem.tif")}}}"}},
              "relief": {"node": "algorithm.Arithmetic", "inputs": {"A": "dem"}, "attrs": {"eqn": "A * 2"}},
              "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "forecast", "B": "relief"}, "attrs": {"eqn": "A + B"}}
            }
            """;
        var cache = TieredCache.InMemory(1L << 26);
        var services = Services(cache);
        var coords = Window(forecast, 5, 20, 5, 20);
        var first = await Runner(cache, services).RunAsync(Pipeline.Parse(json), coords);
        Assert.Equal(4, first.ComputedCount);
        double before = first.Output![0, 0];

        _server.Put("/forecast.tif", new TestTiff { Width = 40, Height = 40, Tile = 16, Value = (b, r, c) => 100 + r + c }.ToBytes());
        var plan = await Runner(cache, services).PlanAsync(Pipeline.Parse(json), coords);
        Assert.Equal(CacheStatus.Computed, plan.Nodes["forecast"].Status);
        Assert.Equal(CacheStatus.Computed, plan.Nodes["out"].Status);
        var second = await Runner(cache, services).RunAsync(Pipeline.Parse(json), coords);
        Assert.Equal(["forecast", "out"], second.Nodes.Where(kv => kv.Value.Status == CacheStatus.Computed).Select(kv => kv.Key).Order());
        Assert.Equal(before + 100, second.Output![0, 0]);

        var third = await Runner(cache, services).RunAsync(Pipeline.Parse(json), coords);
        Assert.Equal(0, third.ComputedCount);
        Assert.Equal(second.Output![0, 0], third.Output![0, 0]);
    }

    [Fact]
    public async Task WithinRevalidateAfter_TheServerIsNotAskedAgain()
    {
        var tiff = new TestTiff { Width = 40, Height = 40, Tile = 16 };
        _server.Put("/t.tif", tiff.ToBytes());
        var cache = TieredCache.InMemory(1L << 26);
        var services = Services(cache, TimeSpan.FromMinutes(5));
        var pipeline = RasterPipeline(_server.UrlOf("/t.tif").AbsoluteUri);
        await Runner(cache, services).RunAsync(pipeline, Window(tiff, 0, 10, 0, 10));
        _server.ClearLog();
        var again = await Runner(cache, services).RunAsync(pipeline, Window(tiff, 0, 10, 0, 10));
        Assert.Equal(0, again.ComputedCount);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task MissingSource_IsAPipelineErrorAtTheAttr_ServerError_IsASourceFailureNamingTheNode()
    {
        var cache = TieredCache.InMemory(1L << 26);
        var coords = Window(new TestTiff(), 0, 2, 0, 2);
        var missing = await Assert.ThrowsAsync<PipelineException>(() => Runner(cache).RunAsync(RasterPipeline(_server.UrlOf("/nope.tif").AbsoluteUri), coords));
        Assert.Contains("r.attrs.source", missing.Message, StringComparison.Ordinal);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);

        _server.Put("/flaky.tif", new TestTiff().ToBytes());
        for (int i = 0; i < 10; i++)
        {
            _server.Enqueue("/flaky.tif", Fault.Status(503));
        }
        var failed = await Assert.ThrowsAsync<SourceException>(() => Runner(cache).RunAsync(RasterPipeline(_server.UrlOf("/flaky.tif").AbsoluteUri), coords));
        Assert.StartsWith("r:", failed.Message, StringComparison.Ordinal);
        Assert.Contains("503", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATileFetchFailing_CachesNothing_TheNextRunSucceeds()
    {
        var tiff = new TestTiff { Width = 200, Height = 200, Tile = 32 };
        byte[] bytes = tiff.ToBytes();
        _server.Put("/f.tif", bytes);
        var cache = TieredCache.InMemory(1L << 26);
        var services = Services(cache, TimeSpan.FromMinutes(5));
        var pipeline = RasterPipeline(_server.UrlOf("/f.tif").AbsoluteUri);
        var coords = Window(tiff, 100, 10, 100, 10);
        // HEAD, the header block, then the tile: the tile's GET fails every attempt.
        await Runner(cache, services).PlanAsync(pipeline, coords);
        for (int i = 0; i < 4; i++)
        {
            _server.Enqueue("/f.tif", Fault.Status(500)); // the first attempt and its 3 retries
        }
        await Assert.ThrowsAsync<SourceException>(() => Runner(cache, services).RunAsync(pipeline, coords));
        Assert.Equal(0, _server.PendingFaults("/f.tif"));
        var ok = await Runner(cache, services).RunAsync(pipeline, coords);
        Assert.Equal(1, ok.ComputedCount);
        Assert.Equal(tiff.Value(0, 100, 100), ok.Output![0, 0]);
    }
}
