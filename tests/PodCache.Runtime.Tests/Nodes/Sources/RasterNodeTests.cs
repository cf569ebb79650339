using System.Text.Json;
using BitMiracle.LibTiff.Classic;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Nodes.Sources;

public sealed class RasterNodeTests : IDisposable
{
    // The default TestTiff: 8 columns x 6 rows, 0.5° x 0.25° pixels, outer corner at (-106, 40).
    private const string FullGrid =
        """{"coords": [{"name": "lat", "start": 39.875, "stop": 38.625, "step": -0.25}, {"name": "lon", "start": -105.75, "stop": -102.25, "step": 0.5}]}""";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Pipeline(string path, string attrs = "", string node = "data.Raster") =>
        "{\"r\": {\"node\": \"" + node + "\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path)
        + (attrs.Length > 0 ? ", " + attrs : "") + "}}}";

    private static async Task<DataArray> Run(string path, string coords = FullGrid, string attrs = "", string node = "data.Raster")
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path, attrs, node)), Coordinates.Parse(coords));
        return run.Output!;
    }

    private static DataArray EvaluateDirect(string path, string coords = FullGrid, string attrs = "")
    {
        var node = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path, attrs))["r"].Implementation;
        return node.Evaluate(new NodeContext(Coordinates.Parse(coords), new Dictionary<string, DataArray>(), []));
    }

    /// <summary>Asserts every cell equals the TestTiff value of the pixel its coordinates name.</summary>
    private static void AssertMatchesPixels(DataArray a, Func<int, int, double> expected)
    {
        Assert.Equal(["lat", "lon"], a.Dims);
        var lat = a.Coordinates["lat"];
        var lon = a.Coordinates["lon"];
        for (int i = 0; i < lat.Size; i++)
        {
            for (int j = 0; j < lon.Size; j++)
            {
                double r = (39.875 - lat[i]) / 0.25, c = (lon[j] + 105.75) / 0.5;
                Assert.Equal(Math.Round(r), r, 9);
                Assert.Equal(Math.Round(c), c, 9);
                Assert.Equal(expected((int)Math.Round(r), (int)Math.Round(c)), a[i, j]);
            }
        }
    }

    [Fact]
    public async Task Evaluate_Float32Strips_ReturnsPixelCentresAndValues()
    {
        string path = new TestTiff().WriteTo(_dir.File("a.tif"));

        var a = await Run(path);

        Assert.Equal([6, 8], a.Shape);
        var lat = Assert.IsType<UniformCoordinates1D>(a.Coordinates["lat"]);
        var lon = Assert.IsType<UniformCoordinates1D>(a.Coordinates["lon"]);
        Assert.Equal(39.875, lat.Start, 12);
        Assert.Equal(-0.25, lat.Step, 12);
        Assert.Equal(-105.75, lon.Start, 12);
        Assert.Equal(0.5, lon.Step, 12);
        Assert.Equal(0.0, a[0, 0]);
        Assert.Equal(57.0, a[5, 7]);
        Assert.Equal(23.0, a[2, 3]);
    }

    public static TheoryData<int, SampleFormat, int> SampleTypes => new()
    {
        { 8, SampleFormat.UINT, 0 }, { 8, SampleFormat.UINT, 16 },
        { 8, SampleFormat.INT, 0 }, { 8, SampleFormat.INT, 16 },
        { 16, SampleFormat.UINT, 0 }, { 16, SampleFormat.UINT, 16 },
        { 16, SampleFormat.INT, 0 }, { 16, SampleFormat.INT, 16 },
        { 32, SampleFormat.UINT, 0 }, { 32, SampleFormat.UINT, 16 },
        { 32, SampleFormat.INT, 0 }, { 32, SampleFormat.INT, 16 },
        { 64, SampleFormat.UINT, 0 }, { 64, SampleFormat.INT, 16 },
        { 16, SampleFormat.IEEEFP, 0 }, { 16, SampleFormat.IEEEFP, 16 },
        { 32, SampleFormat.IEEEFP, 0 }, { 32, SampleFormat.IEEEFP, 16 },
        { 64, SampleFormat.IEEEFP, 0 }, { 64, SampleFormat.IEEEFP, 16 },
    };

    [Theory]
    [MemberData(nameof(SampleTypes))]
    public async Task Evaluate_SampleTypeStripsOrTiles_ReadsExactValues(int bits, SampleFormat format, int tile)
    {
        bool signed = format != SampleFormat.UINT;
        // Values that need the full type: negatives for signed types, large magnitudes for wide ones.
        double big = bits switch { 8 => signed ? 100 : 200, 16 => signed ? 30000 : 60000, 32 => signed ? 2_000_000_000 : 4_000_000_000, _ => 1e15 };
        if (format == SampleFormat.IEEEFP) big = bits == 16 ? 1024 : bits == 32 ? 16_777_216 : 1e300;
        Func<int, int, int, double> value = (b, r, c) => (r * 8 + c) switch
        {
            0 => big,
            1 => signed ? -big : 1,
            _ => (signed && (r + c) % 2 == 1 ? -1 : 1) * ((r * 8 + c) % 100),
        };
        var tiff = new TestTiff { Width = 20, Height = 18, Bits = bits, Format = format, Tile = tile, RowsPerStrip = 5, Value = value };
        string path = tiff.WriteTo(_dir.File("t.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 39.875, "stop": 35.625, "step": -0.25}, {"name": "lon", "start": -105.75, "stop": -96.25, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal([18, 20], a.Shape);
        AssertMatchesPixels(a, (r, c) => value(0, r, c));
        Assert.Equal(big, a[0, 0]);
    }

    [Theory]
    [InlineData(false, 0, 1)]
    [InlineData(false, 0, 3)]
    [InlineData(true, 0, 2)]
    [InlineData(true, 0, 3)]
    [InlineData(false, 16, 2)]
    [InlineData(true, 16, 3)]
    public async Task Evaluate_MultiBand_PicksBand(bool separate, int tile, int band)
    {
        var tiff = new TestTiff { Bands = 3, Separate = separate, Tile = tile, Format = SampleFormat.INT, Bits = 16 };
        string path = tiff.WriteTo(_dir.File("m.tif"));

        var a = await Run(path, attrs: $"\"band\": {band}");

        AssertMatchesPixels(a, (r, c) => tiff.Value(band - 1, r, c));
        Assert.Equal(100.0 * (band - 1) + 57, a[5, 7]);
    }

    [Fact]
    public async Task Evaluate_BandBeyondBands_ThrowsNamingTheCount()
    {
        string path = new TestTiff { Bands = 2 }.WriteTo(_dir.File("m.tif"));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path, attrs: "\"band\": 3"));

        Assert.Contains("band 3 does not exist; the file has 2 bands", ex.Message);
        Assert.Contains("r", ex.Message);
    }

    [Theory]
    [InlineData(Compression.DEFLATE, Predictor.NONE, 0)]
    [InlineData(Compression.DEFLATE, Predictor.FLOATINGPOINT, 0)]
    [InlineData(Compression.DEFLATE, Predictor.FLOATINGPOINT, 16)]
    [InlineData(Compression.LZW, Predictor.HORIZONTAL, 0)]
    [InlineData(Compression.LZW, Predictor.NONE, 16)]
    [InlineData(Compression.PACKBITS, Predictor.NONE, 0)]
    public async Task Evaluate_Compressed_DecodesValues(Compression compression, Predictor predictor, int tile)
    {
        var tiff = new TestTiff { Width = 40, Height = 30, Compression = compression, Predictor = predictor, Tile = tile, RowsPerStrip = 7, Value = (b, r, c) => Math.Sqrt(r * 40 + c) - 3.25 };
        string path = tiff.WriteTo(_dir.File("c.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 39.875, "stop": 32.625, "step": -0.25}, {"name": "lon", "start": -105.75, "stop": -86.25, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal([30, 40], a.Shape);
        AssertMatchesPixels(a, (r, c) => (float)(Math.Sqrt(r * 40 + c) - 3.25));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    // (LibTiff.NET 2.4.660 writes big-endian BigTIFF headers wrongly, so that combination is not written here.)
    public async Task Evaluate_BigEndianOrBigTiff_ReadsSameValuesAndGeoreferencing(bool bigEndian, bool bigTiff)
    {
        var tiff = new TestTiff { BigEndian = bigEndian, BigTiff = bigTiff, Bits = 64, Tile = 16, NoData = "57" };
        string path = tiff.WriteTo(_dir.File("e.tif"));

        var a = await Run(path);

        Assert.Equal([6, 8], a.Shape);
        Assert.Equal(-105.75, a.Coordinates["lon"][0], 12);
        Assert.Equal(39.875, a.Coordinates["lat"][0], 12);
        Assert.True(double.IsNaN(a[5, 7]));
        AssertMatchesPixels(a, (r, c) => r == 5 && c == 7 ? double.NaN : tiff.Value(0, r, c));
    }

    [Fact]
    public async Task Evaluate_SubWindow_ReturnsOnlyCoveringSourcePoints()
    {
        var tiff = new TestTiff { Width = 40, Height = 30, Tile = 16 };
        string path = tiff.WriteTo(_dir.File("w.tif"));
        // Bounds between pixel centres: PODPAC's outer selection adds the next source point beyond each bound.
        const string coords = """{"coords": [{"name": "lat", "start": 37.5, "stop": 36.9, "step": -0.1}, {"name": "lon", "start": -100.1, "stop": -98.9, "step": 0.3}]}""";

        var a = await Run(path, coords);

        // lat centres 37.625 (row 9) .. 36.875 (row 12); lon centres -100.25 (col 11) .. -98.75 (col 14).
        Assert.Equal([37.625, 37.375, 37.125, 36.875], a.Coordinates["lat"].Points.ToArray());
        Assert.Equal([-100.25, -99.75, -99.25, -98.75], a.Coordinates["lon"].Points.ToArray());
        AssertMatchesPixels(a, (r, c) => tiff.Value(0, r, c));
        Assert.Equal(tiff.Value(0, 9, 11), a[0, 0]);
    }

    [Fact]
    public async Task Evaluate_ExactSubGrid_ReturnsTheRequestedPoints()
    {
        var tiff = new TestTiff { Width = 40, Height = 30 };
        string path = tiff.WriteTo(_dir.File("w.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 39.625, "stop": 38.875, "step": -0.25}, {"name": "lon", "start": -95.75, "stop": -94.75, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal([4, 3], a.Shape);
        Assert.Equal([39.625, 39.375, 39.125, 38.875], a.Coordinates["lat"].Points.ToArray());
        Assert.Equal([-95.75, -95.25, -94.75], a.Coordinates["lon"].Points.ToArray());
        Assert.Equal(tiff.Value(0, 1, 20), a[0, 0]);
        Assert.Equal(tiff.Value(0, 4, 22), a[3, 2]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task Evaluate_SmallWindow_DecodesOnlyTheStripsOrTilesItTouches(int tile)
    {
        // Rows 32.. are in strips/tiles whose compressed bytes get overwritten with garbage: a window in the top rows
        // must still read, and one that reaches the bottom must fail.
        var tiff = new TestTiff { Width = 48, Height = 64, Compression = Compression.DEFLATE, Tile = tile, RowsPerStrip = 16, Value = (b, r, c) => r * 100 + c };
        var bytes = tiff.ToBytes();
        Corrupt(bytes, tile, firstRow: 32);
        string path = _dir.File("partly-corrupt.tif");
        File.WriteAllBytes(path, bytes);
        const string top = """{"coords": [{"name": "lat", "start": 39.875, "stop": 38.125, "step": -0.25}, {"name": "lon", "start": -105.75, "stop": -100.25, "step": 0.5}]}""";
        const string all = """{"coords": [{"name": "lat", "start": 39.875, "stop": 24.125, "step": -0.25}, {"name": "lon", "start": -105.75, "stop": -100.25, "step": 0.5}]}""";

        var a = await Run(path, top);
        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path, all));

        Assert.Equal([8, 12], a.Shape);
        Assert.Equal(7 * 100 + 11, a[7, 11]);
        Assert.Contains("partly-corrupt.tif", ex.Message);
    }

    /// <summary>Overwrites the compressed data of every strip or tile that starts at or below <paramref name="firstRow"/>.</summary>
    private static void Corrupt(byte[] bytes, int tile, int firstRow)
    {
        using var tif = Tiff.ClientOpen("x", "r", new MemoryStream(bytes), new TiffStream())!;
        var offsets = tif.GetField(tile > 0 ? TiffTag.TILEOFFSETS : TiffTag.STRIPOFFSETS)[0].TolongArray();
        var counts = tif.GetField(tile > 0 ? TiffTag.TILEBYTECOUNTS : TiffTag.STRIPBYTECOUNTS)[0].TolongArray();
        int height = tile > 0 ? tile : 16;
        int perRow = tile > 0 ? (48 + tile - 1) / tile : 1;
        for (int i = 0; i < offsets.Length; i++)
        {
            if (i / perRow * height >= firstRow)
            {
                for (long k = 0; k < counts[i]; k++) bytes[offsets[i] + k] = (byte)(0xA5 ^ k);
            }
        }
    }

    [Theory]
    [InlineData("\"-9999\"", "[]", "NaN", -9999, double.NaN)]
    [InlineData("null", "[13]", "NaN", 13, double.NaN)]
    [InlineData("\"-9999\"", "[13]", "-1", -9999, -1)]
    [InlineData("\"-9999\"", "[13]", "-1", 13, -1)]
    public async Task Evaluate_NoDataAndNanVals_BecomeNanVal(string noData, string nanVals, string nanVal, double cell, double expected)
    {
        var tiff = new TestTiff
        {
            Format = SampleFormat.INT, Bits = 16,
            NoData = noData == "null" ? null : JsonSerializer.Deserialize<string>(noData),
            Value = (b, r, c) => r == 2 && c == 3 ? cell : r * 10 + c,
        };
        string path = tiff.WriteTo(_dir.File("n.tif"));

        var a = await Run(path, attrs: $"\"nan_vals\": {nanVals}, \"nan_val\": {nanVal}");

        Assert.Equal(expected, a[2, 3]);
        Assert.Equal(24.0, a[2, 4]);
        Assert.Equal(0.0, a[0, 0]);
    }

    [Fact]
    public async Task Evaluate_Float32NoData_IsMatchedAfterCastingToTheSampleType()
    {
        // GDAL_NODATA "0.1" names the float32 nearest 0.1, which is not the double 0.1.
        var tiff = new TestTiff { NoData = "0.1", Value = (b, r, c) => r == 1 && c == 1 ? 0.1 : 0.5 };
        string path = tiff.WriteTo(_dir.File("f.tif"));

        var a = await Run(path);

        Assert.True(double.IsNaN(a[1, 1]));
        Assert.Equal(0.5, a[1, 2]);
    }

    [Fact]
    public async Task Evaluate_NoDataNan_KeepsNanCells()
    {
        var tiff = new TestTiff { NoData = "nan", Value = (b, r, c) => r == 0 && c == 0 ? double.NaN : 7 };
        string path = tiff.WriteTo(_dir.File("f.tif"));

        var a = await Run(path, attrs: "\"nan_val\": -5");

        Assert.True(double.IsNaN(a[0, 0]));
        Assert.Equal(7.0, a[0, 1]);
    }

    [Fact]
    public async Task Evaluate_PixelIsPoint_TiepointIsTheFirstCentre()
    {
        var tiff = new TestTiff { GeoKeys = TestTiff.Geographic(4326, rasterType: 2), Tiepoint = [0, 0, 0, -106, 40, 0] };
        string path = tiff.WriteTo(_dir.File("p.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 40, "stop": 38.75, "step": -0.25}, {"name": "lon", "start": -106, "stop": -102.5, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal([6, 8], a.Shape);
        Assert.Equal(40.0, a.Coordinates["lat"][0], 12);
        Assert.Equal(38.75, a.Coordinates["lat"][5], 12);
        Assert.Equal(-106.0, a.Coordinates["lon"][0], 12);
        Assert.Equal(57.0, a[5, 7]);
    }

    [Fact]
    public async Task Evaluate_TiepointAtAnInnerPixel_ShiftsTheGrid()
    {
        // Raster point (2, 1) is tied to (-105, 39.75): the outer corner is still (-106, 40).
        var tiff = new TestTiff { Tiepoint = [2, 1, 0, -105, 39.75, 0] };
        string path = tiff.WriteTo(_dir.File("i.tif"));

        var a = await Run(path);

        Assert.Equal(39.875, a.Coordinates["lat"][0], 12);
        Assert.Equal(-105.75, a.Coordinates["lon"][0], 12);
        Assert.Equal(57.0, a[5, 7]);
    }

    [Fact]
    public async Task Evaluate_ModelTransformation_GivesTheSameGridAsScaleAndTiepoint()
    {
        var tiff = new TestTiff { Scale = null, Tiepoint = null, Transformation = [0.5, 0, 0, -106, 0, -0.25, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1] };
        string path = tiff.WriteTo(_dir.File("m.tif"));

        var a = await Run(path);

        AssertMatchesPixels(a, (r, c) => tiff.Value(0, r, c));
        Assert.Equal([6, 8], a.Shape);
    }

    [Fact]
    public async Task Evaluate_RotatedTransformation_IsRejected()
    {
        var tiff = new TestTiff { Scale = null, Tiepoint = null, Transformation = [0.5, 0.1, 0, -106, 0, -0.25, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1] };
        string path = tiff.WriteTo(_dir.File("m.tif"));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Contains("rotated", ex.Message);
    }

    [Theory]
    [InlineData(1, 2193, "EPSG:2193 (projected)")]
    [InlineData(1, 32767, "user-defined projected")]
    [InlineData(2, 4269, "EPSG:4269")]
    [InlineData(2, 32767, "user-defined")]
    [InlineData(0, 0, "no GeoKeyDirectoryTag")]
    public async Task Evaluate_OtherCrs_IsRejectedClearly(int model, int epsg, string detail)
    {
        var tiff = new TestTiff { GeoKeys = model == 0 ? null : model == 1 ? TestTiff.Projected(epsg) : TestTiff.Geographic(epsg) };
        string path = tiff.WriteTo(_dir.File("crs.tif"));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Contains("PodCache reads rasters in EPSG:4326", ex.Message);
        Assert.Contains(detail, ex.Message);
        Assert.Contains("crs.tif", ex.Message);
    }

    [Fact]
    public async Task Evaluate_UtmFile_IsReadInItsOwnCrs()
    {
        // A 8 x 6 raster in UTM 13N with 1 km pixels: the file's metres are its coordinates, its CRS is the output's.
        var tiff = new TestTiff { GeoKeys = TestTiff.Projected(32613), Scale = [1000, 1000, 0], Tiepoint = [0, 0, 0, 400000, 4500000, 0] };
        string path = tiff.WriteTo(_dir.File("utm.tif"));

        var all = await Run(path, """{"coords": [{"name": "lat", "start": 4499500, "stop": 4494500, "step": -1000}, {"name": "lon", "start": 400500, "stop": 407500, "step": 1000}], "crs": "EPSG:32613"}""");

        Assert.Equal("EPSG:32613", all.Coordinates.Crs);
        Assert.Equal([6, 8], all.Shape);
        Assert.Equal(4499500, all.Coordinates["lat"][0]);
        Assert.Equal(400500, all.Coordinates["lon"][0]);
    }

    [Fact]
    public async Task Evaluate_NoGeoreferencing_IsRejected()
    {
        string path = new TestTiff { Scale = null, Tiepoint = null }.WriteTo(_dir.File("g.tif"));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Contains("no georeferencing", ex.Message);
    }

    [Fact]
    public async Task Evaluate_OneBitImage_IsUnsupported()
    {
        var bytes = new TestTiff { Bits = 8, Format = SampleFormat.UINT }.ToBytes();
        // Rewrite BitsPerSample 8 → 1 in place: LibTiff still opens it, PodCache refuses it.
        using (var tif = Tiff.ClientOpen("x", "r", new MemoryStream(bytes), new TiffStream())!)
        {
            Assert.Equal(8, tif.GetField(TiffTag.BITSPERSAMPLE)[0].ToInt());
        }
        string path = _dir.File("b.tif");
        File.WriteAllBytes(path, PatchTag(bytes, 258, 1));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Contains("1-bit unsigned integer samples are not supported", ex.Message);
    }

    /// <summary>Sets the inline SHORT or LONG value of <paramref name="tag"/> in a little-endian classic TIFF's first directory.</summary>
    internal static byte[] PatchTag(byte[] bytes, int tag, uint value)
    {
        var b = (byte[])bytes.Clone();
        int ifd = BitConverter.ToInt32(b, 4);
        int n = BitConverter.ToUInt16(b, ifd);
        for (int i = 0; i < n; i++)
        {
            int e = ifd + 2 + 12 * i;
            if (BitConverter.ToUInt16(b, e) == tag)
            {
                if (value > ushort.MaxValue) BitConverter.TryWriteBytes(b.AsSpan(e + 2, 2), (ushort)4); // make it a LONG
                if (BitConverter.ToUInt16(b, e + 2) == 3) BitConverter.TryWriteBytes(b.AsSpan(e + 8, 2), (ushort)value);
                else BitConverter.TryWriteBytes(b.AsSpan(e + 8, 4), value);
                return b;
            }
        }
        throw new InvalidOperationException($"no tag {tag}");
    }

    [Fact]
    public async Task Evaluate_RequestInLonLatOrderWithTime_TransposesAndDropsTime()
    {
        var tiff = new TestTiff();
        string path = tiff.WriteTo(_dir.File("o.tif"));
        const string coords = """{"coords": [{"name": "time", "values": ["2020-01-01"]}, {"name": "lon", "start": -105.75, "stop": -104.75, "step": 0.5}, {"name": "lat", "start": 39.875, "stop": 39.625, "step": -0.25}]}""";

        var a = await Run(path, coords);

        Assert.Equal(["lon", "lat"], a.Dims);
        Assert.Equal([3, 2], a.Shape);
        Assert.Equal(tiff.Value(0, 1, 2), a[2, 1]);
    }

    [Fact]
    public async Task Evaluate_AscendingRequest_KeepsTheFileOrder()
    {
        string path = new TestTiff().WriteTo(_dir.File("o.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 38.625, "stop": 39.875, "step": 0.25}, {"name": "lon", "start": -105.75, "stop": -102.25, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal(39.875, a.Coordinates["lat"][0], 12);
        Assert.Equal(0.0, a[0, 0]);
    }

    [Fact]
    public async Task Evaluate_NoOverlap_GivesAnEmptyAxis()
    {
        string path = new TestTiff().WriteTo(_dir.File("o.tif"));
        const string coords = """{"coords": [{"name": "lat", "start": 10, "stop": 9, "step": -0.5}, {"name": "lon", "start": -105.75, "stop": -102.25, "step": 0.5}]}""";

        var a = await Run(path, coords);

        Assert.Equal([0, 8], a.Shape);
    }

    [Fact]
    public async Task Evaluate_MissingDim_Throws()
    {
        string path = new TestTiff().WriteTo(_dir.File("o.tif"));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path, """{"coords": [{"name": "lat", "values": [39]}]}"""));

        Assert.Contains("no 'lon' dim", ex.Message);
    }

    [Fact]
    public async Task Evaluate_RequestInAnotherCrs_SelectsThereAndKeepsTheFilesCoordinates()
    {
        string path = new TestTiff().WriteTo(_dir.File("o.tif"));
        // The pixel centred at (39.625 N, 105.25 W), asked for in Web Mercator metres.
        double x = 6378137.0 * (-105.25 * Math.PI / 180), y = 6378137.0 * Math.Asinh(Math.Tan(39.625 * Math.PI / 180));
        string merc = $$"""{"coords": [{"name": "lat", "values": [{{y:R}}]}, {"name": "lon", "values": [{{x:R}}]}], "crs": "EPSG:3857"}""";

        var inMerc = await Run(path, merc);
        var inDegrees = await Run(path, """{"coords": [{"name": "lat", "values": [39.625]}, {"name": "lon", "values": [-105.25]}]}""");

        // QUIRK (SEMANTICS §15): data.Rasterio does not transform its points back; they stay in degrees.
        Assert.Equal("EPSG:4326", inMerc.Coordinates.Crs);
        // The transformed point is within an ulp of the pixel centre, so the outward selection may add a neighbour.
        var lat = inMerc.Coordinates["lat"].Points.ToArray();
        var lon = inMerc.Coordinates["lon"].Points.ToArray();
        Assert.All(lat, v => Assert.InRange(v, 39.375, 39.875));
        Assert.All(lon, v => Assert.InRange(v, -105.75, -104.75));
        int i = Array.IndexOf(lat, 39.625), j = Array.IndexOf(lon, -105.25);
        Assert.True(i >= 0 && j >= 0);
        Assert.Equal(inDegrees.Data[0], inMerc.Data[i * lon.Length + j]);
    }

    [Fact]
    public async Task Evaluate_MissingFile_FailsNamingThePath()
    {
        string path = _dir.File("nowhere.tif");
        var node = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path))["r"].Implementation;

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Equal("missing", node.ResolveSourceVersion());
        Assert.Contains("not found", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task Evaluate_RelativePath_IsResolvedAgainstTheCurrentDirectory()
    {
        var tiff = new TestTiff();
        string full = tiff.WriteTo(_dir.File("rel.tif"));
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        Assert.False(Path.IsPathRooted(relative));

        var a = await Run(relative);

        Assert.Equal(57.0, a[5, 7]);
    }

    [Theory]
    [InlineData("data.Rasterio")]
    [InlineData("core.data.rasterio_source.Rasterio")]
    public async Task Parse_PodpacNames_ResolveToRaster(string name)
    {
        string path = new TestTiff().WriteTo(_dir.File("a.tif"));

        var pipeline = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path, node: name));
        var a = await Run(path, node: name);

        Assert.Equal("data.Raster", pipeline["r"].Type.Name);
        Assert.Equal(57.0, a[5, 7]);
    }

    [Theory]
    [InlineData("\"band\": 0", "attrs.band")]
    [InlineData("\"band\": 1.5", "attrs.band")]
    [InlineData("\"band\": \"one\"", "attrs.band")]
    [InlineData("\"version_token\": \"etag\"", "attrs.version_token")]
    [InlineData("\"nan_vals\": [\"x\"]", "attrs.nan_vals")]
    [InlineData("\"interpolation\": \"nearest\"", "attrs.interpolation")]
    public void Parse_BadAttr_ReportsItsPath(string attrs, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("x.tif", attrs)));

        Assert.Contains("r." + path, ex.Message);
    }

    [Theory]
    [InlineData("{\"r\": {\"node\": \"data.Raster\"}}", "r.attrs.source")]
    [InlineData("{\"r\": {\"node\": \"data.Raster\", \"attrs\": {\"source\": \"\"}}}", "r.attrs.source")]
    [InlineData("{\"r\": {\"node\": \"data.Raster\", \"attrs\": {\"source\": 5}}}", "r.attrs.source")]
    public void Parse_BadSource_ReportsItsPath(string json, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(json));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task Evaluate_TruncatedFile_ThrowsNodeEvaluationExceptionAtEveryLength()
    {
        var bytes = new TestTiff { Width = 20, Height = 10, RowsPerStrip = 3, Compression = Compression.DEFLATE, NoData = "-1" }.ToBytes();
        string path = _dir.File("cut.tif");
        for (int length = 0; length < bytes.Length; length += Math.Max(1, length / 16))
        {
            File.WriteAllBytes(path, bytes[..length]);
            var ex = Assert.Throws<NodeEvaluationException>(() => EvaluateDirect(path,
                """{"coords": [{"name": "lat", "start": 40, "stop": 37, "step": -0.25}, {"name": "lon", "start": -106, "stop": -96, "step": 0.5}]}"""));
            Assert.Contains("cut.tif", ex.Message);
        }
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var pex = await Assert.ThrowsAsync<PipelineException>(() => Run(path));

        Assert.Contains("r: cannot read GeoTIFF '" + path + "': ", pex.Message);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 7)]
    [InlineData(3, 100)]
    [InlineData(4, 5000)]
    public void Evaluate_RandomGarbage_ThrowsNodeEvaluationException(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        if (seed % 2 == 0 && length >= 4)
        {
            bytes[0] = bytes[1] = (byte)'I';
            bytes[2] = 42;
            bytes[3] = 0;
        }
        string path = _dir.File("garbage.tif");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<NodeEvaluationException>(() => EvaluateDirect(path));

        Assert.Contains("garbage.tif", ex.Message);
    }

    [Fact]
    public void Evaluate_CorruptTagCounts_IsRejectedBeforeAllocating()
    {
        var bytes = new TestTiff().ToBytes();
        // Make the first directory entry claim 2^31 values stored past the end of the file.
        int ifd = BitConverter.ToInt32(bytes, 4);
        BitConverter.TryWriteBytes(bytes.AsSpan(ifd + 2 + 4, 4), 0x7FFF_FFFF);
        string path = _dir.File("counts.tif");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<NodeEvaluationException>(() => EvaluateDirect(path));

        Assert.Contains("corrupt", ex.Message);
    }

    [Fact]
    public void Evaluate_HugeClaimedSize_IsRejectedWithoutAllocating()
    {
        // A small file claiming a 20000 x 8000 float64 image in one compressed strip (1.28 GB decoded).
        var bytes = new TestTiff { Bits = 64, RowsPerStrip = 6, Compression = Compression.DEFLATE }.ToBytes();
        bytes = PatchTag(bytes, 256, 20000);
        bytes = PatchTag(bytes, 257, 8000);
        bytes = PatchTag(bytes, 278, 8000);
        string path = _dir.File("huge.tif");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<NodeEvaluationException>(() => EvaluateDirect(path));

        Assert.Contains("huge.tif", ex.Message);
        Assert.Contains("more than the 1073741824 bytes PodCache allocates at once", ex.Message);
    }

    [Fact]
    public async Task Evaluate_FlippedBytes_NeverCrashesOrHangs()
    {
        // Seeded fuzzing of a compressed, tiled, multi-band file: every outcome is a value or a NodeEvaluationException.
        var original = new TestTiff { Width = 33, Height = 21, Bands = 2, Tile = 16, Compression = Compression.LZW, Predictor = Predictor.HORIZONTAL, Bits = 16, Format = SampleFormat.INT, NoData = "3" }.ToBytes();
        var rng = new Random(20261125);
        string path = _dir.File("fuzz.tif");
        const string coords = """{"coords": [{"name": "lat", "start": 40, "stop": 34, "step": -0.25}, {"name": "lon", "start": -106, "stop": -89, "step": 0.5}]}""";
        int failures = 0;
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(8);
            for (int f = 0; f < flips; f++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(path, bytes);
            var task = Task.Run(() =>
            {
                try
                {
                    EvaluateDirect(path, coords, "\"band\": 2");
                    return true;
                }
                catch (NodeEvaluationException)
                {
                    return false;
                }
            });
            bool ok = await task.WaitAsync(TimeSpan.FromSeconds(20)); // TimeoutException: a hang
            if (!ok) failures++;
        }
        Assert.InRange(failures, 1, 299);
    }

    [Fact]
    public void ResolveSourceVersion_Mtime_ChangesWithLengthAndWriteTime()
    {
        string path = _dir.File("v.tif");
        File.WriteAllBytes(path, new TestTiff().ToBytes());
        var t0 = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, t0);
        var node = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path))["r"].Implementation;

        string first = node.ResolveSourceVersion()!;
        File.SetLastWriteTimeUtc(path, t0.AddSeconds(1));
        string touched = node.ResolveSourceVersion()!;
        File.WriteAllBytes(path, new TestTiff { Width = 9 }.ToBytes());
        File.SetLastWriteTimeUtc(path, t0);
        string resized = node.ResolveSourceVersion()!;

        Assert.Equal($"mtime:{new FileInfo(path).Length}:{t0.Ticks}", resized);
        Assert.StartsWith($"mtime:{new TestTiff().ToBytes().Length}:", first);
        Assert.NotEqual(first, touched);
        Assert.NotEqual(first, resized);
    }

    [Fact]
    public void ResolveSourceVersion_Hash_FollowsContentNotTime()
    {
        string path = _dir.File("h.tif");
        var t0 = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.WriteAllBytes(path, new TestTiff().ToBytes());
        File.SetLastWriteTimeUtc(path, t0);
        var node = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path, "\"version_token\": \"hash\""))["r"].Implementation;

        string first = node.ResolveSourceVersion()!;
        File.SetLastWriteTimeUtc(path, t0.AddHours(1));
        string touched = node.ResolveSourceVersion()!;
        File.WriteAllBytes(path, new TestTiff { Value = (b, r, c) => r + c }.ToBytes()); // same length, other values
        File.SetLastWriteTimeUtc(path, t0);
        string changed = node.ResolveSourceVersion()!;

        Assert.Matches("^sha256:[0-9a-f]{64}$", first);
        Assert.Equal(first, touched);
        Assert.NotEqual(first, changed);
        Assert.Equal(
            "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), changed);
    }

    [Fact]
    public async Task RunAsync_DevZeroWithHashToken_RefusedInsteadOfHashingForever()
    {
        var node = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline("/dev/zero", "\"version_token\": \"hash\""))["r"].Implementation;
        Assert.Equal("not-a-regular-file", node.ResolveSourceVersion());

        var ex = await Assert.ThrowsAsync<PodCache.Runtime.Pipelines.PipelineException>(() => Run("/dev/zero", attrs: "\"version_token\": \"hash\""));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("r", e.Path);
        Assert.Equal("raster file '/dev/zero' is a character device; only regular files are read", e.Message);
    }

    [Fact]
    public async Task RunAsync_FileRewritten_NewKeyAndNewValues()
    {
        string path = _dir.File("r.tif");
        File.WriteAllBytes(path, new TestTiff().ToBytes());
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var pipeline = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(path));
        var coords = Coordinates.Parse(FullGrid);

        var first = await runner.RunAsync(pipeline, coords);
        var again = await runner.RunAsync(pipeline, coords);
        File.WriteAllBytes(path, new TestTiff { Value = (b, r, c) => -1 }.ToBytes());
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var rewritten = await runner.RunAsync(pipeline, coords);

        Assert.Equal(CacheStatus.Hit(TierNames.Ram), again.Nodes["r"].Status);
        Assert.Equal(first.Nodes["r"].NodeKey, again.Nodes["r"].NodeKey);
        Assert.NotEqual(first.Nodes["r"].NodeKey, rewritten.Nodes["r"].NodeKey);
        Assert.Equal(CacheStatus.Computed, rewritten.Nodes["r"].Status);
        Assert.Equal(57.0, first.Output![5, 7]);
        Assert.Equal(-1.0, rewritten.Output![5, 7]);
    }

    /// <summary>Two copies of <c>dem.tif</c> as <c>cp -p</c> leaves them: same name, length and mtime, other pixels.</summary>
    private (string First, string Second) TwinFiles()
    {
        Directory.CreateDirectory(_dir.File("one"));
        Directory.CreateDirectory(_dir.File("two"));
        string first = new TestTiff().WriteTo(Path.Combine(_dir.File("one"), "dem.tif"));
        string second = new TestTiff { Value = (b, r, c) => 1000 + 10 * r + c }.WriteTo(Path.Combine(_dir.File("two"), "dem.tif"));
        var t0 = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first, t0);
        File.SetLastWriteTimeUtc(second, t0);
        Assert.Equal(new FileInfo(first).Length, new FileInfo(second).Length);
        return (first, second);
    }

    [Fact]
    public async Task RunAsync_SameNameLengthAndMtimeInTwoFolders_EachRunReturnsItsOwnPixels()
    {
        var (first, second) = TwinFiles();
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var coords = Coordinates.Parse(FullGrid);
        var p1 = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(Path.GetRelativePath(Environment.CurrentDirectory, first)));
        var p2 = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(second));

        var a = (await runner.RunAsync(p1, coords)).Output!;
        var run = await runner.RunAsync(p2, coords);

        Assert.Equal(CacheStatus.Computed, run.Nodes["r"].Status);
        AssertMatchesPixels(a, (r, c) => 10 * r + c);
        AssertMatchesPixels(run.Output!, (r, c) => 1000 + 10 * r + c);
        Assert.Equal(new NodeKeys(p1).SourceVersion("r"), new NodeKeys(p2).SourceVersion("r"));
        Assert.NotEqual(new NodeKeys(p1).NodeKey("r"), new NodeKeys(p2).NodeKey("r"));
    }

    [Fact]
    public void NodeKey_SpellingsOfOneFile_ShareTheKey_AndTheKeyHoldsTheResolvedPath()
    {
        var (first, _) = TwinFiles();
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, first);
        string dir = Path.GetDirectoryName(relative)!;
        string[] spellings =
        [
            first, relative, Path.Combine(".", relative), Path.Combine(dir, "..", Path.GetFileName(dir), "dem.tif"),
            Path.Combine(Path.GetDirectoryName(first)!, ".", "dem.tif"),
        ];

        var keys = spellings.Select(s => new NodeKeys(PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(s))).NodeKey("r")).Distinct().ToList();
        var attrs = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(relative))["r"].Attrs;

        Assert.Single(keys);
        Assert.Equal(first, attrs["source"]!.GetValue<string>());
    }
}
