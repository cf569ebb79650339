namespace PodCache.Runtime.Tests.Sources;

/// <summary>The GDAL-made COG corpus is there, is COG, and GDAL reads windows of it back.</summary>
public sealed class GdalCogCorpusTests(GdalCogCorpus corpus) : IClassFixture<GdalCogCorpus>
{
    [Fact]
    public void Cases_CoverTypesCompressionsBlocksAndNodata()
    {
        var cases = corpus.Cases;

        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        Assert.Superset(new HashSet<string> { "Byte", "Int16", "UInt16", "Int32", "UInt32", "Float32", "Float64" }, cases.Select(c => c.DataType).ToHashSet());
        Assert.Equal(corpus.SupportsInt8, cases.Any(c => c.DataType == "Int8"));
        Assert.Superset(new HashSet<string> { "NONE", "DEFLATE", "LZW", "PACKBITS" }, cases.Select(c => c.Compression).ToHashSet());
        Assert.Equal(corpus.SupportsZstd, cases.Any(c => c.Compression == "ZSTD"));
        Assert.Contains(cases, c => c.Predictor == 2 && c.Compression == "DEFLATE");
        Assert.Contains(cases, c => c.Predictor == 2 && c.Compression == "LZW");
        Assert.Contains(cases, c => c.Predictor == 3 && c.Compression == "DEFLATE");
        Assert.Contains(cases, c => c.Predictor == 3 && c.Compression == "LZW");
        Assert.Equal([256, 512], cases.Select(c => c.BlockSize).Distinct().Order());
        Assert.Contains(cases, c => c.Width == 700 && c.Height == 530);
        Assert.Contains(cases, c => c.NoData is { } nd && double.IsNaN(nd));
        Assert.Contains(cases, c => c.NoData is { } nd && !double.IsNaN(nd));
        Assert.Contains(cases, c => c.NoData is null);
    }

    [Fact]
    public void EveryCase_FileExists_GdalinfoSaysLayoutCog_SizeTypeCompressionBlockNodata()
    {
        foreach (var c in corpus.Cases)
        {
            Assert.True(File.Exists(c.Path), c.Name + " was not written");
            string info = corpus.GdalInfo(c);

            Assert.Contains("LAYOUT=COG", info);
            Assert.Contains($"Size is {c.Width}, {c.Height}", info);
            Assert.Contains($"Block={c.BlockSize}x{c.BlockSize} Type={c.DataType}", info);
            Assert.Contains("ID[\"EPSG\",4326]", info);
            if (c.Compression != "NONE") Assert.Contains("COMPRESSION=" + c.Compression, info);
            if (c.Predictor != 1) Assert.Contains("PREDICTOR=" + c.Predictor, info);
            string? noData = info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("NoData Value=", StringComparison.Ordinal));
            if (c.NoData is { } nd)
            {
                Assert.NotNull(noData);
                string text = noData["NoData Value=".Length..];
                Assert.Equal(nd, text == "nan" ? double.NaN : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Null(noData);
            }
        }
    }

    [Fact]
    public void GdalReadWindow_ReturnsColsTimesRowsValues_WholeRasterToo()
    {
        var c = corpus["int16_lzw_pred2_b256_nd"];

        var window = corpus.GdalReadWindow(c, 250, 10, 17, 9);
        Assert.Equal(17 * 9, window.Length);
        Assert.All(window, v => Assert.InRange(v, short.MinValue, short.MaxValue));

        var all = corpus.GdalReadWindow(c, 0, 0, c.Width, c.Height);
        Assert.Equal(c.Width * c.Height, all.Length);
        Assert.Contains(all, v => v == c.NoData);
        Assert.Contains(all, v => v != c.NoData);

        // The window is the same pixels as the matching part of the whole raster, row-major.
        for (int r = 0; r < 9; r++)
        {
            for (int k = 0; k < 17; k++) Assert.Equal(all[(10 + r) * c.Width + 250 + k], window[r * 17 + k]);
        }
    }

    [Fact]
    public void GdalReadWindow_NanNodataStaysNan_Float32ValuesExact_LastPartialTileReads()
    {
        var nan = corpus["float32_none_b256_ndnan"];
        var all = corpus.GdalReadWindow(nan, 0, 0, nan.Width, nan.Height);
        Assert.Contains(all, double.IsNaN);
        Assert.All(all.Where(v => !double.IsNaN(v)), v => Assert.Equal(v, (double)(float)v));

        // The last partial tile reads too.
        var f64 = corpus["float64_deflate_pred3_b256"];
        var corner = corpus.GdalReadWindow(f64, f64.Width - 5, f64.Height - 3, 5, 3);
        Assert.Equal(15, corner.Length);
        Assert.All(corner, v => Assert.False(double.IsNaN(v)));
    }
}
