using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace PodCache.Server;

/// <summary>
/// RFC 7807 problem details, the body of every error response: <c>type</c>, <c>title</c>, <c>status</c>,
/// <c>detail</c>, <c>instance</c>, and for invalid input <c>errors: [{path, message}]</c>.
/// </summary>
internal static class ProblemResults
{
    public const string ContentType = "application/problem+json";

    /// <summary>400: the request is invalid; every problem with its path.</summary>
    public static IResult Invalid(HttpContext context, IReadOnlyList<ProblemError> errors)
    {
        string detail = errors.Count switch
        {
            1 => Describe(errors[0]),
            _ => $"{errors.Count} problems: " + string.Join("; ", errors.Select(Describe)),
        };
        return Create(context, StatusCodes.Status400BadRequest, "invalid-request", detail, errors);
    }

    /// <summary>A problem with <paramref name="status"/>; <paramref name="type"/> names its kind (<c>not-found</c>).</summary>
    public static IResult Create(HttpContext context, int status, string type, string detail, IReadOnlyList<ProblemError>? errors = null) =>
        TypedResults.Problem(Details(context, status, type, detail, errors, null));

    /// <summary>Writes a problem straight to the response (middleware that does not go through endpoints).</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string detail) =>
        WriteAsync(context, status, type, detail, null);

    /// <summary>
    /// Writes a problem with extension members (RFC 7807 §3.2) straight to the response, through the application's
    /// <see cref="IProblemDetailsService"/> (<see cref="PodCacheProblemWriter"/> writes it).
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string detail, JsonObject? extensions)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = Details(context, status, type, detail, null, extensions),
        }).AsTask();
    }

    /// <summary>The problem's members: <c>type</c> as <c>urn:podcache:problem:TYPE</c>, then <c>errors</c> and the extensions, in order.</summary>
    private static ProblemDetails Details(HttpContext context, int status, string type, string detail, IReadOnlyList<ProblemError>? errors,
        JsonObject? extensions)
    {
        var problem = new ProblemDetails
        {
            Type = TypePrefix + type,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Status = status,
            Detail = detail,
            Instance = context.Request.Path.Value,
        };
        if (errors is not null)
        {
            var arr = new JsonArray();
            foreach (var e in errors)
            {
                arr.Add(new JsonObject { ["path"] = e.Path, ["message"] = e.Message });
            }
            problem.Extensions["errors"] = arr;
        }
        foreach (var (name, value) in extensions?.ToList() ?? [])
        {
            extensions!.Remove(name);
            problem.Extensions[name] = value;
        }
        return problem;
    }

    /// <summary>What every PodCache problem type starts with.</summary>
    public const string TypePrefix = "urn:podcache:problem:";

    /// <summary>The problem as PodCache has always written it (members in RFC 7807's order, then the extensions).</summary>
    internal static string Json(HttpContext context, ProblemDetails problem)
    {
        int status = problem.Status ?? context.Response.StatusCode;
        var o = new JsonObject
        {
            // A problem ASP.NET Core writes itself (a request it could not bind, say) gets a PodCache type too.
            ["type"] = problem.Type is { } t && t.StartsWith(TypePrefix, StringComparison.Ordinal) ? t : TypePrefix + DefaultType(status),
            ["title"] = problem.Title ?? ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = problem.Detail ?? $"the request failed with status {status}",
            ["instance"] = problem.Instance ?? context.Request.Path.Value,
        };
        foreach (var (name, value) in problem.Extensions)
        {
            o[name] = value switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value, value.GetType(), JsonOptions),
            };
        }
        return o.ToJsonString(JsonOptions);
    }

    /// <summary>The type of a problem by its status alone (also what unmatched routes and methods answer).</summary>
    internal static string DefaultType(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        _ => "http-" + status,
    };

    // Problem bodies are JSON served as JSON, never embedded in HTML, so quotes and apostrophes in messages stay
    // readable instead of becoming \u0027.
    internal static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Describe(ProblemError e) => e.Path.Length == 0 ? e.Message : $"{e.Path}: {e.Message}";
}
