using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Tests;

/// <summary>
/// Points transformed by /usr/bin/python3's pyproj (PROJ, <c>always_xy</c>) in a fixture: PodCache's transforms must
/// give the same numbers. Throws (never skips) when pyproj is missing.
/// </summary>
public sealed class PyprojVectors
{
    private const string Script = """
        import json, random, sys
        import pyproj
        random.seed(7)
        out = {"cases": [], "wkt": {}}
        def add(src, dst, pts):
            t = pyproj.Transformer.from_crs(src, dst, always_xy=True)
            xs = [p[0] for p in pts]; ys = [p[1] for p in pts]
            tx, ty = t.transform(xs, ys)
            out["cases"].append({"from": src, "to": dst, "x": xs, "y": ys, "tx": list(tx), "ty": list(ty)})
        for zone, south in [(1, False), (18, False), (33, False), (60, False), (18, True), (56, True), (31, False)]:
            code = (32700 if south else 32600) + zone
            lon0 = zone * 6 - 183
            pts = [(lon0 + random.uniform(-3.5, 3.5), (-random.uniform(0, 80) if south else random.uniform(0, 84))) for _ in range(60)]
            pts += [(lon0, 0.0 if not south else -1e-9), (lon0 + 3, 45.0 if not south else -45.0), (lon0 - 3, 80.0 if not south else -80.0)]
            add("EPSG:4326", "EPSG:%d" % code, pts)
            t = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:%d" % code, always_xy=True)
            proj_pts = [t.transform(x, y) for x, y in pts]
            add("EPSG:%d" % code, "EPSG:4326", proj_pts)
        merc = [(random.uniform(-180, 180), random.uniform(-85, 85)) for _ in range(60)] + [(0.0, 0.0), (-5.0, 40.0), (179.9, -84.9)]
        add("EPSG:4326", "EPSG:3857", merc)
        t = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
        add("EPSG:3857", "EPSG:4326", [t.transform(x, y) for x, y in merc])
        add("EPSG:32618", "EPSG:3857", [(500000 + random.uniform(-3e5, 3e5), random.uniform(1e6, 8e6)) for _ in range(40)])
        for code in [4326, 3857, 32618, 32733]:
            out["wkt"]["EPSG:%d" % code] = pyproj.CRS("EPSG:%d" % code).to_wkt("WKT1_GDAL")
        # A transverse Mercator that no EPSG code names: read from WKT by ProjNET.
        custom = pyproj.CRS("+proj=tmerc +lat_0=0 +lon_0=-75 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs")
        out["wkt"]["custom"] = custom.to_wkt("WKT1_GDAL")
        add("EPSG:4326", custom.to_wkt("WKT1_GDAL"), [(-75 + random.uniform(-2, 2), random.uniform(20, 60)) for _ in range(20)])
        json.dump(out, sys.stdout)
        """;

    public PyprojVectors()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("/usr/bin/python3 did not start");
        p.StandardInput.Write(Script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException("pyproj vectors took over 60 s");
        }
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("pyproj failed (apt-get install -y python3-pyproj): " + stderr.Result);
        }
        Data = JsonNode.Parse(stdout.Result)!.AsObject();
    }

    public JsonObject Data { get; }
}

