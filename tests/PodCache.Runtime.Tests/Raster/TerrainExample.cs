using BitMiracle.LibTiff.Classic;
using PodCache.Runtime.Raster;

namespace PodCache.Runtime.Tests.Raster;

/// <summary>
/// Generates examples/data/terrain.tif: a 64 x 64 float32 synthetic elevation model over lat 40..39 (north-up) and
/// lon -106..-105, 1/64° pixels, deflate-compressed 32 x 32 tiles, with a circular nodata hole (GDAL_NODATA -9999).
/// Only +, −, ×, ÷ are used, so every machine computes the same bits.
/// </summary>
internal static class TerrainExample
{
    public const int Size = 64;
    public const double Pixel = 1.0 / Size;
    public const float NoData = -9999f;

    public static string CheckedInPath => Path.Combine(TestPaths.Examples, "data", "terrain.tif");

    /// <summary>The elevation of pixel (row, col), or <see cref="NoData"/> inside the hole.</summary>
    public static float Elevation(int row, int col)
    {
        int dr = row - 40, dc = col - 20;
        if (dr * dr + dc * dc <= 16)
        {
            return NoData;
        }
        double x = col / (double)(Size - 1), y = row / (double)(Size - 1);
        double z = 2400 + 300 * x - 200 * y;
        z += Bump(x, y, 0.30, 0.25, 0.12, 900);
        z += Bump(x, y, 0.75, 0.60, 0.20, 650);
        z += Bump(x, y, 0.55, 0.15, 0.06, -250);
        // A ridge running from the south-west to the north-east.
        double d = (x - y) - 0.1;
        z += 400 / (1 + d * d / 0.004);
        return (float)z;
    }

    private static double Bump(double x, double y, double cx, double cy, double radius, double height)
    {
        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
        return height / (1 + d2 * d2);
    }

    public static byte[] Generate()
    {
        var ms = new MemoryStream();
        using (var tif = Tiff.ClientOpen("terrain", "wl", ms, new TiffStream()) ?? throw new InvalidOperationException("cannot create"))
        {
            var fields = GeoTiffTags.WriterFields();
            tif.MergeFieldInfo(fields, fields.Length);
            tif.SetField(TiffTag.IMAGEWIDTH, Size);
            tif.SetField(TiffTag.IMAGELENGTH, Size);
            tif.SetField(TiffTag.BITSPERSAMPLE, 32);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.COMPRESSION, Compression.DEFLATE);
            tif.SetField(TiffTag.PREDICTOR, Predictor.FLOATINGPOINT);
            tif.SetField(TiffTag.TILEWIDTH, 32);
            tif.SetField(TiffTag.TILELENGTH, 32);
            tif.SetField(GeoTiffTags.ModelPixelScale, 3, new[] { Pixel, Pixel, 0.0 });
            tif.SetField(GeoTiffTags.ModelTiepoint, 6, new[] { 0.0, 0, 0, -106, 40, 0 });
            tif.SetField(GeoTiffTags.GeoKeyDirectory, 16, new short[] { 1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326 });
            tif.SetField(GeoTiffTags.GdalNoData, "-9999");
            var tile = new byte[32 * 32 * 4];
            for (int ty = 0; ty < Size; ty += 32)
            {
                for (int tx = 0; tx < Size; tx += 32)
                {
                    for (int r = 0; r < 32; r++)
                    {
                        for (int c = 0; c < 32; c++)
                        {
                            BitConverter.TryWriteBytes(tile.AsSpan((r * 32 + c) * 4, 4), Elevation(ty + r, tx + c));
                        }
                    }
                    if (tif.WriteEncodedTile(tif.ComputeTile(tx, ty, 0, 0), tile, tile.Length) < 0)
                    {
                        throw new InvalidOperationException("tile write failed");
                    }
                }
            }
            tif.WriteDirectory();
        }
        return ms.ToArray();
    }
}
