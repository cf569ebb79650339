using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PodCache.Runtime.Tests.Nodes.Sources;

/// <summary>
/// A real MapServer WCS: GDAL writes a float32 GeoTIFF in EPSG:4326 (<see cref="Width"/> x <see cref="Height"/> pixels
/// over <see cref="Bounds"/>, pixel (r, c) holding <c>r * 1000 + c + 0.5</c>), a mapfile serves it as layer
/// <see cref="Layer"/> with WCS enabled and a GEOTIFF output format, and a loopback Kestrel server runs Debian's
/// <c>mapserv</c> CGI per request (QUERY_STRING, REQUEST_METHOD, MS_MAPFILE; MapServer 8 also needs its config file) and
/// relays its CGI headers and body. <see cref="GdalNearest"/> reads the source file with GDAL at given points. Use it as
/// an xUnit class fixture; it throws (never skips) when mapserv or GDAL is missing.
/// </summary>
public sealed class MapServerWcs : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private const string Mapserv = "/usr/bin/mapserv";
    private static readonly TimeSpan CgiTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _queries = new();
    private WebApplication? _app;

    /// <summary>Source columns.</summary>
    public int Width => 40;

    /// <summary>Source rows.</summary>
    public int Height => 30;

    /// <summary>The source's extent, EPSG:4326 degrees.</summary>
    public static (double West, double South, double East, double North) Bounds => (-106, 39, -105, 40);

    /// <summary>The layer's name in the mapfile.</summary>
    public static string Layer => "elev";

    /// <summary>The folder holding the GeoTIFF, the mapfile and MapServer's config.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "podcache-mapserver-" + Guid.NewGuid().ToString("N"));

    /// <summary>The GeoTIFF MapServer serves.</summary>
    public string SourceTiff => Path.Combine(Directory, "src.tif");

    /// <summary>The WCS endpoint (<c>http://127.0.0.1:PORT/wcs</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The query strings of every request served so far, in order.</summary>
    public IReadOnlyCollection<string> Queries => _queries;

    /// <summary>GetCoverage requests served so far.</summary>
    public int GetCoverageCount => _queries.Count(q => q.Contains("request=GetCoverage", StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        if (!File.Exists(Mapserv) || !File.Exists(Python))
        {
            throw new InvalidOperationException(
                $"MapServer or GDAL is not installed: the WCS tests need {Mapserv} and {Python} with `from osgeo import gdal`. " +
                "Install them with `apt-get install -y cgi-mapserver mapserver-bin gdal-bin python3-gdal` (scripts/test.sh does this).");
        }
        System.IO.Directory.CreateDirectory(Directory);
        RunPython($$"""
            from osgeo import gdal, osr
            import numpy as np
            ds = gdal.GetDriverByName("GTiff").Create({{Py(SourceTiff)}}, {{Width}}, {{Height}}, 1, gdal.GDT_Float32)
            w, s, e, n = {{Num(Bounds.West)}}, {{Num(Bounds.South)}}, {{Num(Bounds.East)}}, {{Num(Bounds.North)}}
            ds.SetGeoTransform((w, (e - w) / {{Width}}, 0, n, 0, -(n - s) / {{Height}}))
            srs = osr.SpatialReference(); srs.ImportFromEPSG(4326)
            ds.SetProjection(srs.ExportToWkt())
            r, c = np.mgrid[0:{{Height}}, 0:{{Width}}]
            ds.GetRasterBand(1).WriteArray((r * 1000 + c + 0.5).astype("float32"))
            ds = None
            """, []);
        File.WriteAllText(Path.Combine(Directory, "wcs.map"), $$"""
            MAP
              NAME "podcache_test"
              EXTENT {{Num(Bounds.West)}} {{Num(Bounds.South)}} {{Num(Bounds.East)}} {{Num(Bounds.North)}}
              SIZE 400 400
              PROJECTION "init=epsg:4326" END
              OUTPUTFORMAT
                NAME "GEOTIFF"
                DRIVER "GDAL/GTiff"
                MIMETYPE "image/tiff"
                IMAGEMODE FLOAT32
                EXTENSION "tif"
              END
              WEB
                METADATA
                  "wcs_enable_request" "*"
                  "ows_srs" "EPSG:4326 EPSG:3857"
                  "wcs_label" "PodCache test WCS"
                END
              END
              LAYER
                NAME "{{Layer}}"
                TYPE RASTER
                STATUS ON
                DATA "{{SourceTiff}}"
                PROCESSING "RESAMPLE=NEAREST"
                PROJECTION "init=epsg:4326" END
                METADATA
                  "wcs_label" "{{Layer}}"
                  "wcs_rangeset_name" "values"
                  "wcs_rangeset_label" "values"
                  "ows_srs" "EPSG:4326 EPSG:3857"
                  "wcs_formats" "GEOTIFF"
                  "wcs_bandcount" "1"
                END
              END
            END
            """);
        File.WriteAllText(Path.Combine(Directory, "mapserver.conf"), """
            CONFIG
              ENV
                MS_MAP_NO_PATH "1"
              END
            END
            """);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(MapServerWcs) });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.TrimEnd('/') + "/wcs");
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        if (ctx.Request.Path != "/wcs")
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        string query = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "";
        _queries.Enqueue(query);
        var start = new ProcessStartInfo(Mapserv) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["QUERY_STRING"] = query;
        start.Environment["REQUEST_METHOD"] = "GET";
        start.Environment["MS_MAPFILE"] = Path.Combine(Directory, "wcs.map");
        start.Environment["MAPSERVER_CONFIG_FILE"] = Path.Combine(Directory, "mapserver.conf");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Mapserv);
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, ctx.RequestAborted);
        var stderr = process.StandardError.ReadToEndAsync(ctx.RequestAborted);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted))
        {
            timeout.CancelAfter(CgiTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
        await copy.ConfigureAwait(false);
        await stderr.ConfigureAwait(false);
        // CGI output: header lines, a blank line, the body.
        byte[] all = output.ToArray();
        int split = IndexOf(all, "\r\n\r\n"u8), skip = 4;
        if (split < 0)
        {
            (split, skip) = (IndexOf(all, "\n\n"u8), 2);
        }
        if (split < 0)
        {
            ctx.Response.StatusCode = 502;
            return;
        }
        foreach (var line in Encoding.ASCII.GetString(all, 0, split).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.StatusCode = int.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.ContentType = value;
            }
            else
            {
                ctx.Response.Headers[name] = value;
            }
        }
        ctx.Response.ContentLength = all.Length - split - skip;
        await ctx.Response.Body.WriteAsync(all.AsMemory(split + skip), ctx.RequestAborted).ConfigureAwait(false);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    /// <summary>
    /// GDAL's value of the source pixel containing each (lat, lon) point (its nearest pixel centre), row-major over
    /// lats by lons; NaN outside the file.
    /// </summary>
    public double[] GdalNearest(IReadOnlyList<double> lats, IReadOnlyList<double> lons)
    {
        string points = Path.Combine(Directory, "points-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(points, string.Join(' ', lats.Select(Num)) + "\n" + string.Join(' ', lons.Select(Num)) + "\n");
        string text = RunPython($$"""
            import sys, math
            from osgeo import gdal
            ds = gdal.Open({{Py(SourceTiff)}})
            a = ds.GetRasterBand(1).ReadAsArray()
            inv = gdal.InvGeoTransform(ds.GetGeoTransform())
            lats, lons = [[float(v) for v in l.split()] for l in open(sys.argv[1]).read().splitlines()]
            out = []
            for lat in lats:
                for lon in lons:
                    px, py = gdal.ApplyGeoTransform(inv, lon, lat)
                    c, r = int(math.floor(px)), int(math.floor(py))
                    out.append(repr(float(a[r, c])) if 0 <= r < a.shape[0] and 0 <= c < a.shape[1] else "nan")
            print(" ".join(out))
            """, [points]);
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>How far (in pixels) a point lies from the nearest source pixel edge along lat and lon, the smaller of the two.</summary>
    public double EdgeDistance(double lat, double lon)
    {
        double py = (Bounds.North - lat) / ((Bounds.North - Bounds.South) / Height);
        double px = (lon - Bounds.West) / ((Bounds.East - Bounds.West) / Width);
        return Math.Min(Math.Abs(py - Math.Round(py)), Math.Abs(px - Math.Round(px)));
    }

    private string RunPython(string script, IReadOnlyList<string> args)
    {
        string path = Path.Combine(Directory, "script-" + Guid.NewGuid().ToString("N") + ".py");
        File.WriteAllText(path, script);
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["GDAL_PAM_ENABLED"] = "NO";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("GDAL's python did not finish in 60 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"GDAL's python failed ({process.ExitCode}): {stderr.Result}");
        }
        return stdout.Result;
    }

    private static string Py(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string Num(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
