using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

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
    public static SourceCoordinates? Read(NodeBuildContext ctx)
    {
        if (!ctx.IsSet("source_coordinates"))
        {
            return null;
        }
        JsonNode? value = ctx.Attrs["source_coordinates"];
        // PODPAC also takes coordinates as a JSON string (Coordinates.from_json).
        if (JsonNumbers.TryGetString(value, out var text))
        {
            try
            {
                value = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException ex)
            {
                ctx.Error("source_coordinates", $"is a string that is not coordinates JSON: {ex.Message}");
                return null;
            }
        }
        var sink = new ErrorSink();
        var coords = CoordinatesJson.Read(value, "", sink);
        foreach (var e in sink.Errors)
        {
            ctx.ErrorAt(e.Path.Length == 0 ? "attrs.source_coordinates" : $"attrs.source_coordinates.{e.Path}", e.Message);
        }
        if (coords is null)
        {
            return null;
        }
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
