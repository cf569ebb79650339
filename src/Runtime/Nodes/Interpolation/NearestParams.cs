namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>How PODPAC's nearest neighbour breaks an exact half-step tie (<c>ambiguous_rounding</c>).</summary>
internal enum AmbiguousRounding
{
    /// <summary><c>"-infinity"</c>, the default: the lower index.</summary>
    Down,

    /// <summary><c>"+infinity"</c>: the higher index.</summary>
    Up,

    /// <summary><c>"unbiased"</c>: the even index (numpy's <c>around</c>).</summary>
    Even,
}

/// <summary>
/// The <c>params</c> of an interpolation definition that PodCache honours: the attributes of PODPAC's
/// <c>NearestNeighbor</c> (and <c>NearestPreview</c>). The other interpolators have none of them, so PODPAC ignores
/// them there.
/// </summary>
/// <param name="SpatialTolerance">Largest lat/lon distance to the chosen source point, in coordinate units.</param>
/// <param name="TimeTolerance">Largest time distance, as a PODPAC delta (count and unit), or null for none.</param>
/// <param name="AltTolerance">Largest alt distance.</param>
/// <param name="RespectBounds">NaN outside the source's bounds; false clamps to the edge point.</param>
/// <param name="Rounding">The tie rule.</param>
/// <param name="UseSelector">False reads the whole source instead of PODPAC's selection.</param>
internal sealed record NearestParams(
    double SpatialTolerance,
    (long Count, TimeUnit Unit)? TimeTolerance,
    double AltTolerance,
    bool RespectBounds,
    AmbiguousRounding Rounding,
    bool UseSelector)
{
    /// <summary>PODPAC's defaults.</summary>
    public static NearestParams Default { get; } =
        new(double.PositiveInfinity, null, double.PositiveInfinity, true, AmbiguousRounding.Down, true);

    /// <summary>
    /// Params PODPAC's interpolators have that PodCache does not implement; naming one is an error rather than a
    /// silently different result.
    /// </summary>
    public static IReadOnlyList<string> Unimplemented { get; } =
    [
        "remove_nan", "fill_nan", "fill_value", "kwargs", "spatial_scale", "time_scale", "alt_scale",
        "other_dim_tolerance", "other_dim_scale",
    ];

    /// <summary>The names honoured here.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["spatial_tolerance", "time_tolerance", "alt_tolerance", "respect_bounds", "ambiguous_rounding", "use_selector"];
}
