using BitMiracle.LibTiff.Classic;
using PodCache.Runtime.Raster;

namespace PodCache.Runtime.Tests.Raster;

/// <summary>Writes TIFF/GeoTIFF files for tests with LibTiff, in any layout the raster reader supports.</summary>
internal sealed class TestTiff
{
    public int Width { get; init; } = 8;
    public int Height { get; init; } = 6;
    public int Bands { get; init; } = 1;
    public int Bits { get; init; } = 32;
    public SampleFormat Format { get; init; } = SampleFormat.IEEEFP;
    public bool Separate { get; init; }

    /// <summary>Tile size; 0 writes strips.</summary>
    public int Tile { get; init; }

    public int RowsPerStrip { get; init; } = 2;
    public Compression Compression { get; init; } = Compression.NONE;
    public Predictor Predictor { get; init; } = Predictor.NONE;
    public bool BigEndian { get; init; }
    public bool BigTiff { get; init; }

    /// <summary>ModelPixelScale X, Y; null omits the tag.</summary>
    public double[]? Scale { get; init; } = [0.5, 0.25, 0];

    /// <summary>ModelTiepoint I, J, K, X, Y, Z; null omits the tag.</summary>
    public double[]? Tiepoint { get; init; } = [0, 0, 0, -106, 40, 0];

    public double[]? Transformation { get; init; }

    /// <summary>GeoKeyDirectory values; null omits the tag.</summary>
    public short[]? GeoKeys { get; init; } = Geographic(4326);

    public string? NoData { get; init; }

    /// <summary>The value of (band 0-based, row, col).</summary>
    public Func<int, int, int, double> Value { get; init; } = (b, r, c) => 100 * b + 10 * r + c;

    public static short[] Geographic(int epsg, int rasterType = 1) => [1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, (short)rasterType, 2048, 0, 1, (short)epsg];

    public static short[] Projected(int epsg) => [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, (short)epsg];

    public int BytesPerSample => Bits / 8;

