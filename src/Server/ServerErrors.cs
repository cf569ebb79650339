using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PodCache.Cluster;

namespace PodCache.Server;

/// <summary>
/// Turns what the endpoints did not answer into problem details: unmatched routes and methods (404, 405, via the
/// status-code pages), a run cancelled by shutdown (503), and anything unexpected (500, logged, no stack trace sent).
/// </summary>
internal static class ServerErrors
{
    public static async Task CatchAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone; there is no one to answer.
        }
        catch (OperationCanceledException) when (context.RequestServices.GetRequiredService<RunDeadline>().Token.IsCancellationRequested)
        {
            if (!context.Response.HasStarted)
            {
                await ProblemResults.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "shutting-down",
                    "the server is shutting down; the run was cancelled").ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException ex)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Connection = "close";
                await ProblemResults.WriteAsync(context, ex.StatusCode,
                    ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload-too-large" : "bad-request", ex.Message).ConfigureAwait(false);
            }
        }
        catch (ClusterUnavailableException ex)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "1";
                await ProblemResults.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "cluster-unavailable", ex.Message)
                    .ConfigureAwait(false);
            }
        }
        catch (PodCache.Cluster.ClusterComputeException ex)
        {
            if (!context.Response.HasStarted)
            {
                // Another member failed to produce a node this run needs (its message says which and why).
                await ProblemResults.WriteAsync(context, StatusCodes.Status502BadGateway, "owner-failed", ex.Message).ConfigureAwait(false);
            }
        }
        catch (RunNotAdmittedException ex)
        {
            if (!context.Response.HasStarted)
            {
                // Over the in-flight budget now: retry soon. Larger than the whole budget: retrying cannot help.
                if (!ex.TooLarge) context.Response.Headers.RetryAfter = "1";
                await ProblemResults.WriteAsync(context,
                    ex.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status503ServiceUnavailable,
                    ex.TooLarge ? "run-too-large" : "over-budget", ex.Message,
                    new System.Text.Json.Nodes.JsonObject
                    {
                        ["estimatedBytes"] = ex.Estimate.Bytes,
                        ["estimatedCells"] = ex.Estimate.Cells,
                        ["estimatedNodes"] = ex.Estimate.Nodes,
                        ["inFlightBytes"] = ex.InFlightBytes,
                        ["maxInFlightBytes"] = ex.MaxInFlightBytes,
                    }).ConfigureAwait(false);
            }
        }
        catch (TimeoutException ex)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "1";
                await ProblemResults.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "owner-timeout", ex.Message).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The last line of defence: every failure becomes a problem response, never a dropped connection.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PodCache.Server")
                .LogError(ex, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ProblemResults.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal-error",
                    $"the server failed to answer: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    public static Task StatusCodePageAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        int code = context.Response.StatusCode;
        string detail = code switch
        {
            StatusCodes.Status404NotFound => $"no resource at {context.Request.Path}",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}",
            _ => $"the request failed with status {code}",
        };
        string type = ProblemResults.DefaultType(code);
        return ProblemResults.WriteAsync(context, code, type, detail);
    }
}
