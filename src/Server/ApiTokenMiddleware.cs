using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PodCache.Server;

/// <summary>
/// Checks <c>Authorization: Bearer TOKEN</c> on every request (health and metrics included) when the server has an
/// API token; anything else gets 401 with a problem body.
/// </summary>
internal sealed class ApiTokenMiddleware
{
    private const string Scheme = "Bearer ";

    private readonly RequestDelegate _next;
    private readonly byte[] _expected;

    public ApiTokenMiddleware(RequestDelegate next, ServerOptions options)
    {
        _next = next;
        _expected = Digest(options.ApiToken ?? throw new ArgumentException("the server has no API token", nameof(options)));
    }

    public Task InvokeAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null
            && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            // Comparing fixed-length digests in constant time: neither the token's characters nor its length leak
            // through the time a rejection takes.
            && CryptographicOperations.FixedTimeEquals(Digest(header[Scheme.Length..].Trim()), _expected))
        {
            return _next(context);
        }
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"podcache\"";
        return ProblemResults.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized",
            header is null
                ? "this server requires an API token: send 'Authorization: Bearer TOKEN'"
                : "the API token is not valid");
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
