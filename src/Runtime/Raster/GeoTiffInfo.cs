using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>
/// What PodCache needs from a GeoTIFF's first image: layout (size, bands, sample type, strips or tiles, planar
/// configuration), the grid of pixel centres (EPSG:4326 only) and the GDAL nodata value. Built and validated by
/// <see cref="FromTiff"/>.
/// </summary>
internal sealed class GeoTiffInfo
{
    /// <summary>The largest decoded strip or tile PodCache allocates (1 GiB).</summary>
    public const long MaxChunkBytes = 1L << 30;

    private GeoTiffInfo()
    {
    }

    public int Width { get; private init; }

    public int Height { get; private init; }

    /// <summary>Samples per pixel.</summary>
    public int Bands { get; private init; }

    public int BitsPerSample { get; private init; }

    public int BytesPerSample => BitsPerSample / 8;

    /// <summary>UINT, INT or IEEEFP.</summary>
    public SampleFormat Format { get; private init; }

    /// <summary>True for PlanarConfiguration 2 (one plane per band).</summary>
    public bool Separate { get; private init; }

    public bool Tiled { get; private init; }

    public int TileWidth { get; private init; }

    public int TileHeight { get; private init; }

    public int RowsPerStrip { get; private init; }

    /// <summary>Bytes of one decoded strip or tile.</summary>
    public long ChunkBytes { get; private init; }

    /// <summary>Latitude of the centre of row 0.</summary>
    public double LatStart { get; private init; }

    /// <summary>Latitude change per row (negative for north-up images).</summary>
    public double LatStep { get; private init; }

    /// <summary>Longitude of the centre of column 0.</summary>
    public double LonStart { get; private init; }

    /// <summary>Longitude change per column.</summary>
    public double LonStep { get; private init; }

    /// <summary>True when GTRasterTypeGeoKey says PixelIsPoint (the tiepoint is a pixel centre, not a corner).</summary>
    public bool PixelIsPoint { get; private init; }

    /// <summary>The CRS as PODPAC's Rasterio names it: the file's EPSG code, e.g. <c>EPSG:4326</c> or <c>EPSG:32618</c>
    /// (CRSs PodCache cannot transform are rejected when the file is opened).</summary>
    public string Crs { get; private init; } = "EPSG:4326";

    /// <summary>The GDAL_NODATA value as written, or null when the tag is absent.</summary>
    public double? NoData { get; private init; }

    /// <summary>The sample value that stands for nodata: GDAL_NODATA cast to the sample type (as GDAL does), or null
    /// when there is none, it is NaN, or the type cannot hold it.</summary>
    public double? NoDataSample
    {
        get
        {
            if (NoData is not { } nd || double.IsNaN(nd))
            {
                return null;
            }
            if (Format == SampleFormat.IEEEFP)
            {
                return BitsPerSample switch { 16 => (double)(Half)nd, 32 => (float)nd, _ => nd };
            }
            if (double.IsInfinity(nd) || Math.Floor(nd) != nd)
            {
                return null;
            }
            double min = Format == SampleFormat.INT ? -Math.Pow(2, BitsPerSample - 1) : 0;
            double max = Format == SampleFormat.INT ? Math.Pow(2, BitsPerSample - 1) - 1 : Math.Pow(2, BitsPerSample) - 1;
            return nd >= min && nd <= max ? nd : null;
        }
    }

    /// <summary>The latitude of every row's centre.</summary>
    public UniformCoordinates1D LatAxis() => UniformCoordinates1D.Exact("lat", LatStart, LatStep, Height, null);

    /// <summary>The longitude of every column's centre.</summary>
    public UniformCoordinates1D LonAxis() => UniformCoordinates1D.Exact("lon", LonStart, LonStep, Width, null);

