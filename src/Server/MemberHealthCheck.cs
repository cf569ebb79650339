using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PodCache.Server;

/// <summary>
/// Readiness: healthy when the member is Up (a single server from start to disposal; a cluster member once it has
/// joined). <c>/healthz/ready</c> and <c>/healthz</c> answer <c>{"status": "Up"}</c>, or a 503 problem naming the
/// member's state; <c>/healthz/live</c> answers 200 while the process serves HTTP at all.
/// </summary>
internal sealed class MemberHealthCheck(IRunService service) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(service.IsReady
            ? HealthCheckResult.Healthy(service.Status)
            : HealthCheckResult.Unhealthy($"this member is {service.Status}, not Up"));

    /// <summary>Writes the readiness answer in the shape <c>/healthz</c> has always had.</summary>
    public static Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
        {
            string status = context.RequestServices.GetRequiredService<IRunService>().Status;
            return WriteJsonAsync(context, new JsonObject { ["status"] = status });
        }
        string detail = report.Entries.Values.Select(e => e.Description).FirstOrDefault(d => d is not null) ?? "this member is not Up";
        return ProblemResults.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "not-ready", detail);
    }

    /// <summary>Writes the liveness answer: <c>{"status": "alive"}</c>.</summary>
    public static Task WriteLiveAsync(HttpContext context, HealthReport report) =>
        WriteJsonAsync(context, new JsonObject { ["status"] = "alive" });

    private static Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
