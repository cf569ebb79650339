using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Server.Endpoints;

/// <summary>
/// <c>POST /v1/runs</c> (evaluate; answers the run manifest), <c>GET /v1/runs/RUNID</c> (the manifest) and
/// <c>GET /v1/runs/RUNID/nodes/REF?format=json|msgpack|geotiff|png</c> (any node of a run).
/// </summary>
internal static class RunEndpoints
{
    /// <summary>Response header: the status of the node served (<c>hit:ram</c>, <c>computed</c>, ...).</summary>
    public const string StatusHeader = PodCacheServer.StatusHeader;

    /// <summary>Response header: the run id.</summary>
    public const string RunIdHeader = "X-PodCache-Run";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/runs", PostRunAsync)
            .WithName("postRun")
            .WithSummary("Evaluate a pipeline at coordinates")
            .WithDescription("Answers the run manifest (as `podcache run --report` writes it): every node's status (computed, "
                + "hit:TIER, pruned), tier, seconds, bytes and key. Headers: X-PodCache-Status (the output's status), "
                + "X-PodCache-Run and Location (/v1/runs/RUNID).")
            .WithTags("runs")
            .RunRequestBody()
            .Answers("The run manifest", "application/json")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/runs/{runId}", GetRun)
            .WithName("getRun")
            .WithSummary("The manifest of a run this server answered or saved")
            .WithTags("runs")
            .Answers("The run manifest", "application/json")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        app.MapGet("/v1/runs/{runId}/nodes/{nodeRef}", GetNodeAsync)
            .WithName("getRunNode")
            .WithSummary("Any node of a run, from the cache (recomputing only its subgraph when evicted)")
            .WithDescription("format: json (conformance JSON, the default), msgpack (the cache codec), geotiff (2-D lat/lon) or "
                + "png (a heatmap). X-PodCache-Status says whether it was a hit or computed.")
            .WithTags("runs")
            .Answers("The node's value in the format asked for", "application/json", ArrayFormats.MsgPackContentType, "image/tiff", "image/png")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PostRunAsync(HttpContext context, IRunService service, ServerOptions options,
        ServerMetrics metrics, RunDeadline deadline)
    {
        var (body, problem) = await RequestBody.ReadJsonAsync(context, Math.Min(options.MaxBodyBytes, service.Limits.MaxDocumentBytes))
            .ConfigureAwait(false);
        if (problem is not null) return problem;
        if (!RunRequest.TryParse(body!, service.Limits, service.Registry, out var request, out var errors))
        {
            return ProblemResults.Invalid(context, errors);
        }
        PipelineRun run;
        try
        {
            // Server shutdown cancels a run (after a grace period); a client that goes away does not: the computation
            // may be shared with other requests through single-flight, and its result is cached for the next one.
            run = await service.RunAsync(request!.Pipeline, request.Coordinates, request.Node, deadline.Token)
                .ConfigureAwait(false);
        }
        catch (PipelineException ex)
        {
            return ProblemResults.Invalid(context, ex.Errors.Select(RunRequest.RunProblem).ToList());
        }
        metrics.RecordRun(run.Seconds, run.ComputedCount > 0);
        context.Response.Headers[RunIdHeader] = run.RunId;
        context.Response.Headers.Location = "/v1/runs/" + run.RunId;
        context.Response.Headers[StatusHeader] = run.Nodes[run.OutputRef].Status.ToString();
        return Results.Text(run.ToJsonString(), "application/json", Encoding.UTF8);
    }

    private static IResult GetRun(HttpContext context, string runId, IRunService service)
    {
        var run = FindRun(context, service, runId, out var problem);
        return run is null ? problem! : Results.Text(run.ToJsonString(), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetNodeAsync(HttpContext context, string runId, string nodeRef, string? format,
        IRunService service, RunDeadline deadline)
    {
        format ??= "json";
        if (!ArrayFormats.IsKnown(format))
        {
            return ProblemResults.Invalid(context,
                [new ProblemError("format", $"unknown format '{format}'; formats are {string.Join(", ", ArrayFormats.Names)}")]);
        }
        var run = FindRun(context, service, runId, out var problem);
        if (run is null) return problem!;
        if (!run.Nodes.ContainsKey(nodeRef))
        {
            return ProblemResults.Create(context, StatusCodes.Status404NotFound, "not-found",
                $"run {run.RunId} has no node '{nodeRef}'; its nodes are {string.Join(", ", run.Nodes.Keys)}");
        }
        PipelineRun fetched;
        try
        {
            fetched = await run.GetResultAsync(nodeRef, deadline.Token).ConfigureAwait(false);
        }
        catch (PipelineException ex)
        {
            return ProblemResults.Invalid(context, ex.Errors.Select(RunRequest.RunProblem).ToList());
        }
        (byte[] Bytes, string ContentType, string Extension) encoded;
        try
        {
            encoded = ArrayFormats.Encode(fetched.Output!, format);
        }
        catch (ArgumentException ex)
        {
            return ProblemResults.Invalid(context, [new ProblemError("format", $"cannot give '{nodeRef}' as {format}: {ex.Message}")]);
        }
        context.Response.Headers[RunIdHeader] = run.RunId;
        context.Response.Headers[StatusHeader] = fetched.Nodes[nodeRef].Status.ToString();
        if (format is "geotiff" or "msgpack")
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{run.RunId}-{Sanitize(nodeRef)}.{encoded.Extension}\"";
        }
        return Results.Bytes(encoded.Bytes, encoded.ContentType);
    }

    private static PipelineRun? FindRun(HttpContext context, IRunService service, string runId, out IResult? problem)
    {
        PipelineRun? run;
        try
        {
            run = service.FindRun(runId);
        }
        catch (PipelineException ex)
        {
            // A saved manifest that no longer parses (edited by hand, written by another version) is the server's
            // problem, not the client's.
            problem = ProblemResults.Create(context, StatusCodes.Status500InternalServerError, "damaged-run",
                $"the manifest of run {runId} cannot be read: {ex.Errors[0]}");
            return null;
        }
        problem = run is null
            ? ProblemResults.Create(context, StatusCodes.Status404NotFound, "not-found", $"no run '{runId}' on this server")
            : null;
        return run;
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