    /// <summary>Reads and validates the current directory of <paramref name="tif"/>.</summary>
    /// <exception cref="InvalidDataException">A tag is missing or corrupt.</exception>
    /// <exception cref="NotSupportedException">The image is valid but of a kind PodCache does not read.</exception>
    public static GeoTiffInfo FromTiff(Tiff tif)
    {
        long width = TiffFields.GetInteger(tif, TiffTag.IMAGEWIDTH, 0);
        long height = TiffFields.GetInteger(tif, TiffTag.IMAGELENGTH, 0);
        if (width < 1 || height < 1 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidDataException($"invalid image size {width} x {height}");
        }
        long bands = TiffFields.GetInteger(tif, TiffTag.SAMPLESPERPIXEL, 1);
        if (bands < 1 || bands > ushort.MaxValue)
        {
            throw new InvalidDataException($"invalid SamplesPerPixel {bands}");
        }
        long bits = TiffFields.GetInteger(tif, TiffTag.BITSPERSAMPLE, 1);
        long format = TiffFields.GetInteger(tif, TiffTag.SAMPLEFORMAT, (long)SampleFormat.UINT);
        var sampleFormat = format switch
        {
            1 or 4 => SampleFormat.UINT, // 4 = VOID (untyped): read as unsigned, as GDAL does
            2 => SampleFormat.INT,
            3 => SampleFormat.IEEEFP,
            5 or 6 => throw new NotSupportedException("complex sample formats are not supported"),
            _ => throw new InvalidDataException($"invalid SampleFormat {format}"),
        };
        bool bitsOk = sampleFormat == SampleFormat.IEEEFP ? bits is 16 or 32 or 64 : bits is 8 or 16 or 32 or 64;
        if (!bitsOk)
        {
            throw new NotSupportedException(
                $"{bits}-bit {Describe(sampleFormat)} samples are not supported (supported: 8/16/32/64-bit integers, 16/32/64-bit floats)");
        }
        long photometric = TiffFields.GetInteger(tif, TiffTag.PHOTOMETRIC, (long)Photometric.MINISBLACK);
        if (photometric == (long)Photometric.YCBCR)
        {
            throw new NotSupportedException("YCbCr-encoded images are not supported");
        }
        long planar = TiffFields.GetInteger(tif, TiffTag.PLANARCONFIG, (long)PlanarConfig.CONTIG);
        if (planar is not 1 and not 2)
        {
            throw new InvalidDataException($"invalid PlanarConfiguration {planar}");
        }
        bool separate = planar == 2 && bands > 1;
        long planeSamples = separate ? 1 : bands;
        long sampleBytes = bits / 8;
        bool tiled = tif.IsTiled();
        int tw = 0, th = 0, rps = 0;
        long chunk;
        if (tiled)
        {
            long tileWidth = TiffFields.GetInteger(tif, TiffTag.TILEWIDTH, 0);
            long tileHeight = TiffFields.GetInteger(tif, TiffTag.TILELENGTH, 0);
            if (tileWidth < 1 || tileHeight < 1 || tileWidth > int.MaxValue || tileHeight > int.MaxValue)
            {
                throw new InvalidDataException($"invalid tile size {tileWidth} x {tileHeight}");
            }
            tw = (int)tileWidth;
            th = (int)tileHeight;
            chunk = SafeProduct(tileWidth, tileHeight, planeSamples, sampleBytes);
        }
        else
        {
            long r = TiffFields.GetInteger(tif, TiffTag.ROWSPERSTRIP, height);
            rps = (int)(r < 1 || r > height ? height : r);
            chunk = SafeProduct(rps, width, planeSamples, sampleBytes);
        }
        if (chunk > MaxChunkBytes)
        {
            throw new NotSupportedException(
                $"one {(tiled ? "tile" : "strip")} decodes to {chunk} bytes, more than the {MaxChunkBytes} bytes PodCache allocates at once");
        }
        var keys = ReadGeoKeys(tif);
        string crs = ResolveCrs(keys);
        bool point = keys.TryGetValue(GeoTiffTags.GTRasterTypeGeoKey, out var rt) && rt == 2;
        var (lonStart, lonStep, latStart, latStep) = Geotransform(tif, point);
        return new GeoTiffInfo
        {
            Width = (int)width,
            Height = (int)height,
            Bands = (int)bands,
            BitsPerSample = (int)bits,
            Format = sampleFormat,
            Separate = separate,
            Tiled = tiled,
            TileWidth = tw,
            TileHeight = th,
            RowsPerStrip = rps,
            ChunkBytes = chunk,
            LatStart = latStart,
            LatStep = latStep,
            LonStart = lonStart,
            LonStep = lonStep,
            PixelIsPoint = point,
            NoData = ReadNoData(tif),
            Crs = crs,
        };
    }

