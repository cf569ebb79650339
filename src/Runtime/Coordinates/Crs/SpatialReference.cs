using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using PodCache.Runtime.Projections;

namespace PodCache.Runtime;

/// <summary>
/// A coordinate reference system PodCache can transform: geographic WGS84 (EPSG:4326 and its PROJ spellings), Web
/// Mercator (EPSG:3857), the WGS84 UTM zones (EPSG:32601–32660, 32701–32760, and <c>+proj=utm</c> strings), and any
/// WKT that ProjNET reads. In PODPAC's coordinates a projected CRS keeps the dim names: <c>lat</c> holds northings
/// and <c>lon</c> eastings.
/// </summary>
public sealed partial class SpatialReference : IEquatable<SpatialReference>
{
    private static readonly ConcurrentDictionary<string, SpatialReference> Parsed = new(StringComparer.Ordinal);

    private SpatialReference(string canonical, string name, bool isGeographic, bool hasVerticalUnits, IProjection projection)
    {
        Canonical = canonical;
        Name = name;
        IsGeographic = isGeographic;
        HasVerticalUnits = hasVerticalUnits;
        Projection = projection;
    }

    /// <summary>The spelling hashed into keys: equal for strings that name the same CRS (<c>epsg:4326</c>, <c>epsg:32618</c>).</summary>
    public string Canonical { get; }

    /// <summary>A name for messages and files, e.g. <c>EPSG:32618</c>.</summary>
    public string Name { get; }

    /// <summary>The EPSG code, when the CRS has one.</summary>
    public int? EpsgCode => Canonical.StartsWith("epsg:", StringComparison.Ordinal)
        ? int.Parse(Canonical.AsSpan(5), CultureInfo.InvariantCulture) : null;

    /// <summary>True for longitude/latitude in degrees.</summary>
    public bool IsGeographic { get; }

    /// <summary>True when the spelling gives vertical units (<c>+vunits=m</c>), which PODPAC needs to transform an <c>alt</c> dim.</summary>
    public bool HasVerticalUnits { get; }

    internal IProjection Projection { get; }

    /// <summary>Geographic WGS84, EPSG:4326.</summary>
    public static SpatialReference Wgs84 { get; } = new("epsg:4326", "EPSG:4326", true, false, GeographicProjection.Instance);

    /// <summary>What PodCache accepts, for messages.</summary>
    public const string Supported =
        "EPSG:4326 (or a +proj=longlat WGS84 string), EPSG:3857, the WGS84 UTM zones EPSG:32601–32660 and EPSG:32701–32760 " +
        "(or +proj=utm +zone=N [+south] +datum=WGS84), or a WKT definition";

    /// <summary>Parses a CRS string.</summary>
    /// <exception cref="ArgumentException">Not a CRS PodCache can transform; the message says what is.</exception>
    public static SpatialReference Parse(string crs) =>
        TryParse(crs, out var r, out var error) ? r : throw new ArgumentException(error);

