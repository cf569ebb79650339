using System.Text.Json;
using BitMiracle.LibTiff.Classic;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Raster;

namespace PodCache.Runtime.Tests.Raster;

public sealed class GeoTiffWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UniformCoordinates1D Axis(string name, double first, int size, double step) =>
        UniformCoordinates1D.FromSize(name, first, first + step * (size - 1), size);

    /// <summary>A lat x lon (or lon x lat) array whose value encodes its labels, with a NaN and negative values.</summary>
    private static DataArray Sample(bool latAscending, bool lonAscending, bool latFirst, int nLat = 5, int nLon = 7, double dLat = 0.1, double dLon = 0.3)
    {
        var lat = latAscending ? Axis("lat", 38.05, nLat, dLat) : Axis("lat", 38.05 + dLat * (nLat - 1), nLat, -dLat);
        var lon = lonAscending ? Axis("lon", -106.15, nLon, dLon) : Axis("lon", -106.15 + dLon * (nLon - 1), nLon, -dLon);
        var coords = new Coordinates(latFirst ? [lat, lon] : [lon, lat], "EPSG:4326");
        var values = new double[nLat * nLon];
        for (int i = 0; i < nLat; i++)
        {
            for (int j = 0; j < nLon; j++)
            {
                double v = LabelValue(lat[i], lon[j]);
                values[latFirst ? i * nLon + j : j * nLat + i] = v;
            }
        }
        return new DataArray(coords, values);
    }

    private static double LabelValue(double lat, double lon)
    {
        if (Math.Abs(lat - 38.25) < 1e-6 && Math.Abs(lon + 105.55) < 1e-6)
        {
            return double.NaN;
        }
        return Math.Round((lat - 38) * 1000) * 1000 + Math.Round((lon + 106) * 1000) - 2e5;
    }

    private async Task<DataArray> ReadBack(DataArray array, Coordinates? request = null)
    {
        string path = _dir.File("w.tif");
        File.WriteAllBytes(path, GeoTiffWriter.ToBytes(array));
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Raster\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path) + "}}}");
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, request ?? array.Coordinates);
        return run.Output!;
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    public async Task ToBytes_ReadBackAtTheSameCoordinates_SameValuesByLabel(bool latAscending, bool lonAscending, bool latFirst)
    {
        var array = Sample(latAscending, lonAscending, latFirst);

        var back = await ReadBack(array);

        Assert.Equal(array.Dims, back.Dims);
        Assert.Equal(array.Shape, back.Shape);
        var lat = back.Coordinates["lat"];
        var lon = back.Coordinates["lon"];
        // The file is north-up, west-left, and the node returns the file's order.
        Assert.True(lat[0] > lat[1]);
        Assert.True(lon[0] < lon[1]);
        AssertSameByLabel(array, back);
        Assert.Contains(double.NaN, back.Values.ToArray());
    }

    private static void AssertSameByLabel(DataArray expected, DataArray actual)
    {
        var eLat = expected.Coordinates["lat"].Points.ToArray();
        var eLon = expected.Coordinates["lon"].Points.ToArray();
        var aLat = actual.Coordinates["lat"];
        var aLon = actual.Coordinates["lon"];
        bool eLatFirst = expected.Dims[0] == "lat", aLatFirst = actual.Dims[0] == "lat";
        for (int i = 0; i < aLat.Size; i++)
        {
            int ei = Array.FindIndex(eLat, p => Math.Abs(p - aLat[i]) <= 1e-9);
            Assert.True(ei >= 0, $"lat {aLat[i]} is not a written coordinate");
            for (int j = 0; j < aLon.Size; j++)
            {
                int ej = Array.FindIndex(eLon, p => Math.Abs(p - aLon[j]) <= 1e-9);
                Assert.True(ej >= 0, $"lon {aLon[j]} is not a written coordinate");
                double e = eLatFirst ? expected[ei, ej] : expected[ej, ei];
                double a = aLatFirst ? actual[i, j] : actual[j, i];
                Assert.Equal(e, a); // NaN equals NaN here
            }
        }
    }

    [Fact]
    public async Task ToBytes_ManyStrips_RoundTripsEveryCell()
    {
        var array = Sample(latAscending: true, lonAscending: true, latFirst: true, nLat: 301, nLon: 211, dLat: 0.01, dLon: 0.02);

        var back = await ReadBack(array);

        Assert.Equal([301, 211], back.Shape);
        AssertSameByLabel(array, back);
    }

    [Fact]
    public void ToBytes_Tags_AreWhatGdalReads()
    {
        var array = Sample(latAscending: false, lonAscending: true, latFirst: true, dLat: 0.25, dLon: 0.5);

        var bytes = GeoTiffWriter.ToBytes(array);

        using var tif = Tiff.ClientOpen("x", "r", new MemoryStream(bytes), new TiffStream())!;
        Assert.Equal(7, tif.GetField(TiffTag.IMAGEWIDTH)[0].ToInt());
        Assert.Equal(5, tif.GetField(TiffTag.IMAGELENGTH)[0].ToInt());
        Assert.Equal(64, tif.GetField(TiffTag.BITSPERSAMPLE)[0].ToInt());
        Assert.Equal(1, tif.GetField(TiffTag.SAMPLESPERPIXEL)[0].ToInt());
        Assert.Equal(SampleFormat.IEEEFP, (SampleFormat)tif.GetField(TiffTag.SAMPLEFORMAT)[0].ToInt());
        Assert.Equal(Compression.NONE, (Compression)tif.GetField(TiffTag.COMPRESSION)[0].ToInt());
        Assert.False(tif.IsTiled());
        Assert.Equal([0.5, 0.25, 0], TiffFields.GetNumbers(tif, GeoTiffTags.ModelPixelScale, "scale")!);
        // Outer corner: first centre minus half a step (west), north edge plus half a step.
        var tie = TiffFields.GetNumbers(tif, GeoTiffTags.ModelTiepoint, "tie")!;
        Assert.Equal([0.0, 0, 0], tie[..3]);
        Assert.Equal(-106.15 - 0.25, tie[3], 12);
        Assert.Equal(38.05 + 4 * 0.25 + 0.125, tie[4], 12);
        Assert.Equal([1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326],
            TiffFields.GetNumbers(tif, GeoTiffTags.GeoKeyDirectory, "keys")!);
        Assert.Equal("nan", TiffFields.GetAscii(tif, GeoTiffTags.GdalNoData));
        // Row 0 is the north row, column 0 the west column.
        var strip = new byte[tif.StripSize()];
        tif.ReadEncodedStrip(0, strip, 0, -1);
        Assert.Equal(LabelValue(39.05, -106.15), BitConverter.ToDouble(strip, 0));
        Assert.Equal(LabelValue(39.05, -106.15 + 0.5), BitConverter.ToDouble(strip, 8));
    }

    [Fact]
    public void ToBytes_AscendingLatDescendingLon_IsStoredNorthUpWestLeft()
    {
        var array = Sample(latAscending: true, lonAscending: false, latFirst: false);

        using var reader = GeoTiffReader.Open(new MemoryStream(GeoTiffWriter.ToBytes(array)));
        var top = reader.ReadWindow(1, 0, 1, 0, 2);

        Assert.Equal(38.05 + 0.4, reader.Info.LatStart, 9);
        Assert.Equal(-0.1, reader.Info.LatStep, 9);
        Assert.Equal(-106.15, reader.Info.LonStart, 9);
        Assert.Equal(0.3, reader.Info.LonStep, 9);
        Assert.False(reader.Info.PixelIsPoint);
        Assert.Equal(LabelValue(38.45, -106.15), top[0]);
        Assert.Equal(LabelValue(38.45, -105.85), top[1]);
    }

    [Fact]
    public async Task ToBytes_SubWindowOfWrittenFile_ReadsTheSameCellsAsTheArray()
    {
        var array = Sample(latAscending: false, lonAscending: true, latFirst: true, nLat: 40, nLon: 30, dLat: 0.25, dLon: 0.25);
        var request = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 43, "stop": 41, "step": -0.25}, {"name": "lon", "start": -104, "stop": -102.5, "step": 0.25}]}""");

        var back = await ReadBack(array, request);

        // The bounds fall between pixel centres, so the outer selection adds the next centre beyond each bound.
        Assert.Equal([10, 8], back.Shape);
        Assert.Equal(43.05, back.Coordinates["lat"][0], 9);
        Assert.Equal(40.8, back.Coordinates["lat"][9], 9);
        Assert.Equal(-104.15, back.Coordinates["lon"][0], 9);
        AssertSameByLabel(array, back);
    }

    [Fact]
    public void Write_NonSeekableStream_WritesTheSameBytes()
    {
        var array = Sample(true, true, true);
        using var sink = new NonSeekable();

        GeoTiffWriter.Write(array, sink);

        Assert.Equal(GeoTiffWriter.ToBytes(array), sink.Inner.ToArray());
        Assert.Equal(GeoTiffWriter.ToBytes(array), GeoTiffWriter.ToBytes(Sample(true, true, true)));
    }

    private sealed class NonSeekable : Stream
    {
        public MemoryStream Inner { get; } = new();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
    }

    [Fact]
    public async Task ToBytes_EvenlySpacedExplicitAxes_AreAccepted()
    {
        var coords = new Coordinates([new ArrayCoordinates1D("lat", [39.5, 39.25, 39.0]), new ArrayCoordinates1D("lon", [-105, -104.5])], "EPSG:4326");
        var array = new DataArray(coords, [1, 2, 3, 4, 5, 6]);

        var back = await ReadBack(array);

        Assert.Equal([1.0, 2, 3, 4, 5, 6], back.Values.ToArray());
        Assert.Equal(39.5, back.Coordinates["lat"][0], 12);
    }

    [Fact]
    public void ToBytes_ThreeDims_Throws()
    {
        var coords = new Coordinates([Axis("lat", 40, 2, -1), Axis("lon", 0, 2, 1), Axis("alt", 0, 2, 1)]);

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(DataArray.Filled(coords, 1)));

        Assert.Contains("2-D array with dims lat and lon", ex.Message);
        Assert.Contains("[lat, lon, alt]", ex.Message);
    }

    [Theory]
    [InlineData("lat")]
    [InlineData("lat,alt")]
    public void ToBytes_NotLatLon_Throws(string dims)
    {
        var coords = new Coordinates(dims.Split(',').Select(d => (Coordinates1D)Axis(d, 40, 2, -1)));

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(DataArray.Filled(coords, 1)));

        Assert.Contains("dims lat and lon", ex.Message);
    }

    [Fact]
    public void ToBytes_NonUniformAxis_Throws()
    {
        var coords = new Coordinates([new ArrayCoordinates1D("lat", [40, 39, 37]), Axis("lon", 0, 2, 1)]);

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(DataArray.Filled(coords, 1)));

        Assert.Contains("axis 'lat' is not uniform", ex.Message);
    }

    [Fact]
    public void ToBytes_SingleExplicitPoint_Throws()
    {
        var coords = new Coordinates([new ArrayCoordinates1D("lat", [40]), Axis("lon", 0, 2, 1)]);

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(DataArray.Filled(coords, 1)));

        Assert.Contains("single explicit point", ex.Message);
    }

    [Fact]
    public void ToBytes_EmptyAxis_Throws()
    {
        var coords = new Coordinates([new ArrayCoordinates1D("lat", []), Axis("lon", 0, 2, 1)]);

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(new DataArray(coords, [])));

        Assert.Contains("'lat' is empty", ex.Message);
    }

    [Fact]
    public void ToBytes_CrsWithoutEpsgCode_Throws()
    {
        var coords = new Coordinates([Axis("lat", 40, 2, -1), Axis("lon", 0, 2, 1)], "my-local-grid");

        var ex = Assert.Throws<ArgumentException>(() => GeoTiffWriter.ToBytes(DataArray.Filled(coords, 1)));

        Assert.Contains("a CRS with an EPSG code", ex.Message);
    }

    [Fact]
    public async Task ToBytes_SinglePointUniformAxes_RoundTrip()
    {
        var coords = new Coordinates([UniformCoordinates1D.FromStep("lat", 39.5, 39.5, -0.5), UniformCoordinates1D.FromStep("lon", -105, -105, 0.25)]);
        var array = new DataArray(coords, [42]);

        var back = await ReadBack(array);

        Assert.Equal([1, 1], back.Shape);
        Assert.Equal(42.0, back[0, 0]);
        Assert.Equal(39.5, back.Coordinates["lat"][0], 12);
        Assert.Equal(-105.0, back.Coordinates["lon"][0], 12);
    }
}
