using BitMiracle.LibTiff.Classic;
using PodCache.Runtime.Raster;
using PodCache.Runtime.Tests.Raster;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// GeoTIFF headers and data (<see cref="TiffPreflight"/>, <see cref="GeoTiffInfo"/>, <see cref="GeoTiffReader"/>) on
/// mutated small real files: the example terrain, files our <see cref="GeoTiffWriter"/> writes and files in the other
/// layouts the reader supports (tiles, planar bands, big-endian, BigTIFF, LZW/Deflate with predictors). Only the
/// reader's documented <see cref="InvalidDataException"/> and <see cref="NotSupportedException"/> come out of opening
/// the file and reading a window of it.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class GeoTiffReaderFuzzTests
{
    /// <summary>The header's first-directory offset, and the first directory's entries of a classic TIFF.</summary>
    private static readonly int[] HotOffsets = [4, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46];

    internal static IReadOnlyList<byte[]> Seeds()
    {
        var seeds = new List<byte[]> { File.ReadAllBytes(Path.Combine(TestPaths.Examples, "data", "terrain.tif")) };
        var lat = UniformCoordinates1D.FromSize("lat", 40, 39, 6);
        var lon = UniformCoordinates1D.FromSize("lon", -106, -105, 5);
        var values = Enumerable.Range(0, 30).Select(i => i == 7 ? double.NaN : i * 1.5).ToArray();
        seeds.Add(GeoTiffWriter.ToBytes(new DataArray(new Coordinates([lat, lon], "EPSG:4326"), values)));
        seeds.Add(new TestTiff().ToBytes());
        seeds.Add(new TestTiff { Tile = 16, Width = 20, Height = 18, Bands = 2, Separate = true, Bits = 64, NoData = "-9999" }.ToBytes());
        seeds.Add(new TestTiff { BigEndian = true, Bits = 16, Format = SampleFormat.INT, Compression = Compression.LZW, Predictor = Predictor.HORIZONTAL }.ToBytes());
        seeds.Add(new TestTiff { BigTiff = true, Compression = Compression.DEFLATE, Predictor = Predictor.FLOATINGPOINT, Bands = 3 }.ToBytes());
        seeds.Add(new TestTiff { Bits = 8, Format = SampleFormat.UINT, Compression = Compression.PACKBITS, GeoKeys = TestTiff.Geographic(4326, rasterType: 2) }.ToBytes());
        return seeds;
    }

    [Fact]
    public void OpenAndReadWindow_MutatedFiles_OnlyInvalidDataOrNotSupported()
    {
        FuzzInputs.Run(FuzzInputs.MutatedBytes(Seeds(), HotOffsets), bytes =>
            FuzzInputs.Expect(() =>
            {
                using var reader = GeoTiffReader.Open(new MemoryStream(bytes, writable: false));
                var info = reader.Info;
                _ = info.LatAxis();
                _ = info.LonAxis();
                // A corner window: a mutated size may claim billions of cells, which no request would read at once.
                _ = reader.ReadWindow(1, 0, Math.Min(info.Height, 64), 0, Math.Min(info.Width, 64));
            }, typeof(InvalidDataException), typeof(NotSupportedException)),
            normalIterations: 500, print: Convert.ToHexString);
    }

    /// <summary>
    /// Found by this target: a strip offset that is negative as a signed 64-bit number (BigTIFF) made LibTiff's seek
    /// throw IOException, which the reader lets through as an I/O error rather than a corrupt file.
    /// </summary>
    [Fact]
    public void ReadWindow_BigTiffStripOffsetNegative_InvalidDataException()
    {
        var bytes = new TestTiff { BigTiff = true }.ToBytes();
        int ifd = (int)BitConverter.ToInt64(bytes, 8);
        int entries = (int)BitConverter.ToInt64(bytes, ifd);
        int stripOffsets = Enumerable.Range(0, entries).Select(i => ifd + 8 + (i * 20)).Single(e => BitConverter.ToUInt16(bytes, e) == 273);
        Assert.Equal(3, BitConverter.ToInt64(bytes, stripOffsets + 4)); // three strips: the offsets lie outside the entry
        int values = (int)BitConverter.ToInt64(bytes, stripOffsets + 12);
        BitConverter.GetBytes(0x8000000000000010UL).CopyTo(bytes, values);

        var ex = Record.Exception(() =>
        {
            using var reader = GeoTiffReader.Open(new MemoryStream(bytes));
            _ = reader.ReadWindow(1, 0, reader.Info.Height, 0, reader.Info.Width);
        });

        Assert.IsType<InvalidDataException>(ex);
    }

    [Fact]
    public void Open_UnmutatedSeeds_Read()
    {
        foreach (var bytes in Seeds())
        {
            using var reader = GeoTiffReader.Open(new MemoryStream(bytes));
            Assert.True(reader.Info.Width > 0);
        }
    }
}
