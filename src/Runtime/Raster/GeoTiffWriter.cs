using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;
using PodCache.Runtime.Raster;

namespace PodCache.Runtime;

/// <summary>
/// Writes a 2-D lat/lon <see cref="DataArray"/> as a single-band float64 GeoTIFF in the array's CRS (any CRS with an
/// EPSG code: EPSG:4326, EPSG:3857, the UTM zones; lat is the northing and lon the easting of a projected CRS), north
/// up, west left, with the tags GDAL and rasterio read: ModelPixelScale, ModelTiepoint (PixelIsArea: the outer corner
/// of the first pixel), a GeoKeyDirectory (geographic or projected model, PixelIsArea, the EPSG code) and GDAL_NODATA
/// <c>nan</c>. Up to <see cref="StripLimit"/> pixels a side it is one uncompressed strip image; larger outputs are
/// Cloud Optimized GeoTIFFs (<see cref="CogWriter"/>: DEFLATE tiles, overviews, IFDs first). The raster source node
/// reads both back to the same values and coordinates.
/// </summary>
public static class GeoTiffWriter
{
    private const int TargetStripBytes = 64 * 1024;

    /// <summary>The largest width or height written as strips; beyond it GDAL expects tiles, and the output is a COG.</summary>
    public const int StripLimit = 512;

    /// <summary>Writes <paramref name="array"/> as GeoTIFF to <paramref name="destination"/> (need not be seekable).</summary>
    /// <exception cref="ArgumentException">The array is not 2-D over lat and lon with uniform axes, or its CRS has no EPSG code.</exception>
    public static void Write(DataArray array, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = ToBytes(array);
        destination.Write(bytes, 0, bytes.Length);
    }

    /// <summary>The GeoTIFF bytes of <paramref name="array"/>.</summary>
    /// <exception cref="ArgumentException">The array is not 2-D over lat and lon with uniform axes, or its CRS has no EPSG code.</exception>
    public static byte[] ToBytes(DataArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Rank != 2 || !array.Coordinates.Contains("lat") || !array.Coordinates.Contains("lon"))
        {
            throw new ArgumentException(
                $"a GeoTIFF holds a 2-D array with dims lat and lon; this array has dims [{string.Join(", ", array.Dims)}]", nameof(array));
        }
        var geoKeys = GeoKeys(array.Coordinates.Crs);
        var lat = array.Coordinates["lat"];
        var lon = array.Coordinates["lon"];
        double latStep = StepOf(lat), lonStep = StepOf(lon);
        int height = lat.Size, width = lon.Size;
        bool flipRows = latStep > 0, flipCols = lonStep < 0;
        double dy = Math.Abs(latStep), dx = Math.Abs(lonStep);
        double north = (flipRows ? lat[height - 1] : lat[0]) + dy / 2;
        double west = (flipCols ? lon[width - 1] : lon[0]) - dx / 2;

