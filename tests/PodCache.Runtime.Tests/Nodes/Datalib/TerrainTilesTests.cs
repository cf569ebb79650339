using System.Diagnostics;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes.Datalib;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;
using PodCache.Tests.S3;

namespace PodCache.Runtime.Tests.Nodes.Datalib;

/// <summary>
/// <c>datalib.terraintiles.TerrainTiles</c> against tiles on a real S3 protocol server (moto), read unsigned as PODPAC
/// reads the public bucket: the composite equals GDAL's read of the whole DEM, PODPAC's automatic zoom picks the tiles'
/// zoom, only the tiles a request touches are fetched and only once, a re-published tile gives new keys, and bad attrs
/// or missing tiles are errors at the node's attrs.
/// </summary>
[Collection("moto")]
public sealed class TerrainTilesTests : IClassFixture<TerrainTileSet>, IDisposable
{
    private readonly MotoFixture _moto;
    private readonly TerrainTileSet _set;
    private readonly SourceIO _io;

    public TerrainTilesTests(MotoFixture moto, TerrainTileSet set)
    {
        _moto = moto;
        _set = set;
        _io = new SourceIO(
            new HttpSourceOptions { Retries = 1, InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) },
            new S3SourceOptions { ServiceUrl = _moto.ServiceUrl, Region = "us-east-1" });
    }

    public void Dispose() => _io.Dispose();

    private async Task<string> BucketAsync()
    {
        string bucket = await _moto.CreateBucketAsync();
        using var client = _moto.CreateClient();
        for (int j = 0; j < 2; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                await PutAsync(client, bucket, _set.Key(_set.X0 + i, _set.Y0 + j), _set.Tile(_set.X0 + i, _set.Y0 + j));
            }
        }
        return bucket;
    }

    private static Task PutAsync(IAmazonS3 client, string bucket, string key, string file) =>
        client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = file, CannedACL = S3CannedACL.PublicRead });

    private PipelineRunner Runner(IMemoCache cache) => new(cache, new RunnerOptions
    {
        SourceServices = new SourceServices(_io, new SourceVersions(_io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero),
            new BlockCache(cache)),
    });

    private static Pipeline Tiles(string bucket, string extra = "", string type = "datalib.terraintiles.TerrainTiles") => Pipeline.Parse(
        "{\"t\": {\"node\": \"" + type + "\", \"attrs\": {\"bucket\": \"" + bucket + "\", \"tile_format\": \"geotiff\", \"urls\": []" + extra + "}}}");

    /// <summary>The DEM's pixel centres at the given rows and columns, in EPSG:3857.</summary>
    private Coordinates PixelCentres(IEnumerable<int> rows, IEnumerable<int> cols) => new(
        [
            new ArrayCoordinates1D("lat", rows.Select(r => _set.Centre(r, 0).Y).ToArray()),
            new ArrayCoordinates1D("lon", cols.Select(c => _set.Centre(0, c).X).ToArray()),
        ], "EPSG:3857");

    private string TileUri(string bucket, int x, int y) => $"s3://{bucket}/{_set.Key(x, y)}";

    [Fact]
    public async Task FourTiles_AtTheirPixelCentres_EqualGdalsReadOfTheWholeDem()
    {
        string bucket = await BucketAsync();
        var run = await Runner(TieredCache.InMemory(1L << 28)).RunAsync(Tiles(bucket, ", \"zoom\": 10"), PixelCentres(_set.Rows, _set.Cols));

        var output = run.Output!;
        Assert.Equal([_set.Rows.Length, _set.Cols.Length], output.Shape);
        for (int i = 0; i < _set.Rows.Length; i++)
        {
            for (int j = 0; j < _set.Cols.Length; j++)
            {
                Assert.True(_set.Values[i][j] == output[i, j], $"row {_set.Rows[i]}, col {_set.Cols[j]}: GDAL {_set.Values[i][j]}, tiles {output[i, j]}");
            }
        }
        var fetched = run.SourceActivity!.BySource.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { (0, 0), (1, 0), (0, 1), (1, 1) }.Select(t => TileUri(bucket, _set.X0 + t.Item1, _set.Y0 + t.Item2)).Order(StringComparer.Ordinal), fetched);
    }

    [Theory]
    [InlineData("nearest")]
    [InlineData("bilinear")]
    public async Task AutomaticZoom_OnADegreeGridAcrossTheSeams_PicksZoom10_AndEqualsTheWholeDemInterpolated(string method)
    {
        string bucket = await BucketAsync();
        // The DEM's middle (where the four tiles meet) in degrees; steps of ~220 m in EPSG:3857 give PODPAC's zoom 10.
        var (cy, cx) = _set.Centre(512, 512);
        double lon = cx / 20037508.342789244 * 180;
        double lat = Math.Atan(Math.Sinh(cy / 20037508.342789244 * Math.PI)) * 180 / Math.PI;
        var request = Coordinates.Parse($$"""
            {"coords": [{"name": "lat", "start": {{lat + 0.03:R}}, "stop": {{lat - 0.03:R}}, "step": -0.0015},
                        {"name": "lon", "start": {{lon - 0.04:R}}, "stop": {{lon + 0.04:R}}, "step": 0.002}]}
            """);
        Assert.Equal(TerrainTileSet.Zoom, TerrainTilesNode.AutoZoom(request, -1));

        var tiles = await Runner(TieredCache.InMemory(1L << 28)).RunAsync(Tiles(bucket, $", \"interpolation\": \"{method}\""), request);
        var whole = await new PipelineRunner(TieredCache.InMemory(1L << 28)).RunAsync(Pipeline.Parse($$$"""
            {"r": {"node": "data.Rasterio", "attrs": {"source": {{{JsonSerializer.Serialize(_set.Mosaic)}}} } },
             "i": {"node": "interpolators.Interpolate", "attrs": {"interpolation": "{{{method}}}"}, "inputs": {"source": "r"} } }
            """), request);

        Assert.Equal(whole.Output!.Shape, tiles.Output!.Shape);
        Assert.Equal(request["lat"].Points.ToArray(), tiles.Output.Coordinates["lat"].Points.ToArray());
        // PODPAC rounds each tile's coordinates to 6 decimals (metres), so bilinear weights move in the 10th digit.
        var expected = whole.Output.Values.ToArray();
        var actual = tiles.Output.Values.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(method == "nearest" ? expected[i] == actual[i] : Math.Abs(expected[i] - actual[i]) < 1e-6,
                $"cell {i}: the whole DEM gives {expected[i]}, the tiles {actual[i]}");
        }
        Assert.DoesNotContain(tiles.Output.Values.ToArray(), double.IsNaN);
        Assert.Equal(4, tiles.SourceActivity!.BySource.Count);
    }

    [Fact]
    public async Task ARequestInsideOneTile_FetchesOnlyThatTile_AndTheSecondRunFetchesNothing()
    {
        string bucket = await BucketAsync();
        var cache = TieredCache.InMemory(1L << 28);
        var runner = Runner(cache);
        var request = PixelCentres(Enumerable.Range(600, 40), Enumerable.Range(700, 50));

        var first = await runner.RunAsync(Tiles(bucket, ", \"zoom\": 10"), request);
        Assert.Equal([TileUri(bucket, _set.X0 + 1, _set.Y0 + 1)], first.SourceActivity!.BySource.Keys);
        Assert.True(first.SourceActivity.BytesFetched > 0);
        long tileBytes = new FileInfo(_set.Tile(_set.X0 + 1, _set.Y0 + 1)).Length;
        Assert.True(first.SourceActivity.BytesFetched < tileBytes, $"{first.SourceActivity.BytesFetched} bytes fetched of a {tileBytes}-byte tile");

        var second = await runner.RunAsync(Tiles(bucket, ", \"zoom\": 10"), request);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), second.Nodes["t"].Status);
        Assert.Equal(0, second.SourceActivity?.BytesFetched ?? 0);
        Assert.Equal(first.Output!.Values.ToArray(), second.Output!.Values.ToArray());
    }

    [Fact]
    public async Task ARepublishedTile_GivesNewKeys_AndItsNewValues_TheOtherTilesComeFromTheBlockCache()
    {
        string bucket = await BucketAsync();
        var cache = TieredCache.InMemory(1L << 28);
        var runner = Runner(cache);
        var request = PixelCentres(Enumerable.Range(500, 24), Enumerable.Range(490, 30));
        var before = await runner.RunAsync(Tiles(bucket, ", \"zoom\": 10"), request);

        using (var client = _moto.CreateClient())
        {
            await PutAsync(client, bucket, _set.Key(_set.X0, _set.Y0), _set.Replaced);
        }
        var after = await runner.RunAsync(Tiles(bucket, ", \"zoom\": 10"), request);

        Assert.Equal(CacheStatus.Computed, after.Nodes["t"].Status);
        Assert.NotEqual(before.Nodes["t"].ResultKey, after.Nodes["t"].ResultKey);
        // Rows 500..511 x cols 490..511 lie in the replaced tile: 1000 m higher; every other cell unchanged.
        for (int i = 0; i < 24; i++)
        {
            for (int j = 0; j < 30; j++)
            {
                double expected = before.Output![i, j] + (i < 12 && j < 22 ? 1000 : 0);
                Assert.True(Math.Abs(expected - after.Output![i, j]) < 1e-3, $"({i}, {j}): {before.Output[i, j]} -> {after.Output[i, j]}");
            }
        }
        Assert.Equal([TileUri(bucket, _set.X0, _set.Y0)], after.SourceActivity!.BySource.Where(s => s.Value.BytesFetched > 0).Select(s => s.Key));
    }

    [Fact]
    public async Task TerrainTilesComposite_ReturnsTheTilesOwnPoints_InEpsg3857()
    {
        string bucket = await BucketAsync();
        var request = PixelCentres(Enumerable.Range(508, 8), Enumerable.Range(505, 10));
        var run = await Runner(TieredCache.InMemory(1L << 28)).RunAsync(
            Tiles(bucket, ", \"zoom\": 10", "datalib.terraintiles.TerrainTilesComposite"), request);

        var output = run.Output!;
        Assert.Equal("EPSG:3857", output.Coordinates.Crs);
        // The union of the four tiles' windows, ascending (xarray's combine_first), each value from its tile.
        var lat = output.Coordinates["lat"].Points.ToArray();
        Assert.Equal(lat.Order().ToArray(), lat);
        var lon = output.Coordinates["lon"].Points.ToArray();
        // The request's 8 x 10 pixel centres, each tile's window widened outward by at most one pixel a side.
        Assert.InRange(lat.Length, 8, 10);
        Assert.InRange(lon.Length, 10, 12);
        // Rounded to 6 decimals, an edge point may sit up to 5e-7 m inside the request's.
        Assert.True(lat[0] <= request["lat"].Min + 1e-6 && lat[^1] >= request["lat"].Max - 1e-6, $"lat {lat[0]}..{lat[^1]}");
        Assert.True(lon[0] <= request["lon"].Min + 1e-6 && lon[^1] >= request["lon"].Max - 1e-6, $"lon {lon[0]}..{lon[^1]}");
        foreach (var axis in new[] { lat, lon })
        {
            for (int i = 1; i < axis.Length; i++)
            {
                Assert.Equal(_set.Pixel, axis[i] - axis[i - 1], 5);
            }
        }
        Assert.DoesNotContain(output.Values.ToArray(), double.IsNaN);
    }

    [Theory]
    [InlineData("\"zoom\": 15", "zoom", "from 0 to 14")]
    [InlineData("\"zoom\": 2.5", "zoom", "whole zoom level")]
    [InlineData("\"zoom\": -2", "zoom", "-1")]
    [InlineData("\"tile_format\": \"terrarium\"", "tile_format", "PNG")]
    [InlineData("\"bucket\": \"Not_A_Bucket\"", "bucket", "bucket name")]
    [InlineData("\"interpolation\": \"cubicle\"", "interpolation", "nearest")]
    public void BadAttrs_AreErrorsAtTheAttr(string attr, string name, string message)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"t\": {\"node\": \"datalib.terraintiles.TerrainTiles\", \"attrs\": {" + attr + "}}}"));
        Assert.Contains(ex.Errors, e => e.Path == $"t.attrs.{name}" && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"node\": \"datalib.terraintiles.TerrainTiles\"}")]
    [InlineData("{\"node\": \"datalib.TerrainTiles\"}")]
    [InlineData("{\"node\": \"podpac.datalib.terraintiles.TerrainTiles\"}")]
    [InlineData("{\"node\": \"TerrainTiles\", \"plugin\": \"podpacdatalib.terraintiles\"}")]
    public void EveryNamePodpacWrites_IsOneTypeWithOneKey(string node)
    {
        var named = Pipeline.Parse("{\"t\": " + node.TrimEnd('}') + ", \"attrs\": {\"zoom\": 8}}}");
        var canonical = Pipeline.Parse("{\"t\": {\"node\": \"datalib.terraintiles.TerrainTiles\", \"attrs\": {\"zoom\": 8, \"bucket\": \"elevation-tiles-prod\"}}}");
        Assert.Equal("datalib.terraintiles.TerrainTiles", named.Nodes.Single().Type.Name);
        Assert.Equal(new NodeKeys(canonical).NodeKey("t"), new NodeKeys(named).NodeKey("t"));
    }

    [Fact]
    public async Task AMissingTile_IsA404AtTheBucketAttr_AndNothingIsCached()
    {
        string bucket = await BucketAsync();
        var cache = TieredCache.InMemory(1L << 28);
        // Columns past the DEM's east edge are in a tile that was never uploaded.
        var request = PixelCentres(Enumerable.Range(100, 4), Enumerable.Range(1020, 8));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Runner(cache).RunAsync(Tiles(bucket, ", \"zoom\": 10"), request));

        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.bucket" && e.Message.Contains("404", StringComparison.Ordinal)
            && e.Message.Contains(TileUri(bucket, _set.X0 + 2, _set.Y0), StringComparison.Ordinal));
        Assert.Equal(0, cache.Tiers[0].GetStatistics().Entries);
    }

    [Fact]
    public async Task AnAccessPolicyWithoutTheBucket_RefusesAtTheBucketAttr_BeforeAnyRequest_AndOneWithItAllows()
    {
        string bucket = await BucketAsync();
        var request = PixelCentres(Enumerable.Range(600, 4), Enumerable.Range(700, 4));
        var cache = TieredCache.InMemory(1L << 28);
        var services = new SourceServices(_io, new SourceVersions(_io, new InMemorySourceVersionStore(), TimeSpan.Zero, TimeSpan.Zero), new BlockCache(cache));
        PipelineRunner Allowing(string prefix) => new(cache, new RunnerOptions
        {
            SourceServices = services,
            Sources = PodCache.Runtime.Sources.SourceAccessPolicy.Create(null, [prefix]),
        });

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Allowing("s3://some-other-bucket/").RunAsync(Tiles(bucket, ", \"zoom\": 10"), request));
        Assert.Contains(ex.Errors, e => e.Path == "t.attrs.bucket" && e.Message.Contains("not allowed", StringComparison.Ordinal));
        Assert.Equal(0, cache.Tiers[0].GetStatistics().Entries);

        var run = await Allowing($"s3://{bucket}/").RunAsync(Tiles(bucket, ", \"zoom\": 10"), request);
        Assert.Equal([4, 4], run.Output!.Shape);
    }

    [Fact]
    public async Task ARequestTouchingTooManyTiles_IsAnErrorBeforeAnyFetch()
    {
        string bucket = await BucketAsync();
        var request = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 39, "stop": 41, "size": 50}, {"name": "lon", "start": -106, "stop": -104, "size": 50}]}""");
        var runner = Runner(TieredCache.InMemory(1L << 28));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => runner.RunAsync(Tiles(bucket, ", \"zoom\": 14"), request));

        Assert.Contains(ex.Errors, e => e.Path == "t" && e.Message.Contains("elevation tiles at zoom 14", StringComparison.Ordinal));
    }
}

/// <summary>PODPAC's zoom choice and tile list, against the table its own functions produced (terraintiles_zoom.py).</summary>
public sealed class TerrainTilesZoomTests
{
    public static IEnumerable<object[]> Cases()
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Nodes", "Datalib", "terraintiles-zoom.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });
    }

    private static JsonElement Case(string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Nodes", "Datalib", "terraintiles-zoom.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ZoomAndTiles_AreWhatPodpacChooses(string name)
    {
        var c = Case(name);
        var coords = Coordinates.Parse(c.GetProperty("coords").GetRawText());

        int zoom = TerrainTilesNode.AutoZoom(coords, c.GetProperty("zoom_attr").GetInt32());
        var tiles = TerrainTilesNode.Tiles(coords, zoom);

        Assert.Equal(c.GetProperty("zoom").GetInt32(), zoom);
        Assert.Equal(c.GetProperty("tiles").EnumerateArray().Select(t => (t[0].GetInt32(), t[1].GetInt32())), tiles);
    }

    [Fact]
    public void PodpacsFirstZoomSize_SendsCoarseSteps_ToZoom0_AndNeverChooses1To3()
    {
        Assert.Equal(0, Zoom(40_000));
        Assert.Equal(4, Zoom(12_000));
        Assert.Equal(4, Zoom(16_543));
        Assert.Equal(14, Zoom(2));
        var chosen = Enumerable.Range(1, 2000).Select(i => Zoom(i * 50.0)).ToHashSet();
        Assert.DoesNotContain(1, chosen);
        Assert.DoesNotContain(2, chosen);
        Assert.DoesNotContain(3, chosen);

        static int Zoom(double step)
        {
            string axis(string name) => $$"""{"name": "{{name}}", "start": 0, "stop": {{10 * step:R}}, "step": {{step:R}}}""";
            return TerrainTilesNode.AutoZoom(Coordinates.Parse($$"""{"coords": [{{axis("lat")}}, {{axis("lon")}}], "crs": "EPSG:3857"}"""), -1);
        }
    }

    [Fact]
    public void TilesOfALatitudeBeyondMercatorsRange_AreClampedToTheZoomsTiles()
    {
        Assert.Equal((0, 0), TerrainTilesNode.TileOf(89.9, -180, 3));
        Assert.Equal((7, 7), TerrainTilesNode.TileOf(-89.9, 180, 3));
    }
}
