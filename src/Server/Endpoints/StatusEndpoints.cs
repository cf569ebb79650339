using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PodCache.Server.Endpoints;

/// <summary><c>GET /v1/stats</c> (the member's counters and tiers) and <c>GET /healthz</c> (200 only when Up).</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/stats", (IRunService service) => Results.Text(service.Stats().ToJsonString(), "application/json"));
        app.MapGet("/healthz", (HttpContext context, IRunService service) => service.IsReady
            ? Results.Text(new JsonObject { ["status"] = service.Status }.ToJsonString(), "application/json")
            : ProblemResults.Create(context, StatusCodes.Status503ServiceUnavailable, "not-ready",
                $"this member is {service.Status}, not Up"));
    }
}
