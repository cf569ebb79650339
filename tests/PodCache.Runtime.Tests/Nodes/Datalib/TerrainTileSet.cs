using System.Diagnostics;
using System.Text.Json;

namespace PodCache.Runtime.Tests.Nodes.Datalib;

/// <summary>
/// An elevation tile set as AWS publishes it, made by GDAL: a 1024 x 1024 float32 DEM in EPSG:3857 over 2 x 2 tiles of
/// zoom 10, cut with gdal_translate into 512 x 512 GeoTIFFs at <c>geotiff/10/X/Y.tif</c>; the whole DEM is kept as one
/// file too, for comparison.
/// </summary>
public sealed class TerrainTileSet : IDisposable
{
    internal const int Zoom = 10;

    private const string Script = """
        import sys, json, math, os
        import numpy as np
        from osgeo import gdal, osr
        out, zoom = sys.argv[1], int(sys.argv[2])
        lat, lon = 39.95, -105.05
        n = 2 ** zoom
        # The slippy-map tile of (lat, lon), from the usual formula (not PODPAC's code).
        x0 = int((lon + 180) / 360 * n)
        y0 = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        W = 20037508.342789244
        T = 2 * W / n
        px = T / 512
        r, c = np.mgrid[0:1024, 0:1024]
        a = (1500 + 300 * np.sin(r / 37.0) + 200 * np.cos(c / 53.0) + r * 0.01 + c * 0.003).astype(np.float32)
        srs = osr.SpatialReference(); srs.ImportFromEPSG(3857)
        mosaic = os.path.join(out, "mosaic.tif")
        ds = gdal.GetDriverByName("GTiff").Create(mosaic, 1024, 1024, 1, gdal.GDT_Float32)
        ds.SetGeoTransform((-W + x0 * T, px, 0, W - y0 * T, 0, -px))
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(a)
        ds = None
        tiles = []
        for j in range(2):
            for i in range(2):
                x, y = x0 + i, y0 + j
                path = os.path.join(out, "geotiff", str(zoom), str(x), f"{y}.tif")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                gdal.Translate(path, mosaic, srcWin=[i * 512, j * 512, 512, 512], creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
                tiles.append([x, y])
        # A replacement for the first tile: the same grid, 1000 m higher.
        gdal.Translate(os.path.join(out, "replaced.tif"), mosaic, srcWin=[0, 0, 512, 512], scaleParams=[[0, 1, 1000, 1001]],
                       outputType=gdal.GDT_Float32, creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
        rows = list(range(5, 1024, 13)); cols = list(range(3, 1024, 11))
        ox, oy = -W + x0 * T, W - y0 * T
        print(json.dumps({"x0": x0, "y0": y0, "px": px, "ox": ox, "oy": oy, "rows": rows, "cols": cols,
                          "values": a[np.ix_(rows, cols)].astype(float).tolist(), "tiles": tiles}))
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("podcache-tiles-");

    public TerrainTileSet()
    {
        string script = InDir("make-tiles.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, _dir.FullName, Zoom.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"GDAL could not cut the tiles (apt-get install python3-gdal): {err}");
        }
        var doc = JsonDocument.Parse(stdout.Result).RootElement;
        X0 = doc.GetProperty("x0").GetInt32();
        Y0 = doc.GetProperty("y0").GetInt32();
        Pixel = doc.GetProperty("px").GetDouble();
        OriginX = doc.GetProperty("ox").GetDouble();
        OriginY = doc.GetProperty("oy").GetDouble();
        Rows = doc.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Cols = doc.GetProperty("cols").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Values = doc.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
    }

    public int X0 { get; }
    public int Y0 { get; }
    public double Pixel { get; }
    public double OriginX { get; }
    public double OriginY { get; }
    public int[] Rows { get; }
    public int[] Cols { get; }

    /// <summary>GDAL's read of the whole DEM at <see cref="Rows"/> x <see cref="Cols"/>.</summary>
    public double[][] Values { get; }

    public string Mosaic => InDir("mosaic.tif");

    public string Replaced => InDir("replaced.tif");

    public string Tile(int x, int y) => InDir(Path.Combine("geotiff", Zoom.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{x}", $"{y}.tif"));

    public string Key(int x, int y) => $"geotiff/{Zoom}/{x}/{y}.tif";

    /// <summary>The EPSG:3857 centre of the DEM's pixel (row, col).</summary>
    public (double Y, double X) Centre(int row, int col) => (OriginY - (row + 0.5) * Pixel, OriginX + (col + 0.5) * Pixel);

    private string InDir(string name) => Path.Combine(_dir.FullName, name);

    public void Dispose()
    {
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