public sealed class SpatialReferenceTests(PyprojVectors vectors) : IClassFixture<PyprojVectors>
{
    [Fact]
    public void EveryCaseMatchesProj()
    {
        int cases = 0;
        foreach (var c in vectors.Data["cases"]!.AsArray())
        {
            string from = (string)c!["from"]!;
            string to = (string)c["to"]!;
            var x = c["x"]!.AsArray().Select(v => (double)v!).ToArray();
            var y = c["y"]!.AsArray().Select(v => (double)v!).ToArray();
            var tx = c["tx"]!.AsArray().Select(v => (double)v!).ToArray();
            var ty = c["ty"]!.AsArray().Select(v => (double)v!).ToArray();
            var src = SpatialReference.Parse(from);
            var dst = SpatialReference.Parse(to);
            src.TransformTo(dst, x, y);
            bool custom = dst.EpsgCode is null;
            // Degrees to 1e-11 (~1 µm); metres to 1e-6 (a µm) for PodCache's own projections, 1e-3 for ProjNET's TM.
            double tol = dst.IsGeographic ? 1e-11 : custom ? 1e-3 : 1e-6;
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(x[i] - tx[i]) <= tol && Math.Abs(y[i] - ty[i]) <= tol,
                    $"{from} -> {to} point {i}: PodCache ({x[i]:R}, {y[i]:R}), PROJ ({tx[i]:R}, {ty[i]:R})");
            }
            cases++;
        }
        Assert.True(cases >= 17);
    }

    [Theory]
    [InlineData("EPSG:4326")]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:32618")]
    [InlineData("EPSG:32733")]
    public void WktWithAnEpsgAuthorityIsThatCode(string code)
    {
        var wkt = (string)vectors.Data["wkt"]![code]!;
        Assert.Equal(SpatialReference.Parse(code), SpatialReference.Parse(wkt));
        Assert.Equal(CrsNames.Canonical(code), CrsNames.Canonical(wkt));
    }

    [Theory]
    [InlineData("EPSG:4326", "+proj=longlat +datum=WGS84 +no_defs +vunits=m")]
    [InlineData("EPSG:4326", "epsg:4326")]
    [InlineData("EPSG:4326", "urn:ogc:def:crs:EPSG::4326")]
    [InlineData("EPSG:4326", "  +proj=longlat  +ellps=WGS84 +datum=WGS84 +no_defs ")]
    [InlineData("EPSG:3857", "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs")]
    [InlineData("EPSG:3857", "EPSG:900913")]
    [InlineData("EPSG:32618", "+proj=utm +zone=18 +datum=WGS84 +units=m +no_defs")]
    [InlineData("EPSG:32718", "+proj=utm +zone=18 +south +datum=WGS84 +units=m +no_defs")]
    public void SpellingsOfOneCrsHashEqual(string a, string b)
    {
        Assert.Equal(CrsNames.Canonical(a), CrsNames.Canonical(b));
        var ca = new Runtime.Coordinates([UniformCoordinates1D.FromStep("lat", 0, 1, 1), UniformCoordinates1D.FromStep("lon", 0, 1, 1)], a);
        var cb = new Runtime.Coordinates([UniformCoordinates1D.FromStep("lat", 0, 1, 1), UniformCoordinates1D.FromStep("lon", 0, 1, 1)], b);
        Assert.Equal(ca.Key, cb.Key);
    }

    [Theory]
    [InlineData("EPSG:32618", "EPSG:32619")]
    [InlineData("EPSG:32618", "EPSG:32718")]
    [InlineData("EPSG:4326", "EPSG:3857")]
    [InlineData("+proj=utm +zone=18 +datum=WGS84", "+proj=utm +zone=18 +datum=NAD27")]
    public void DifferentCrssHashDifferently(string a, string b) =>
        Assert.NotEqual(CrsNames.Canonical(a), CrsNames.Canonical(b));

    [Theory]
    [InlineData("EPSG:2193", "EPSG:2193 is not a coordinate system PodCache can transform")]
    [InlineData("EPSG:32661", "EPSG:32661 is not")]
    [InlineData("+proj=utm +zone=18 +datum=NAD27", "PROJ string PodCache cannot transform")]
    [InlineData("+proj=utm +zone=99 +datum=WGS84", "PROJ string PodCache cannot transform")]
    [InlineData("nonsense", "'nonsense' is not a coordinate system PodCache knows")]
    [InlineData("PROJCS[\"x\", GEOGCS[", "could not be read")]
    public void UnknownCrssSayWhatIsKnown(string crs, string message)
    {
        Assert.False(SpatialReference.TryParse(crs, out _, out var error));
        Assert.Contains(message, error);
        var ex = Assert.Throws<ArgumentException>(() => SpatialReference.Parse(crs));
        Assert.Equal(error, ex.Message);
        if (!message.Contains("could not"))
        {
            Assert.Contains("EPSG:3857", error);
        }
    }

    [Fact]
    public void CustomWktTransformsThroughProjNet()
    {
        var custom = SpatialReference.Parse((string)vectors.Data["wkt"]!["custom"]!);
        Assert.Null(custom.EpsgCode);
        Assert.False(custom.IsGeographic);
        Assert.StartsWith("wkt:", custom.Canonical);
        double[] x = [-75.0], y = [40.0];
        SpatialReference.Wgs84.TransformTo(custom, x, y);
        // On the central meridian the easting is the false easting.
        Assert.Equal(500000, x[0], 6);
        Assert.InRange(y[0], 4_427_000, 4_428_000);
    }

    [Fact]
    public void UtmRoundTripsToMachinePrecision()
    {
        var utm = SpatialReference.Parse("EPSG:32633");
        var rnd = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            double lon = 15 + (rnd.NextDouble() * 7 - 3.5), lat = rnd.NextDouble() * 168 - 84;
            double[] x = [lon], y = [lat];
            SpatialReference.Wgs84.TransformTo(utm, x, y);
            utm.TransformTo(SpatialReference.Wgs84, x, y);
            Assert.True(Math.Abs(x[0] - lon) < 1e-12 && Math.Abs(y[0] - lat) < 1e-12, $"({lon}, {lat}) came back as ({x[0]}, {y[0]})");
        }
    }
}
