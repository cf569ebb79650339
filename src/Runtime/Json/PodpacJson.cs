using System.Text.Json.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Json;

/// <summary>
/// Parses JSON as PODPAC writes it — standard JSON plus bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> — for
/// documents that wrap a pipeline or coordinates (an HTTP request body, say) and are then handed to
/// <see cref="Pipeline.FromJson"/> and <see cref="Coordinates.FromJson"/>. Numbers come out as the pipeline parser
/// reads them from files, so keys do not depend on how the JSON arrived.
/// </summary>
public static class PodpacJson
{
    /// <summary>Parses a whole document.</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The document; null for the literal <c>null</c>.</returns>
    /// <exception cref="PipelineException">
    /// Malformed text (one problem at path <c>""</c>, with line and column), or duplicate member names (one problem
    /// per duplicate, at its JSON path, e.g. <c>pipeline.out.attrs</c>).
    /// </exception>
    public static JsonNode? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonNode? node;
        IReadOnlyList<LenientJson.JsonProblem> duplicates;
        try
        {
            node = LenientJson.Parse(text, out duplicates);
        }
        catch (LenientJson.SyntaxException ex)
        {
            throw new PipelineException("", "malformed JSON: " + ex.Message);
        }
        if (duplicates.Count > 0)
        {
            throw new PipelineException(duplicates.Select(d => new PipelineError(d.Path, d.Message)).ToArray());
        }
        return node;
    }
}
