namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// What PODPAC 4 knows about each interpolator class (<c>core/interpolation/*_interpolator.py</c>): its name in a
/// definition's <c>interpolators</c> list, the methods it accepts, the dims it works on, and which of those PodCache
/// implements.
/// </summary>
internal static class Interpolators
{
    /// <summary>PODPAC's <c>INTERPOLATORS</c>, the order tried when a definition lists none.</summary>
    public static IReadOnlyList<InterpolatorKind> DefaultOrder { get; } =
    [
        InterpolatorKind.None, InterpolatorKind.NearestNeighbor, InterpolatorKind.Xarray, InterpolatorKind.Rasterio,
        InterpolatorKind.ScipyPoint, InterpolatorKind.ScipyGrid, InterpolatorKind.NearestPreview,
    ];

    /// <summary>PODPAC's <c>INTERPOLATION_METHODS</c>: every method string a definition may name.</summary>
    public static IReadOnlyList<string> AllMethods { get; } =
    [
        "none", "nearest_preview", "nearest", "linear", "bilinear", "quadratic", "cubic", "cubic_spline", "lanczos",
        "average", "mode", "gauss", "max", "min", "med", "q1", "q3", "slinear", "splinef2d", "spline_2", "spline_3",
        "spline_4", "zero", "next", "previous",
    ];

    /// <summary>The methods PodCache evaluates (with at least one interpolator).</summary>
    public static IReadOnlyList<string> ImplementedMethods { get; } = ["none", "nearest_preview", "nearest", "linear", "bilinear", "cubic"];

    /// <summary>The methods PODPAC's Selector cuts the source for (<c>Selector.supported_methods</c>).</summary>
    public static bool Selects(string method) => method is "nearest" or "linear" or "bilinear" or "cubic";

    /// <summary>The class name a definition uses.</summary>
    public static string Name(InterpolatorKind kind) => kind switch
    {
        InterpolatorKind.None => "NoneInterpolator",
        InterpolatorKind.NearestNeighbor => "NearestNeighbor",
        InterpolatorKind.Xarray => "XarrayInterpolator",
        InterpolatorKind.Rasterio => "RasterioInterpolator",
        InterpolatorKind.ScipyPoint => "ScipyPoint",
        InterpolatorKind.ScipyGrid => "ScipyGrid",
        _ => "NearestPreview",
    };

    /// <summary>Every class name, for error messages.</summary>
    public static IEnumerable<string> Names => DefaultOrder.Select(Name);

    /// <summary>The kind named <paramref name="name"/> (exact, as PODPAC's dictionary lookup is).</summary>
    public static bool TryParse(string name, out InterpolatorKind kind)
    {
        foreach (var k in DefaultOrder)
        {
            if (Name(k) == name)
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>The class's <c>methods_supported</c>.</summary>
    public static IReadOnlyList<string> MethodsSupported(InterpolatorKind kind) => kind switch
    {
        InterpolatorKind.None => ["none"],
        InterpolatorKind.NearestNeighbor => ["nearest"],
        InterpolatorKind.Xarray => ["nearest", "linear", "bilinear", "quadratic", "cubic", "zero", "slinear", "next", "previous", "splinef2d"],
        InterpolatorKind.Rasterio => ["nearest", "bilinear", "cubic", "cubic_spline", "lanczos", "average", "mode", "gauss", "max", "min", "med", "q1", "q3"],
        InterpolatorKind.ScipyPoint => ["nearest"],
        InterpolatorKind.ScipyGrid => ["nearest", "bilinear", "cubic_spline", "spline_2", "spline_3", "spline_4"],
        _ => ["nearest_preview"],
    };

    /// <summary>True when PodCache evaluates <paramref name="method"/> with <paramref name="kind"/>.</summary>
    public static bool Implemented(InterpolatorKind kind, string method) => kind switch
    {
        InterpolatorKind.None => method == "none",
        InterpolatorKind.NearestNeighbor => method == "nearest",
        InterpolatorKind.NearestPreview => method == "nearest_preview",
        InterpolatorKind.Xarray => method is "nearest" or "linear" or "bilinear" or "cubic",
        InterpolatorKind.Rasterio => method is "nearest" or "bilinear",
        InterpolatorKind.ScipyGrid => method is "nearest" or "bilinear",
        // Grids never reach ScipyPoint (it takes stacked sources only); stacked sources go to StackedNearest.
        _ => method == "nearest",
    };

    /// <summary>True for the classes whose <c>dims_supported</c> is lat and lon only.</summary>
    public static bool SpatialOnly(InterpolatorKind kind) =>
        kind is InterpolatorKind.Rasterio or InterpolatorKind.ScipyPoint or InterpolatorKind.ScipyGrid;

    /// <summary>The methods' default interpolator list (<c>INTERPOLATION_METHODS_DICT</c>).</summary>
    public static IReadOnlyList<InterpolatorKind> For(string method) =>
        DefaultOrder.Where(k => MethodsSupported(k).Contains(method)).ToArray();
}
