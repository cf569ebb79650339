namespace PodCache.Runtime.Nodes.Compositors;

/// <summary>
/// A compositor's <c>source_coordinates</c> (PODPAC's <c>BaseCompositor.select_sources</c>): one coordinate per source
/// along a single dim; a request evaluates only the sources whose coordinate its outer selection on that dim keeps,
/// and every source when the request lacks the dim.
/// </summary>
internal sealed class SourceCoordinates
{
    private readonly Coordinates1D _axis;

    private SourceCoordinates(Coordinates1D axis) => _axis = axis;

    /// <summary>The attr as given, or null when it is null; errors (not one dim, not one value per source) go to <paramref name="ctx"/>.</summary>
    /// <remarks>Called only when the attrs have no errors, so a set attr has parsed as coordinates.</remarks>
    public static SourceCoordinates? Read(NodeBuildContext ctx)
    {
        if (!ctx.IsSet("source_coordinates"))
        {
            return null;
        }
        // Parsed and its errors reported by the attr's type (AttrType.NullableCoordinates).
        var coords = ctx.GetCoordinates("source_coordinates");
        if (coords.Rank != 1 || coords.Axes[0] is StackedCoordinates1D)
        {
            ctx.Error("source_coordinates", $"must have exactly one dim (one coordinate per source), not {coords.Rank} ({string.Join(", ", coords.Dims)})");
            return null;
        }
        if (coords.Axes[0].Size != ctx.Slots.Count)
        {
            ctx.Error("source_coordinates", $"has {coords.Axes[0].Size} coordinates for {ctx.Slots.Count} sources; PODPAC needs one per source");
            return null;
        }
        return new SourceCoordinates(coords.Axes[0]);
    }

    /// <summary>The slots of the sources <paramref name="request"/> selects, in priority order.</summary>
    /// <exception cref="NodeEvaluationException">The request's axis cannot be compared with the source coordinates (time against numbers).</exception>
    public IReadOnlyList<string> Selected(Coordinates request, IReadOnlyList<string> slots)
    {
        if (!request.Contains(_axis.Name))
        {
            return slots;
        }
        return [.. Sources.Selection.Outer(_axis, request[_axis.Name]).Order().Select(i => slots[i])];
    }
}
