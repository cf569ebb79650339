namespace PodCache.Runtime;

/// <summary>CRS strings: PODPAC's default, and equality of strings that name the same CRS.</summary>
public static class CrsNames
{
    /// <summary>PODPAC's default CRS string.</summary>
    public const string Default = "+proj=longlat +datum=WGS84 +no_defs +vunits=m";

    private static readonly HashSet<string> Wgs84Names = new(StringComparer.Ordinal)
    {
        "epsg:4326",
        "+proj=longlat +datum=wgs84 +no_defs +vunits=m",
        "+proj=longlat +datum=wgs84 +no_defs",
        "+proj=longlat +ellps=wgs84 +datum=wgs84 +no_defs",
        "+proj=longlat +ellps=wgs84 +datum=wgs84 +no_defs +vunits=m",
        "wgs84",
        "ogc:crs84",
        "urn:ogc:def:crs:epsg::4326",
    };

    /// <summary>A canonical spelling: equal for strings that name the same CRS.</summary>
    public static string Canonical(string? crs)
    {
        if (string.IsNullOrWhiteSpace(crs))
        {
            return "epsg:4326";
        }
        string s = string.Join(' ', crs.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return Wgs84Names.Contains(s) ? "epsg:4326" : s;
    }

    /// <summary>True when both strings name the same CRS.</summary>
    public static bool AreEquivalent(string? a, string? b) => Canonical(a) == Canonical(b);
}
