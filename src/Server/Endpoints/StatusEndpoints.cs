using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PodCache.Server.Endpoints;

/// <summary><c>GET /v1/stats</c>: the member's counters and tiers (health is ASP.NET Core health checks: <see cref="MemberHealthCheck"/>).</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/stats", (IRunService service) => Results.Text(service.Stats().ToJsonString(), "application/json"))
            .WithName("getStats")
            .WithSummary("Counters, tiers (entries, bytes, budget, hits, misses, evictions), budgets and policy; the cluster on a member")
            .WithTags("status")
            .Answers("The statistics", "application/json");
    }
}
