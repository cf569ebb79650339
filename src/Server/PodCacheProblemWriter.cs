using System.Text;
using Microsoft.AspNetCore.Http;

namespace PodCache.Server;

/// <summary>
/// The <see cref="IProblemDetailsWriter"/> that <c>AddPodCacheServer</c> registers
/// ahead of ASP.NET Core's default one: every problem, PodCache's own and those ASP.NET Core writes, as
/// <c>application/problem+json</c> in the shape clients of this API rely on (<see cref="ProblemResults"/>).
/// </summary>
internal sealed class PodCacheProblemWriter : IProblemDetailsWriter
{
    /// <inheritdoc/>
    public bool CanWrite(ProblemDetailsContext context) => true;

    /// <inheritdoc/>
    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        if (context.ProblemDetails.Status is { } status)
        {
            http.Response.StatusCode = status;
        }
        http.Response.ContentType = ProblemResults.ContentType + "; charset=utf-8";
        return new ValueTask(http.Response.WriteAsync(ProblemResults.Json(http, context.ProblemDetails), Encoding.UTF8, http.RequestAborted));
    }
}
