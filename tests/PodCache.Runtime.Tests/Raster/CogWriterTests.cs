using System.Globalization;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Tests.Sources;

namespace PodCache.Runtime.Tests.Raster;

/// <summary>
/// GeoTIFF output in the array's CRS and, for large outputs, as a Cloud Optimized GeoTIFF — checked with GDAL itself:
/// its COG validator (osgeo_utils validate_cloud_optimized_geotiff), its CRS and geotransform, and every cell it reads.
/// </summary>
public sealed class CogWriterTests : IDisposable
{
    private static readonly TimeSpan GdalTimeout = TimeSpan.FromMinutes(2);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A lat x lon array in <paramref name="crs"/> with a NaN block and a value that encodes each cell.</summary>
    private static DataArray Sample(int nLat, int nLon, double north, double west, double step, string crs)
    {
        var lat = UniformCoordinates1D.FromSize("lat", north, north - step * (nLat - 1), nLat);
        var lon = UniformCoordinates1D.FromSize("lon", west, west + step * (nLon - 1), nLon);
        var values = new double[nLat * nLon];
        for (int i = 0; i < nLat; i++)
        {
            for (int j = 0; j < nLon; j++)
            {
                values[i * nLon + j] = i < 10 && j < 10 ? double.NaN : i * 10_000.0 + j + 0.25;
            }
        }
        return new DataArray(new Coordinates([lat, lon], crs), values);
    }

    /// <summary>GDAL's view of a file: COG errors and warnings, EPSG code, geotransform, overview count, and the cells' checksum.</summary>
    private static JsonElement Gdal(string path)
    {
        const string Script = """
            import json, sys
            import numpy as np
            from osgeo import gdal, osr
            from osgeo_utils.samples import validate_cloud_optimized_geotiff as v
            gdal.UseExceptions()
            path = sys.argv[1]
            try:
                warnings, errors, _ = v.validate(path, full_check=True)
            except v.ValidateCloudOptimizedGeoTIFFException as e:
                warnings, errors = [], [str(e)]
            ds = gdal.Open(path)
            b = ds.GetRasterBand(1)
            a = b.ReadAsArray().astype(np.float64)
            srs = osr.SpatialReference(wkt=ds.GetProjection())
            srs.AutoIdentifyEPSG()
            print(json.dumps({"errors": errors, "warnings": warnings, "epsg": srs.GetAuthorityCode(None),
                "gt": list(ds.GetGeoTransform()), "size": [ds.RasterYSize, ds.RasterXSize], "overviews": b.GetOverviewCount(),
                "block": b.GetBlockSize(), "compression": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
                "nan": int(np.isnan(a).sum()), "sum": float(np.nansum(a)), "corner": float(a[-1, -1]),
                "ovr_mean": float(np.nanmean(b.GetOverview(0).ReadAsArray())) if b.GetOverviewCount() else None}))
            """;
        string script = Path.Combine(Path.GetDirectoryName(path)!, "gdal_view.py");
        File.WriteAllText(script, Script);
        return JsonDocument.Parse(GdalCogCorpus.Run("/usr/bin/python3", [script, path], GdalTimeout, "reading the GeoTIFF with GDAL")).RootElement;
    }

    private static double NanSum(DataArray a) => a.Data.Where(double.IsFinite).Sum();

    [Theory]
    [InlineData("EPSG:4326", 1100, 700, 45.0, -110.0, 0.01, "4326")]
    [InlineData("EPSG:3857", 600, 1300, 5_000_000.0, -1_000_000.0, 250.0, "3857")]
    [InlineData("EPSG:32618", 530, 530, 4_500_000.0, 500_000.0, 30.0, "32618")]
    public void LargeOutput_IsAValidCogInItsCrs_ThatGdalReadsCellForCell(string crs, int nLat, int nLon, double north, double west, double step, string epsg)
    {
        var array = Sample(nLat, nLon, north, west, step, crs);
        string path = _dir.File("cog.tif");
        File.WriteAllBytes(path, GeoTiffWriter.ToBytes(array));

        var gdal = Gdal(path);

        Assert.Empty(gdal.GetProperty("errors").EnumerateArray());
        Assert.Empty(gdal.GetProperty("warnings").EnumerateArray());
        Assert.Equal(epsg, gdal.GetProperty("epsg").GetString());
        Assert.Equal("DEFLATE", gdal.GetProperty("compression").GetString());
        Assert.Equal([256, 256], gdal.GetProperty("block").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(gdal.GetProperty("overviews").GetInt32() >= 1);
        var gt = gdal.GetProperty("gt").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(west - step / 2, gt[0], 6);
        Assert.Equal(step, gt[1], 9);
        Assert.Equal(north + step / 2, gt[3], 6);
        Assert.Equal(-step, gt[5], 9);
        Assert.Equal([nLat, nLon], gdal.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(100, gdal.GetProperty("nan").GetInt32());
        Assert.Equal(NanSum(array), gdal.GetProperty("sum").GetDouble(), 1e-6 * NanSum(array));
        Assert.Equal(array.Data[^1], gdal.GetProperty("corner").GetDouble());
        // The first overview averages 2x2 blocks: its mean is close to the image's.
        Assert.Equal(array.Data.Where(double.IsFinite).Average(), gdal.GetProperty("ovr_mean").GetDouble(), 0.01 * array.Data.Where(double.IsFinite).Average());
    }

    [Fact]
    public async Task LargeOutput_ReadsBackThroughDataRaster_ToTheSameCells()
    {
        var array = Sample(700, 900, 40.0, -106.0, 0.001, "EPSG:4326");
        string path = _dir.File("back.tif");
        File.WriteAllBytes(path, GeoTiffWriter.ToBytes(array));
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Raster\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path) + "}}}");

        var run = await new PipelineRunner(TieredCache.InMemory(1L << 28)).RunAsync(pipeline, array.Coordinates);

        Assert.Equal(array.Shape, run.Output!.Shape);
        Assert.Equal(array.Data, run.Output.Data);
    }

    [Theory]
    [InlineData("EPSG:3857", "3857")]
    [InlineData("EPSG:32733", "32733")]
    [InlineData("+proj=utm +zone=18 +datum=WGS84 +units=m +no_defs", "32618")]
    public void SmallOutput_InAProjectedCrs_CarriesItsEpsgCode(string crs, string epsg)
    {
        var array = Sample(40, 30, 1_000_000.0, 200_000.0, 100.0, crs);
        string path = _dir.File("small.tif");
        File.WriteAllBytes(path, GeoTiffWriter.ToBytes(array));

        var gdal = Gdal(path);

        Assert.Equal(epsg, gdal.GetProperty("epsg").GetString());
        Assert.Equal(NanSum(array), gdal.GetProperty("sum").GetDouble(), 1e-6 * NanSum(array));
        Assert.Equal((200_000.0 - 50).ToString(CultureInfo.InvariantCulture),
            gdal.GetProperty("gt")[0].GetDouble().ToString(CultureInfo.InvariantCulture));
    }
}
