using BitMiracle.LibTiff.Classic;
using PodCache.Runtime.Raster;

namespace PodCache.Runtime.Tests.Raster;

public sealed class GeoTiffReaderTests
{
    [Theory]
    [InlineData(0, 3, false)]
    [InlineData(0, 5, true)]
    [InlineData(0, 35, false)]
    [InlineData(16, 0, false)]
    [InlineData(16, 0, true)]
    [InlineData(32, 0, true)]
    public void ReadWindow_SeededWindows_MatchTheWrittenCells(int tile, int rowsPerStrip, bool separate)
    {
        var tiff = new TestTiff
        {
            Width = 37, Height = 35, Bands = 3, Separate = separate, Tile = tile, RowsPerStrip = rowsPerStrip,
            Bits = 16, Format = SampleFormat.UINT, Compression = Compression.DEFLATE,
            Value = (b, r, c) => b * 10000 + r * 100 + c,
        };
        using var reader = GeoTiffReader.Open(new MemoryStream(tiff.ToBytes()));
        var rng = new Random(1234 + tile + rowsPerStrip);

        for (int n = 0; n < 60; n++)
        {
            int band = 1 + rng.Next(3);
            int row0 = rng.Next(35), col0 = rng.Next(37);
            int rows = rng.Next(36 - row0), cols = rng.Next(38 - col0);

            var w = reader.ReadWindow(band, row0, rows, col0, cols);

            Assert.Equal(rows * cols, w.Length);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    Assert.Equal((band - 1) * 10000 + (row0 + i) * 100 + col0 + j, w[i * cols + j]);
                }
            }
        }
    }

    [Fact]
    public void Open_ReadsLayoutAndGrid()
    {
        var tiff = new TestTiff { Bands = 2, Separate = true, Tile = 16, Bits = 64, NoData = "-9999" };

        using var reader = GeoTiffReader.Open(new MemoryStream(tiff.ToBytes()));
        var info = reader.Info;

        Assert.Equal((8, 6, 2, 64, SampleFormat.IEEEFP), (info.Width, info.Height, info.Bands, info.BitsPerSample, info.Format));
        Assert.True(info.Separate);
        Assert.True(info.Tiled);
        Assert.Equal(16 * 16 * 8, info.ChunkBytes);
        Assert.Equal(39.875, info.LatStart);
        Assert.Equal(-0.25, info.LatStep);
        Assert.Equal(-105.75, info.LonStart);
        Assert.Equal(0.5, info.LonStep);
        Assert.Equal(-9999.0, info.NoData);
        Assert.Equal("EPSG:4326", info.Crs);
        Assert.Equal(38.625, info.LatAxis()[5]);
        Assert.Equal(-102.25, info.LonAxis()[7]);
    }

    [Theory]
    [InlineData(8, SampleFormat.UINT, "255", 255.0)]
    [InlineData(8, SampleFormat.UINT, "-1", null)]
    [InlineData(8, SampleFormat.UINT, "256", null)]
    [InlineData(8, SampleFormat.UINT, "1.5", null)]
    [InlineData(16, SampleFormat.INT, "-32768", -32768.0)]
    [InlineData(16, SampleFormat.INT, " -9999 ", -9999.0)]
    [InlineData(32, SampleFormat.IEEEFP, "0.1", (double)0.1f)]
    [InlineData(64, SampleFormat.IEEEFP, "0.1", 0.1)]
    [InlineData(32, SampleFormat.IEEEFP, "nan", null)]
    [InlineData(32, SampleFormat.IEEEFP, "-inf", double.NegativeInfinity)]
    [InlineData(32, SampleFormat.IEEEFP, "-3.4028234663852886e+38", -3.4028234663852886e+38)]
    public void NoDataSample_IsCastToTheSampleType(int bits, SampleFormat format, string text, double? expected)
    {
        var tiff = new TestTiff { Bits = bits, Format = format, NoData = text };

        using var reader = GeoTiffReader.Open(new MemoryStream(tiff.ToBytes()));

        Assert.Equal(expected, reader.Info.NoDataSample);
    }

    [Fact]
    public void Open_NoDataNotANumber_Throws()
    {
        var ex = Assert.Throws<InvalidDataException>(() => GeoTiffReader.Open(new MemoryStream(new TestTiff { NoData = "none" }.ToBytes())));

        Assert.Contains("GDAL_NODATA 'none' is not a number", ex.Message);
    }

    [Theory]
    [InlineData("", "only 0 bytes")]
    [InlineData("GIF89a__", "byte-order mark")]
    [InlineData("II*", "only 3 bytes")]
    [InlineData("II\x2B\0\0\0\0\0\0\0\0\0\0\0\0\0", "BigTIFF header")]
    [InlineData("II\x15\0\x08\0\0\0", "magic number 21")]
    [InlineData("II\x2A\0\xF0\0\0\0", "offset 240 is outside the file")]
    [InlineData("II\x2A\0\x08\0\0\0\0\0", "claims 0 entries")]
    [InlineData("MM\0\x2A\0\0\0\x08\0\x05", "runs past the end of the file")]
    public void Open_BadHeader_ThrowsInvalidData(string text, string expected)
    {
        var bytes = text.Select(ch => (byte)ch).ToArray();

        var ex = Assert.Throws<InvalidDataException>(() => GeoTiffReader.Open(new MemoryStream(bytes)));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Open_ComplexSamples_NotSupported()
    {
        var bytes = Nodes.Sources.RasterNodeTests.PatchTag(new TestTiff { Bits = 32, Format = SampleFormat.INT }.ToBytes(), 339, 5);

        var ex = Assert.Throws<NotSupportedException>(() => GeoTiffReader.Open(new MemoryStream(bytes)));

        Assert.Contains("complex", ex.Message);
    }
}