    public byte[] ToBytes()
    {
        var ms = new MemoryStream();
        string mode = "w" + (BigEndian ? "b" : "l") + (BigTiff ? "8" : "");
        using (var tif = Tiff.ClientOpen("test", mode, ms, new TiffStream()) ?? throw new InvalidOperationException("cannot create"))
        {
            var fields = GeoTiffTags.WriterFields();
            tif.MergeFieldInfo(fields, fields.Length);
            tif.SetField(TiffTag.IMAGEWIDTH, Width);
            tif.SetField(TiffTag.IMAGELENGTH, Height);
            tif.SetField(TiffTag.BITSPERSAMPLE, Bits);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, Bands);
            tif.SetField(TiffTag.SAMPLEFORMAT, Format);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tif.SetField(TiffTag.PLANARCONFIG, Separate ? PlanarConfig.SEPARATE : PlanarConfig.CONTIG);
            tif.SetField(TiffTag.COMPRESSION, Compression);
            if (Predictor != Predictor.NONE) tif.SetField(TiffTag.PREDICTOR, Predictor);
            if (Tile > 0)
            {
                tif.SetField(TiffTag.TILEWIDTH, Tile);
                tif.SetField(TiffTag.TILELENGTH, Tile);
            }
            else
            {
                tif.SetField(TiffTag.ROWSPERSTRIP, RowsPerStrip);
            }
            if (Scale is not null) tif.SetField(GeoTiffTags.ModelPixelScale, Scale.Length, Scale);
            if (Tiepoint is not null) tif.SetField(GeoTiffTags.ModelTiepoint, Tiepoint.Length, Tiepoint);
            if (Transformation is not null) tif.SetField(GeoTiffTags.ModelTransformation, Transformation.Length, Transformation);
            if (GeoKeys is not null) tif.SetField(GeoTiffTags.GeoKeyDirectory, GeoKeys.Length, GeoKeys);
            if (NoData is not null) tif.SetField(GeoTiffTags.GdalNoData, NoData);
            int planes = Separate ? Bands : 1, planeSamples = Separate ? 1 : Bands;
            if (Tile > 0)
            {
                int across = (Width + Tile - 1) / Tile, down = (Height + Tile - 1) / Tile;
                for (int p = 0; p < planes; p++)
                    for (int ty = 0; ty < down; ty++)
                        for (int tx = 0; tx < across; tx++)
                        {
                            var buf = new byte[Tile * Tile * planeSamples * BytesPerSample];
                            for (int r = 0; r < Tile; r++)
                                for (int c = 0; c < Tile; c++)
                                    for (int s = 0; s < planeSamples; s++)
                                    {
                                        int row = ty * Tile + r, col = tx * Tile + c;
                                        double v = row < Height && col < Width ? Value(Separate ? p : s, row, col) : 0;
                                        Put(buf.AsSpan(((r * Tile + c) * planeSamples + s) * BytesPerSample, BytesPerSample), v);
                                    }
                            int tile = tif.ComputeTile(tx * Tile, ty * Tile, 0, (short)p);
                            if (tif.WriteEncodedTile(tile, buf, buf.Length) < 0) throw new InvalidOperationException("tile write failed");
                        }
            }
            else
            {
                int strips = (Height + RowsPerStrip - 1) / RowsPerStrip;
                for (int p = 0; p < planes; p++)
                    for (int st = 0; st < strips; st++)
                    {
                        int rows = Math.Min(RowsPerStrip, Height - st * RowsPerStrip);
                        var buf = new byte[rows * Width * planeSamples * BytesPerSample];
                        for (int r = 0; r < rows; r++)
                            for (int c = 0; c < Width; c++)
                                for (int s = 0; s < planeSamples; s++)
                                {
                                    Put(buf.AsSpan(((r * Width + c) * planeSamples + s) * BytesPerSample, BytesPerSample),
                                        Value(Separate ? p : s, st * RowsPerStrip + r, c));
                                }
                        int strip = tif.ComputeStrip(st * RowsPerStrip, (short)p);
                        if (tif.WriteEncodedStrip(strip, buf, buf.Length) < 0) throw new InvalidOperationException("strip write failed");
                    }
            }
            tif.WriteDirectory();
        }
        return ms.ToArray();
    }

    /// <summary>Request coordinates on the pixel centres of rows [r0, r0+rows) and columns [c0, c0+cols) of this grid.</summary>
    public PodCache.Runtime.Coordinates PixelWindow(int r0, int rows, int c0, int cols)
    {
        double dx = Scale![0], dy = Scale[1];
        static string F(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        double lat0 = Tiepoint![4] - dy * (r0 + 0.5), lon0 = Tiepoint[3] + dx * (c0 + 0.5);
        return PodCache.Runtime.Coordinates.Parse(
            $$"""{"coords": [{"name": "lat", "start": {{F(lat0)}}, "stop": {{F(lat0 - dy * (rows - 1))}}, "step": {{F(-dy)}}}, {"name": "lon", "start": {{F(lon0)}}, "stop": {{F(lon0 + dx * (cols - 1))}}, "step": {{F(dx)}}}]}""");
    }

    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    /// <summary>Writes one sample in host byte order (LibTiff swaps when writing a big-endian file).</summary>
    private void Put(Span<byte> dst, double v)
    {
        switch (Format, Bits)
        {
            case (SampleFormat.IEEEFP, 16): BitConverter.TryWriteBytes(dst, (Half)v); break;
            case (SampleFormat.IEEEFP, 32): BitConverter.TryWriteBytes(dst, (float)v); break;
            case (SampleFormat.IEEEFP, 64): BitConverter.TryWriteBytes(dst, v); break;
            case (SampleFormat.INT, 8): dst[0] = (byte)(sbyte)v; break;
            case (SampleFormat.INT, 16): BitConverter.TryWriteBytes(dst, (short)v); break;
            case (SampleFormat.INT, 32): BitConverter.TryWriteBytes(dst, (int)v); break;
            case (SampleFormat.INT, 64): BitConverter.TryWriteBytes(dst, (long)v); break;
            case (_, 8): dst[0] = (byte)v; break;
            case (_, 16): BitConverter.TryWriteBytes(dst, (ushort)v); break;
            case (_, 32): BitConverter.TryWriteBytes(dst, (uint)v); break;
            case (_, 64): BitConverter.TryWriteBytes(dst, (ulong)v); break;
            default: throw new NotSupportedException();
        }
    }
}
