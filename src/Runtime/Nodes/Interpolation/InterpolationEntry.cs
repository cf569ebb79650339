namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>One method of an interpolation definition and the dims it covers (PODPAC's <c>config</c> entry).</summary>
/// <param name="Method">The method string.</param>
/// <param name="Interpolators">The interpolator classes tried in order.</param>
/// <param name="Params">The nearest-neighbour params.</param>
/// <param name="Dims">The dims it covers, sorted as PODPAC sorts them; null for the default entry (every other dim).</param>
internal sealed record InterpolationEntry(
    string Method,
    IReadOnlyList<InterpolatorKind> Interpolators,
    NearestParams Params,
    IReadOnlyList<string>? Dims);
