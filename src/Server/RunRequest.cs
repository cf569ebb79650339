using System.Text.Json.Nodes;
using PodCache.Runtime;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Server;

/// <summary>
/// The body of <c>POST /v1/runs</c>: <c>{"pipeline": {...}, "coordinates": {...}, "node": optional REF}</c>, read as
/// PODPAC JSON (bare NaN/Infinity accepted) and validated as a whole, every problem named by its JSON path in the body.
/// </summary>
/// <param name="Pipeline">The validated pipeline.</param>
/// <param name="Coordinates">The request coordinates.</param>
/// <param name="Node">The node to evaluate; the pipeline's output when null.</param>
internal sealed record RunRequest(Pipeline Pipeline, Coordinates Coordinates, string? Node)
{
    private const string Shape = "a run request is {\"pipeline\": {...}, \"coordinates\": {...}, \"node\": optional ref}";

    /// <summary>Parses and validates <paramref name="body"/>; on failure <paramref name="errors"/> lists every problem.</summary>
    public static bool TryParse(string body, out RunRequest? request, out IReadOnlyList<ProblemError> errors) =>
        TryParse(body, null, out request, out errors);

    /// <summary>Parses and validates <paramref name="body"/> under <paramref name="limits"/> (the defaults when null).</summary>
    public static bool TryParse(string body, PodCache.Runtime.Execution.RuntimeLimits? limits, out RunRequest? request, out IReadOnlyList<ProblemError> errors) =>
        TryParse(body, limits, null, out request, out errors);

    /// <summary>Parses and validates <paramref name="body"/>, its pipeline with <paramref name="registry"/> (the built-in one when null).</summary>
    public static bool TryParse(string body, PodCache.Runtime.Execution.RuntimeLimits? limits, PodCache.Runtime.Nodes.NodeRegistry? registry,
        out RunRequest? request, out IReadOnlyList<ProblemError> errors)
    {
        request = null;
        var found = new List<ProblemError>();
        errors = found;
        JsonNode? root;
        try
        {
            root = PodpacJson.Parse(body, limits);
        }
        catch (PipelineException ex)
        {
            found.AddRange(ex.Errors.Select(e => new ProblemError(e.Path, e.Message)));
            return false;
        }
        if (root is not JsonObject obj)
        {
            found.Add(new ProblemError("", "the body must be a JSON object: " + Shape));
            return false;
        }
        foreach (var (name, _) in obj)
        {
            if (name is not ("pipeline" or "coordinates" or "node"))
            {
                found.Add(new ProblemError(name, "unknown key; " + Shape));
            }
        }

        Pipeline? pipeline = null;
        switch (obj["pipeline"])
        {
            case null:
                found.Add(new ProblemError("pipeline", "missing: " + Shape));
                break;
            case JsonObject p:
                obj.Remove("pipeline");
                try
                {
                    pipeline = Pipeline.FromJson(p, registry, limits);
                }
                catch (PipelineException ex)
                {
                    found.AddRange(ex.Errors.Select(e => new ProblemError(PipelinePath(e.Path), e.Message)));
                }
                break;
            default:
                found.Add(new ProblemError("pipeline", "must be a PODPAC pipeline: an object of node definitions"));
                break;
        }

        Coordinates? coordinates = null;
        if (obj["coordinates"] is null)
        {
            found.Add(new ProblemError("coordinates", "missing: " + Shape));
        }
        else
        {
            try
            {
                coordinates = Coordinates.FromJson(obj["coordinates"], limits);
            }
            catch (PipelineException ex)
            {
                found.AddRange(ex.Errors.Select(e => new ProblemError(Under("coordinates", e.Path), e.Message)));
            }
        }

        string? node = null;
        switch (obj["node"])
        {
            case null:
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                node = s;
                if (pipeline is not null && !pipeline.Contains(s))
                {
                    found.Add(new ProblemError("node",
                        $"the pipeline has no node '{s}'; its nodes are {string.Join(", ", pipeline.Nodes.Select(n => n.Ref))}"));
                }
                break;
            default:
                found.Add(new ProblemError("node", "must be the ref of a node of the pipeline (a string)"));
                break;
        }

        if (found.Count > 0)
        {
            return false;
        }
        request = new RunRequest(pipeline!, coordinates!, node);
        return true;
    }

    /// <summary>
    /// Where a problem of the pipeline is in the request body: its path is a JSON path into the pipeline as written
    /// (<c>out.attrs.eqn</c>), which the body holds under <c>pipeline</c> (<c>pipeline.out.attrs.eqn</c>).
    /// </summary>
    public static string PipelinePath(string path) => Under("pipeline", path);

    /// <summary>
    /// A problem found while running (not parsing) as the body names it: one in the pipeline document
    /// (<see cref="ErrorDocument.Pipeline"/>) under <c>pipeline</c>, any other at its path as given.
    /// </summary>
    public static ProblemError RunProblem(PipelineError error) =>
        new(error.Document == ErrorDocument.Pipeline ? PipelinePath(error.Path) : error.Path, error.Message);

    private static string Under(string prefix, string path) =>
        path.Length == 0 ? prefix : path[0] == '[' ? prefix + path : prefix + "." + path;
}
