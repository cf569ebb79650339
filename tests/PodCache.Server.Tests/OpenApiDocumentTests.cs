using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;

namespace PodCache.Server.Tests;

/// <summary>
/// <c>GET /openapi/v1.json</c> against the routes the server really maps: every route is described with its methods,
/// nothing is described that is not mapped, and the parts the handlers do not declare (the run body, health, metrics,
/// the token) are there.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static async Task<JsonObject> DocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>(path, lower-case method) of every route, as OpenAPI writes paths; the document's own route left out.</summary>
    private static HashSet<(string Path, string Method)> Routes(PodCacheApp app)
    {
        var routes = new HashSet<(string, string)>();
        foreach (var endpoint in app.Endpoints.OfType<RouteEndpoint>())
        {
            string path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            // The document's own route, and the UI's pages (not API; excluded from the description on purpose).
            if (path.StartsWith("/openapi/", StringComparison.Ordinal)) continue;
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                routes.Add((path, method.ToLowerInvariant()));
            }
        }
        return routes;
    }

    private static HashSet<(string Path, string Method)> Described(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject()
                .Where(m => m.Key is "get" or "post" or "put" or "delete" or "patch" or "head" or "options")
                .Select(m => (p.Key, m.Key)))
            .ToHashSet();

    [Fact]
    public async Task Document_DescribesExactlyTheMappedRoutes()
    {
        await using var app = await PodCacheApp.StartAsync();

        var document = await DocumentAsync(app.Client);
        var routes = Routes(app);
        var described = Described(document);

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>());
        Assert.Equal("PodCache", document["info"]!["title"]!.GetValue<string>());
        Assert.Contains(("/v1/runs", "post"), routes);
        Assert.Contains(("/healthz/live", "get"), routes);
        Assert.Empty(routes.Except(described));
        Assert.Empty(described.Except(routes));

        var ids = new List<string>();
        foreach (var (path, method) in described)
        {
            var operation = document["paths"]![path]![method]!.AsObject();
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
            Assert.NotNull(operation["responses"]?["200"]);
            ids.Add(operation["operationId"]!.GetValue<string>());
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Document_RunBodyParametersAndProblems()
    {
        await using var app = await PodCacheApp.StartAsync();

        var paths = (await DocumentAsync(app.Client))["paths"]!;

        var post = paths["/v1/runs"]!["post"]!;
        var schema = post["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal(["coordinates", "pipeline"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.NotNull(schema["properties"]!["node"]);
        foreach (var status in new[] { "400", "413", "503" })
        {
            Assert.NotNull(post["responses"]![status]!["content"]!["application/problem+json"]);
        }

        var node = paths["/v1/runs/{runId}/nodes/{nodeRef}"]!["get"]!;
        var parameters = node["parameters"]!.AsArray().Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList();
        Assert.Contains(("runId", "path"), parameters);
        Assert.Contains(("nodeRef", "path"), parameters);
        Assert.Contains(("format", "query"), parameters);
        var content = node["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key).ToList();
        Assert.Contains("image/png", content);
        Assert.Contains("image/tiff", content);
        Assert.NotNull(paths["/healthz/ready"]!["get"]!["responses"]!["503"]);
        Assert.NotNull(paths["/metrics"]!["get"]!["responses"]!["200"]!["content"]!["text/plain"]);
    }

    [Fact]
    public async Task Document_WithAnApiToken_NeedsTheToken_AndSaysEveryRouteDoes()
    {
        await using var app = await PodCacheApp.StartAsync(new ServerOptions { ApiToken = "s3cret-token" }.Validate());

        using (var anonymous = await app.Client.GetAsync("openapi/v1.json"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        app.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        var document = await DocumentAsync(app.Client);

        Assert.Equal("http", document["components"]!["securitySchemes"]!["bearer"]!["type"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["bearer"]);
        foreach (var (path, method) in Described(document))
        {
            Assert.NotNull(document["paths"]![path]![method]!["responses"]!["401"]);
        }
    }

    [Fact]
    public async Task Document_WithoutAToken_DeclaresNoSecurity()
    {
        await using var app = await PodCacheApp.StartAsync();

        var document = await DocumentAsync(app.Client);

        Assert.Null(document["security"]);
        Assert.Null(document["paths"]!["/v1/stats"]!["get"]!["responses"]!["401"]);
    }
}
