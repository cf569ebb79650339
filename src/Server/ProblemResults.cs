using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

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
        Results.Text(Json(context, status, type, detail, errors), ContentType, Encoding.UTF8, status);

    /// <summary>Writes a problem straight to the response (middleware that does not go through endpoints).</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string detail) =>
        WriteAsync(context, status, type, detail, null);

    /// <summary>Writes a problem with extension members (RFC 7807 §3.2) straight to the response.</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string detail, JsonObject? extensions)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(Json(context, status, type, detail, null, extensions), context.RequestAborted);
    }

    private static string Json(HttpContext context, int status, string type, string detail, IReadOnlyList<ProblemError>? errors,
        JsonObject? extensions = null)
    {
        var o = new JsonObject
        {
            ["type"] = "urn:podcache:problem:" + type,
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = context.Request.Path.Value,
        };
        if (errors is not null)
        {
            var arr = new JsonArray();
            foreach (var e in errors)
            {
                arr.Add(new JsonObject { ["path"] = e.Path, ["message"] = e.Message });
            }
            o["errors"] = arr;
        }
        foreach (var (name, value) in extensions?.ToList() ?? [])
        {
            extensions!.Remove(name);
            o[name] = value;
        }
        return o.ToJsonString(JsonOptions);
    }

    // Problem bodies are JSON served as JSON, never embedded in HTML, so quotes and apostrophes in messages stay
    // readable instead of becoming \u0027.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Describe(ProblemError e) => e.Path.Length == 0 ? e.Message : $"{e.Path}: {e.Message}";
}
