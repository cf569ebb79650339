using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace PodCache.Server;

/// <summary>
/// The OpenAPI document of the HTTP API (<c>GET /openapi/v1.json</c>, OpenAPI 3.1, made by ASP.NET Core from the
/// endpoints): what each endpoint's annotations do not say — the title and version, the health and metrics routes
/// (not minimal-API handlers, so not described by ASP.NET Core), the run request's body, and the bearer token when the
/// server has one. The document is served under the same API token as every other route.
/// </summary>
internal static class ApiDocument
{
    public const string Name = "v1";
    public const string Route = "/openapi/{documentName}.json";
    public const string ProblemContentType = ProblemResults.ContentType;
    private const string BearerScheme = "bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
        options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "PodCache",
                Version = PodCache.Cache.PodCacheVersion.Current,
                Description = "Evaluates PODPAC pipelines with memoized, tiered caching; serves any node of a run and the cache's "
                    + "entries. Errors are RFC 9457 problem details (application/problem+json) with a urn:podcache:problem:* type.",
            };
            document.Paths ??= [];
            AddHealth(document.Paths, "/healthz", "Readiness (same as /healthz/ready)", ready: true);
            AddHealth(document.Paths, "/healthz/ready", "Readiness: 200 while the member is up, else a 503 problem naming its state", ready: true);
            AddHealth(document.Paths, "/healthz/live", "Liveness: 200 whenever the process answers HTTP", ready: false);
            document.Paths["/metrics"] = Get("getMetrics", "Prometheus metrics (OpenTelemetry): runs, hits and misses, HTTP server",
                new OpenApiResponses { ["200"] = Response("Metrics in the Prometheus text format", "text/plain") });
            if (context.ApplicationServices.GetRequiredService<ServerOptions>().ApiToken is not null)
            {
                RequireBearer(document);
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>The run request (<c>POST /v1/runs</c>): read by the handler itself, so described here.</summary>
    public static RouteHandlerBuilder RunRequestBody(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A PODPAC pipeline (the JSON PODPAC writes; bare NaN accepted), the coordinates to evaluate it at, "
                    + "and optionally the node whose value is the run's output (default: the pipeline's output node).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { "pipeline", "coordinates" },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["pipeline"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "PODPAC pipeline definition" },
                                ["coordinates"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "PODPAC coordinates definition" },
                                ["node"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "a node ref of the pipeline" },
                            },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>
    /// The 200 answer in <paramref name="contentTypes"/> (ASP.NET Core drops content types given without a CLR type, and
    /// these handlers write text and bytes, not types).
    /// </summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder builder, string description, params string[] contentTypes) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = description,
                Content = contentTypes.ToDictionary(c => c, c => new OpenApiMediaType
                {
                    Schema = c == "application/json"
                        ? new OpenApiSchema { Type = JsonSchemaType.Object }
                        : new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = c },
                }),
            };
            return Task.CompletedTask;
        });

    /// <summary>Problem answers (<c>application/problem+json</c>) with the given statuses.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (int status in statuses)
        {
            builder.ProducesProblem(status, ProblemContentType);
        }
        return builder;
    }

    private static void AddHealth(OpenApiPaths paths, string path, string summary, bool ready)
    {
        var responses = new OpenApiResponses { ["200"] = Response("Healthy: {\"status\": ...}", "application/json") };
        if (ready)
        {
            responses["503"] = Response("Not ready: a problem naming the member's state", ProblemContentType);
        }
        paths[path] = Get("get" + string.Concat(path.Split('/').Select(Capitalize)), summary, responses);
    }

    private static string Capitalize(string part) => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..];

    private static OpenApiPathItem Get(string operationId, string summary, OpenApiResponses responses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new() { OperationId = operationId, Summary = summary, Responses = responses },
        },
    };

    private static OpenApiResponse Response(string description, string contentType) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() },
    };

    private static void RequireBearer(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The server's API token: Authorization: Bearer TOKEN, on every route (health and metrics included).",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        foreach (var item in document.Paths.Values)
        {
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                operation.Responses ??= [];
                operation.Responses["401"] = Response("Missing or invalid API token", ProblemContentType);
            }
        }
    }
}