    /// <summary>Parses a CRS string; null or blank is PODPAC's default (EPSG:4326).</summary>
    public static bool TryParse(string? crs, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SpatialReference? result, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(crs))
        {
            result = Wgs84;
            return true;
        }
        if (Parsed.TryGetValue(crs, out result))
        {
            return true;
        }
        result = ParseNew(crs, out error);
        if (result is null)
        {
            return false;
        }
        if (Parsed.Count < 1024)
        {
            Parsed.TryAdd(crs, result);
        }
        return true;
    }

    private static SpatialReference? ParseNew(string crs, out string? error)
    {
        error = null;
        string s = string.Join(' ', crs.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (s.StartsWith('+'))
        {
            return ParseProj(s, crs, out error);
        }
        var m = EpsgPattern().Match(s);
        if (m.Success)
        {
            int code = int.Parse(m.Groups["code"].Value, CultureInfo.InvariantCulture);
            var r = FromEpsg(code, vertical: false);
            if (r is null)
            {
                error = $"EPSG:{code} is not a coordinate system PodCache can transform; it knows {Supported}";
            }
            return r;
        }
        if (s is "wgs84" or "wgs 84" or "ogc:crs84" or "crs84" or "urn:ogc:def:crs:ogc:1.3:crs84")
        {
            return Wgs84;
        }
        if (s.StartsWith("geogcs[", StringComparison.Ordinal) || s.StartsWith("projcs[", StringComparison.Ordinal))
        {
            return ParseWkt(crs.Trim(), out error);
        }
        error = $"'{crs}' is not a coordinate system PodCache knows; it knows {Supported}";
        return null;
    }

    /// <summary>The CRS of an EPSG code, or null when PodCache cannot transform it.</summary>
    public static SpatialReference? FromEpsg(int code) => FromEpsg(code, vertical: false);

    private static SpatialReference? FromEpsg(int code, bool vertical)
    {
        if (code == 4326)
        {
            return vertical ? new SpatialReference("epsg:4326", "EPSG:4326", true, true, GeographicProjection.Instance) : Wgs84;
        }
        if (code is 3857 or 900913 or 102100 or 102113 or 3785)
        {
            return new SpatialReference("epsg:3857", "EPSG:3857", false, vertical, WebMercatorProjection.Instance);
        }
        if (code is >= 32601 and <= 32660 or >= 32701 and <= 32760)
        {
            bool north = code < 32700;
            int zone = code % 100;
            return new SpatialReference($"epsg:{code}", $"EPSG:{code}", false, vertical, TransverseMercatorProjection.Utm(zone, north));
        }
        return null;
    }

    private static SpatialReference? ParseProj(string s, string original, out string? error)
    {
        error = null;
        var parts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var token in s.Split(' '))
        {
            if (!token.StartsWith('+') || token.Length < 2)
            {
                error = $"'{original}': '{token}' is not a +key or +key=value PROJ parameter";
                return null;
            }
            int eq = token.IndexOf('=');
            string key = eq < 0 ? token[1..] : token[1..eq];
            parts[key] = eq < 0 ? null : token[(eq + 1)..];
        }
        bool vertical = parts.TryGetValue("vunits", out var vu) && vu == "m";
        string? datum = parts.GetValueOrDefault("datum");
        string? ellps = parts.GetValueOrDefault("ellps");
        bool wgs84 = datum is "wgs84" || (datum is null && ellps is "wgs84");
        string? proj = parts.GetValueOrDefault("proj");
        if (proj is "longlat" or "latlong" or "lonlat" or "latlon" && wgs84 && Only(parts, "proj", "datum", "ellps", "no_defs", "vunits", "type", "towgs84"))
        {
            return FromEpsg(4326, vertical);
        }
        if (proj is "utm" && wgs84 && parts.TryGetValue("zone", out var z) && int.TryParse(z, NumberStyles.None, CultureInfo.InvariantCulture, out int zone)
            && zone is >= 1 and <= 60 && parts.GetValueOrDefault("units", "m") == "m"
            && Only(parts, "proj", "zone", "south", "datum", "ellps", "units", "no_defs", "vunits", "type", "towgs84"))
        {
            return FromEpsg((parts.ContainsKey("south") ? 32700 : 32600) + zone, vertical);
        }
        if (proj is "merc" && parts.GetValueOrDefault("a") == "6378137" && parts.GetValueOrDefault("b") == "6378137"
            && Zero(parts, "lat_ts") && Zero(parts, "lon_0") && Zero(parts, "x_0") && Zero(parts, "y_0") && parts.GetValueOrDefault("k", "1") == "1"
            && Only(parts, "proj", "a", "b", "lat_ts", "lon_0", "x_0", "y_0", "k", "units", "nadgrids", "wktext", "no_defs", "vunits", "type"))
        {
            return FromEpsg(3857, vertical);
        }
        error = $"'{original}' is a PROJ string PodCache cannot transform; it knows {Supported}";
        return null;

        static bool Only(Dictionary<string, string?> p, params string[] allowed) => p.Keys.All(allowed.Contains);

        static bool Zero(Dictionary<string, string?> p, string key) =>
            !p.TryGetValue(key, out var v) || (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == 0);
    }

    private static SpatialReference? ParseWkt(string wkt, out string? error)
    {
        error = null;
        ProjNet.CoordinateSystems.CoordinateSystem cs;
        try
        {
            cs = (ProjNet.CoordinateSystems.CoordinateSystem)ProjNet.IO.CoordinateSystems.CoordinateSystemWktReader.Parse(wkt);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or NotSupportedException or NullReferenceException or IndexOutOfRangeException)
        {
            error = $"the WKT coordinate system could not be read: {ex.Message}";
            return null;
        }
        if (string.Equals(cs.Authority, "EPSG", StringComparison.OrdinalIgnoreCase) && cs.AuthorityCode > 0
            && FromEpsg((int)cs.AuthorityCode) is { } known)
        {
            return known;
        }
        try
        {
            var projection = new ProjNetProjection(cs);
            bool geographic = cs is ProjNet.CoordinateSystems.GeographicCoordinateSystem;
            string canonical = "wkt:" + string.Join(' ', cs.WKT.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
            return new SpatialReference(canonical, cs.Name is { Length: > 0 } n ? n : "WKT", geographic, false, projection);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or NotImplementedException or InvalidOperationException)
        {
            error = $"the WKT coordinate system '{cs.Name}' cannot be transformed: {ex.Message}";
            return null;
        }
    }

    /// <summary>Transforms points (x = lon/easting, y = lat/northing) from this CRS to <paramref name="to"/>, in place.</summary>
    public void TransformTo(SpatialReference to, Span<double> x, Span<double> y)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (x.Length != y.Length)
        {
            throw new ArgumentException("x and y must have the same length");
        }
        if (Canonical == to.Canonical)
        {
            return;
        }
        Projection.Inverse(x, y);
        to.Projection.Forward(x, y);
    }

    /// <inheritdoc/>
    public bool Equals(SpatialReference? other) => other is not null && other.Canonical == Canonical;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SpatialReference);

    /// <inheritdoc/>
    public override int GetHashCode() => Canonical.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Name;

    [GeneratedRegex(@"^(?:epsg:|urn:ogc:def:crs:epsg::|urn:ogc:def:crs:epsg:[0-9.]*:|http://www\.opengis\.net/def/crs/epsg/0/)(?<code>[0-9]{1,7})$")]
    private static partial Regex EpsgPattern();
}