        // North-up values: row r is the r-th latitude from the north, column c the c-th longitude from the west.
        var src = array.Data;
        bool latFirst = array.Dims[0] == "lat";
        long rowStride = latFirst ? width : 1, colStride = latFirst ? 1 : height;
        var image = new double[src.Length];
        for (int r = 0; r < height; r++)
        {
            int sr = flipRows ? height - 1 - r : r;
            var row = image.AsSpan(r * width, width);
            if (latFirst && !flipCols)
            {
                src.AsSpan(sr * width, width).CopyTo(row);
                continue;
            }
            for (int c = 0; c < width; c++)
            {
                int sc = flipCols ? width - 1 - c : c;
                row[c] = src[sr * rowStride + sc * colStride];
            }
        }
        if (width > StripLimit || height > StripLimit)
        {
            return CogWriter.Encode(image, width, height, [dx, dy, 0.0], [0.0, 0.0, 0.0, west, north, 0.0], geoKeys);
        }
        return Encode(image, width, height, dx, dy, west, north, geoKeys);
    }

    /// <summary>The GeoKeyDirectory of a CRS with an EPSG code: model type, PixelIsArea and the code.</summary>
    /// <exception cref="ArgumentException">The CRS has no EPSG code PodCache knows.</exception>
    private static short[] GeoKeys(string crs)
    {
        if (!SpatialReference.TryParse(crs, out var sr, out _) || sr.EpsgCode is not { } code || code > short.MaxValue)
        {
            throw new ArgumentException(
                $"a GeoTIFF is written in a CRS with an EPSG code (EPSG:4326, EPSG:3857, a UTM zone, ...); this array's CRS is '{crs}'", "array");
        }
        return
        [
            1, 1, 0, 3, // version 1.1.0, 3 keys
            GeoTiffTags.GTModelTypeGeoKey, 0, 1, (short)(sr.IsGeographic ? 2 : 1),
            GeoTiffTags.GTRasterTypeGeoKey, 0, 1, 1, // PixelIsArea
            (short)(sr.IsGeographic ? GeoTiffTags.GeographicTypeGeoKey : GeoTiffTags.ProjectedCSTypeGeoKey), 0, 1, (short)code,
        ];
    }

    private static double StepOf(Coordinates1D axis)
    {
        if (axis.Size == 0)
        {
            throw new ArgumentException($"axis '{axis.Name}' is empty", nameof(axis));
        }
        if (axis is UniformCoordinates1D u)
        {
            return u.Step;
        }
        if (axis.Size < 2)
        {
            throw new ArgumentException($"axis '{axis.Name}' has a single explicit point, so its pixel size is unknown; give it as a uniform axis", nameof(axis));
        }
        // Explicit points that are evenly spaced (within rounding) describe a uniform grid too.
        var p = axis.Points;
        double step = (p[^1] - p[0]) / (p.Length - 1);
        double tolerance = 1e-9 * Math.Abs(step);
        for (int i = 0; i < p.Length; i++)
        {
            if (!(Math.Abs(p[i] - (p[0] + i * step)) <= tolerance) || step == 0)
            {
                throw new ArgumentException(
                    $"axis '{axis.Name}' is not uniform (point {i} is {axis.FormatPoint(p[i])}); a GeoTIFF needs evenly spaced lat and lon", nameof(axis));
            }
        }
        return step;
    }

    private static byte[] Encode(double[] image, int width, int height, double dx, double dy, double west, double north, short[] geoKeys)
    {
        LibTiffErrorHandler.EnsureInstalled();
        using var memory = new MemoryStream();
        var session = new LibTiffSession(memory, "geotiff");
        // Classic TIFF addresses 4 GiB; beyond that write BigTIFF.
        string mode = image.LongLength * 8 > uint.MaxValue - (1L << 20) ? "w8" : "w";
        using (var tif = Tiff.ClientOpen(session.Name, mode, session, LibTiffSessionStream.Instance)
                         ?? throw new InvalidOperationException("LibTiff cannot create a TIFF: " + session.TakeErrors()))
        {
            var fields = GeoTiffTags.WriterFields();
            tif.MergeFieldInfo(fields, fields.Length);
            int rowsPerStrip = Math.Clamp(TargetStripBytes / (width * 8), 1, height);
            tif.SetField(TiffTag.IMAGEWIDTH, width);
            tif.SetField(TiffTag.IMAGELENGTH, height);
            tif.SetField(TiffTag.BITSPERSAMPLE, 64);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.COMPRESSION, Compression.NONE);
            tif.SetField(TiffTag.ROWSPERSTRIP, rowsPerStrip);
            tif.SetField(GeoTiffTags.ModelPixelScale, 3, new[] { dx, dy, 0.0 });
            tif.SetField(GeoTiffTags.ModelTiepoint, 6, new[] { 0.0, 0.0, 0.0, west, north, 0.0 });
            tif.SetField(GeoTiffTags.GeoKeyDirectory, geoKeys.Length, geoKeys);
            tif.SetField(GeoTiffTags.GdalNoData, "nan");
            var buffer = new byte[rowsPerStrip * width * 8];
            for (int s = 0, row = 0; row < height; s++, row += rowsPerStrip)
            {
                int rows = Math.Min(rowsPerStrip, height - row);
                int n = rows * width * 8;
                MemoryMarshal.AsBytes(image.AsSpan(row * width, rows * width)).CopyTo(buffer);
                if (tif.WriteEncodedStrip(s, buffer, n) < 0)
                {
                    throw new InvalidOperationException($"LibTiff failed to write strip {s}: {session.TakeErrors()}");
                }
            }
            if (!tif.WriteDirectory())
            {
                throw new InvalidOperationException("LibTiff failed to write the image directory: " + session.TakeErrors());
            }
        }
        return memory.ToArray();
    }
}
