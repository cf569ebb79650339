namespace PodCache.Runtime;

/// <summary>CRS strings: PODPAC's default, and equality of strings that name the same CRS.</summary>
public static class CrsNames
{
    /// <summary>PODPAC's default CRS string.</summary>
    public const string Default = "+proj=longlat +datum=WGS84 +no_defs +vunits=m";

    /// <summary>
    /// A canonical spelling: equal for strings that name the same CRS (<see cref="SpatialReference.Canonical"/>, e.g.
    /// <c>epsg:32618</c> for <c>EPSG:32618</c>, <c>+proj=utm +zone=18 +datum=WGS84</c> and its WKT). A string PodCache
    /// cannot parse is kept, lower-cased with its whitespace collapsed: two such strings are equal only as text.
    /// </summary>
    public static string Canonical(string? crs)
    {
        if (SpatialReference.TryParse(crs, out var r, out _))
        {
            return r.Canonical;
        }
        return string.Join(' ', crs!.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>True when both strings name the same CRS.</summary>
    public static bool AreEquivalent(string? a, string? b) => Canonical(a) == Canonical(b);
}
