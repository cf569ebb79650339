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
    /// <param name="limits">Nesting depth and document size; the defaults when null.</param>
    /// <returns>The document; null for the literal <c>null</c>.</returns>
    /// <exception cref="PipelineException">
    /// Malformed text (one problem at path <c>""</c>, with line and column), or duplicate member names (one problem
    /// per duplicate, at its JSON path, e.g. <c>pipeline.out.attrs</c>), or nesting or size beyond
    /// <paramref name="limits"/> (at the path where it was crossed).
    /// </exception>
    public static JsonNode? Parse(string text, Execution.RuntimeLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        limits ??= Execution.RuntimeLimits.Default;
        if (text.Length > limits.MaxDocumentBytes)
        {
            throw new PipelineException("", PipelineParser.DocumentTooLarge(text.Length, limits));
        }
        JsonNode? node;
        IReadOnlyList<LenientJson.JsonProblem> duplicates;
        try
        {
            node = LenientJson.Parse(text, out duplicates, limits.MaxJsonDepth);
        }
        catch (LenientJson.DepthException ex)
        {
            throw new PipelineException(ex.Path, ex.Problem);
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