    private static string Describe(SampleFormat f) => f switch
    {
        SampleFormat.INT => "signed integer",
        SampleFormat.IEEEFP => "floating-point",
        _ => "unsigned integer",
    };

    private static long SafeProduct(long a, long b, long c, long d)
    {
        // Each factor is below 2^31 and the limit is 2^30, so stop as soon as the product passes the limit.
        long p = a;
        foreach (var x in (ReadOnlySpan<long>)[b, c, d])
        {
            if (p > MaxChunkBytes) return p;
            p *= x;
        }
        return p;
    }

    /// <summary>The GeoKeys whose values are stored inline (SHORT), by key id; empty without a GeoKeyDirectory.</summary>
    private static Dictionary<int, int> ReadGeoKeys(Tiff tif)
    {
        var keys = new Dictionary<int, int>();
        var dir = TiffFields.GetNumbers(tif, GeoTiffTags.GeoKeyDirectory, "GeoKeyDirectoryTag");
        if (dir is null)
        {
            return keys;
        }
        if (dir.Length < 4 || dir[0] != 1)
        {
            throw new InvalidDataException("GeoKeyDirectoryTag is corrupt (bad header)");
        }
        int n = (int)dir[3];
        if (4 + 4L * n > dir.Length)
        {
            throw new InvalidDataException($"GeoKeyDirectoryTag declares {n} keys but holds {(dir.Length - 4) / 4}: corrupt");
        }
        for (int i = 0; i < n; i++)
        {
            int id = (int)dir[4 + 4 * i], location = (int)dir[5 + 4 * i], value = (int)dir[7 + 4 * i];
            if (location == 0)
            {
                keys[id] = value;
            }
        }
        return keys;
    }

    private static string ResolveCrs(Dictionary<int, int> keys)
    {
        const string Only = "PodCache reads rasters in " + SpatialReference.Supported;
        if (keys.Count == 0)
        {
            throw new NotSupportedException($"{Only}; this file declares no CRS (it has no GeoKeyDirectoryTag)");
        }
        keys.TryGetValue(GeoTiffTags.GTModelTypeGeoKey, out int model);
        if (model == 1 || (model == 0 && keys.ContainsKey(GeoTiffTags.ProjectedCSTypeGeoKey)))
        {
            if (!keys.TryGetValue(GeoTiffTags.ProjectedCSTypeGeoKey, out int p) || p == GeoTiffTags.UserDefined)
            {
                throw new NotSupportedException($"{Only}; this file is in a user-defined projected CRS (no EPSG code)");
            }
            return SpatialReference.FromEpsg(p) is not null ? $"EPSG:{p}"
                : throw new NotSupportedException($"{Only}; this file is in EPSG:{p} (projected)");
        }
        if (model == 3)
        {
            throw new NotSupportedException($"{Only}; this file uses a geocentric model");
        }
        if (!keys.TryGetValue(GeoTiffTags.GeographicTypeGeoKey, out int geographic))
        {
            throw new NotSupportedException($"{Only}; this file's CRS has no EPSG code (no GeographicTypeGeoKey)");
        }
        if (geographic != 4326)
        {
            string code = geographic == GeoTiffTags.UserDefined ? "a user-defined geographic CRS" : $"EPSG:{geographic}";
            throw new NotSupportedException($"{Only}; this file is in {code}");
        }
        return "EPSG:4326";
    }

