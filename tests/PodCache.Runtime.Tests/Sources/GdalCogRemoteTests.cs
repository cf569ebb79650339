using System.Globalization;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>
/// COGs written by GDAL (every band type, compressions, predictors, block sizes, nodata), read over loopback HTTP by
/// window: value by value what GDAL reads from the same window, and what the local read of the same file gives.
/// </summary>
public sealed class GdalCogRemoteTests : IClassFixture<GdalCogCorpus>, IAsyncLifetime
{
    private readonly GdalCogCorpus _corpus;
    private RangeHttpServer _server = null!;

    public GdalCogRemoteTests(GdalCogCorpus corpus) => _corpus = corpus;

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        foreach (var c in _corpus.Cases)
        {
            _server.Put("/" + c.Name + ".tif", File.ReadAllBytes(c.Path));
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<int> Windows => new() { 0, 1, 2 };

    /// <summary>
    /// A request inside rows [r0, r0+rows) and columns [c0, c0+cols): its first and last points a quarter pixel in from
    /// those rows' and columns' centres, so the raster returns exactly them (it returns its own points covering the
    /// request) however the pixel size rounds.
    /// </summary>
    private static Coordinates Window(CogCase c, int r0, int rows, int c0, int cols)
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        double dy = 1.0 / c.Height, dx = 1.0 / c.Width;
        double lat0 = 40 - dy * (r0 + 0.5) - dy / 4, lat1 = 40 - dy * (r0 + rows - 0.5) + dy / 4;
        double lon0 = -106 + dx * (c0 + 0.5) + dx / 4, lon1 = -106 + dx * (c0 + cols - 0.5) - dx / 4;
        if (rows == 1)
        {
            lat0 = lat1 = 40 - dy * (r0 + 0.5);
        }
        if (cols == 1)
        {
            lon0 = lon1 = -106 + dx * (c0 + 0.5);
        }
        return Coordinates.Parse(
            $$"""{"coords": [{"name": "lat", "values": [{{F(lat0)}}, {{F(lat1)}}]}, {"name": "lon", "values": [{{F(lon0)}}, {{F(lon1)}}]}]}""");
    }

    private static async Task<PipelineRun> Run(string source, Coordinates coords)
    {
        var cache = TieredCache.InMemory(1L << 27);
        var io = new SourceIO();
        var services = new SourceServices(io, new SourceVersions(io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero), new BlockCache(cache));
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(source) + "}}}");
        return await new PipelineRunner(cache, new RunnerOptions { SourceServices = services }).RunAsync(pipeline, coords);
    }

    [Fact]
    public void Corpus_CoversEveryBandTypeAndTheCompressionsLibTiffDecodes()
    {
        var types = _corpus.Cases.Select(c => c.DataType).ToHashSet();
        Assert.Superset(new HashSet<string> { "Byte", "Int16", "UInt16", "Int32", "UInt32", "Float32", "Float64" }, types);
        var compressions = _corpus.Cases.Select(c => c.Compression).ToHashSet();
        Assert.Superset(new HashSet<string> { "NONE", "DEFLATE", "LZW", "PACKBITS" }, compressions);
    }

    [Fact]
    public async Task EveryCase_AWindowAcrossBlockBoundaries_EqualsGdalsRead_AndTheLocalRead()
    {
        var failures = new List<string>();
        foreach (var c in _corpus.Cases)
        {
            // Straddle the first block corner where the raster is big enough, else take what there is.
            int c0 = Math.Max(0, Math.Min(c.BlockSize - 37, c.Width - 60)), r0 = Math.Max(0, Math.Min(c.BlockSize - 23, c.Height - 50));
            int cols = Math.Min(90, c.Width - c0), rows = Math.Min(70, c.Height - r0);
            var gdal = _corpus.GdalReadWindow(c, c0, r0, cols, rows);
            var coords = Window(c, r0, rows, c0, cols);
            DataArray remote, local;
            try
            {
                remote = (await Run(_server.UrlOf("/" + c.Name + ".tif").AbsoluteUri, coords)).Output!;
                local = (await Run(c.Path, coords)).Output!;
            }
            catch (Exception ex)
            {
                failures.Add($"{c.Name}: {ex.Message}");
                continue;
            }
            if (!remote.Shape.SequenceEqual(new[] { rows, cols }))
            {
                failures.Add($"{c.Name}: shape {string.Join("x", remote.Shape)}, expected {rows}x{cols}");
                continue;
            }
            if (!remote.Values.SequenceEqual(local.Values))
            {
                failures.Add($"{c.Name}: the remote read differs from the local read");
            }
            for (int i = 0; i < gdal.Length; i++)
            {
                double g = gdal[i];
                bool isNoData = c.NoData is { } nd && (g == nd || (double.IsNaN(nd) && double.IsNaN(g)));
                double want = isNoData ? double.NaN : g;
                double got = remote.Values[i];
                if (!(got.Equals(want)))
                {
                    failures.Add($"{c.Name}: cell {i / cols},{i % cols} is {got}, GDAL reads {g}");
                    break;
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AWindowOfOneBlock_FetchesThatBlockAndTheHeader_NotTheFile()
    {
        var c = _corpus.Cases.Where(k => k.Compression == "NONE" && k.Width >= 2 * k.BlockSize).OrderByDescending(k => k.Width).First();
        var before = _server.BytesSent;
        var run = await Run(_server.UrlOf("/" + c.Name + ".tif").AbsoluteUri, Window(c, c.BlockSize + 3, 20, c.BlockSize + 5, 20));
        long sent = _server.BytesSent - before;
        long block = (long)c.BlockSize * c.BlockSize * (run.Output!.Values.Length > 0 ? BytesPer(c.DataType) : 0);
        Assert.InRange(sent, block, block + 4 * 16384);
        Assert.True(new FileInfo(c.Path).Length > 2 * sent, $"fetched {sent} bytes of a {new FileInfo(c.Path).Length}-byte file");
    }

    private static int BytesPer(string type) => type switch
    {
        "Byte" or "Int8" => 1,
        "Int16" or "UInt16" => 2,
        "Int32" or "UInt32" or "Float32" => 4,
        _ => 8,
    };
}