    /// <summary>Pixel-centre origin and step of both axes, from scale + tiepoint or a non-rotated transformation.</summary>
    private static (double LonStart, double LonStep, double LatStart, double LatStep) Geotransform(Tiff tif, bool pixelIsPoint)
    {
        // PixelIsArea: raster coordinates address pixel corners, so the centre of pixel (i, j) is raster (i+.5, j+.5).
        // PixelIsPoint: they address centres (GeoTIFF spec 2.5.2.2; GDAL RFC 33).
        double half = pixelIsPoint ? 0 : 0.5;
        var scale = TiffFields.GetNumbers(tif, GeoTiffTags.ModelPixelScale, "ModelPixelScaleTag");
        var tie = TiffFields.GetNumbers(tif, GeoTiffTags.ModelTiepoint, "ModelTiepointTag");
        var matrix = TiffFields.GetNumbers(tif, GeoTiffTags.ModelTransformation, "ModelTransformationTag");
        double lonStart, lonStep, latStart, latStep;
        if (scale is not null && tie is not null)
        {
            if (scale.Length < 2)
            {
                throw new InvalidDataException($"ModelPixelScaleTag has {scale.Length} values, expected 3");
            }
            if (tie.Length < 6)
            {
                throw new InvalidDataException($"ModelTiepointTag has {tie.Length} values, expected 6");
            }
            lonStep = scale[0];
            latStep = -scale[1];
            lonStart = tie[3] + (half - tie[0]) * lonStep;
            latStart = tie[4] + (half - tie[1]) * latStep;
        }
        else if (matrix is not null)
        {
            if (matrix.Length < 16)
            {
                throw new InvalidDataException($"ModelTransformationTag has {matrix.Length} values, expected 16");
            }
            if (matrix[1] != 0 || matrix[4] != 0)
            {
                throw new NotSupportedException("rotated or sheared rasters (ModelTransformationTag with rotation terms) are not supported");
            }
            lonStep = matrix[0];
            latStep = matrix[5];
            lonStart = matrix[3] + half * lonStep;
            latStart = matrix[7] + half * latStep;
        }
        else if (tie is not null)
        {
            throw new NotSupportedException("rasters georeferenced by tiepoints alone (no ModelPixelScaleTag) are not supported");
        }
        else
        {
            throw new InvalidDataException("the file has no georeferencing (ModelPixelScaleTag + ModelTiepointTag, or ModelTransformationTag)");
        }
        if (!double.IsFinite(lonStep) || !double.IsFinite(latStep) || lonStep == 0 || latStep == 0
            || !double.IsFinite(lonStart) || !double.IsFinite(latStart))
        {
            throw new InvalidDataException(
                $"invalid georeferencing: pixel size {lonStep.ToString("R", CultureInfo.InvariantCulture)} x {(-latStep).ToString("R", CultureInfo.InvariantCulture)}, origin ({lonStart.ToString("R", CultureInfo.InvariantCulture)}, {latStart.ToString("R", CultureInfo.InvariantCulture)})");
        }
        return (lonStart, lonStep, latStart, latStep);
    }

    private static double? ReadNoData(Tiff tif)
    {
        var text = TiffFields.GetAscii(tif, GeoTiffTags.GdalNoData);
        if (text is null)
        {
            return null;
        }
        var t = text.Trim();
        if (t.Length == 0)
        {
            return null;
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        string lower = t.ToLowerInvariant();
        return lower switch
        {
            "nan" or "-nan" or "+nan" or "1.#qnan" or "-1.#ind" => double.NaN,
            "inf" or "+inf" or "infinity" or "1.#inf" => double.PositiveInfinity,
            "-inf" or "-infinity" or "-1.#inf" => double.NegativeInfinity,
            _ => throw new InvalidDataException($"GDAL_NODATA '{Printable(t)}' is not a number"),
        };
    }

    private static string Printable(string s)
    {
        var chars = s.Length > 40 ? s[..40].ToCharArray() : s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] < ' ' || chars[i] > '~') chars[i] = '?';
        }
        return new string(chars);
    }
}
