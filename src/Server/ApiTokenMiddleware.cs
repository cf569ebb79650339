using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PodCache.Server;

/// <summary>
/// Checks <c>Authorization: Bearer TOKEN</c> on every request (health and metrics included) when the server has an
/// API token; anything else gets 401 with a problem body. A browser, which cannot add the header, signs in on
/// <c>/ui/login</c> (the one route open without the token): the token is kept in an HttpOnly, SameSite=Strict cookie
/// that this middleware accepts as well, and a page of the UI asked for without it redirects there.
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

    /// <summary>The cookie a browser signed in on <c>/ui/login</c> carries the token in.</summary>
    public const string CookieName = "podcache_token";

    /// <summary>Whether <paramref name="token"/> is the server's, compared in constant time.</summary>
    public bool Matches(string token) => Matches(_expected, token);

    /// <summary>Whether <paramref name="token"/> is <paramref name="options"/>' API token (false when it has none).</summary>
    public static bool Matches(ServerOptions options, string token) =>
        options.ApiToken is { } expected && Matches(Digest(expected), token);

    // Comparing fixed-length digests in constant time: neither the token's characters nor its length leak through the
    // time a rejection takes.
    private static bool Matches(byte[] expected, string token) => CryptographicOperations.FixedTimeEquals(Digest(token.Trim()), expected);

    public Task InvokeAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null
            && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && Matches(header[Scheme.Length..]))
        {
            return _next(context);
        }
        if (header is null && context.Request.Cookies[CookieName] is { } cookie && Matches(cookie))
        {
            return _next(context);
        }
        var path = context.Request.Path;
        if (path == Ui.UiEndpoints.LoginPath)
        {
            return _next(context);
        }
        if (header is null && HttpMethods.IsGet(context.Request.Method) && (path == "/" || path.StartsWithSegments("/ui")))
        {
            context.Response.Redirect(Ui.UiEndpoints.LoginPath + "?next=" + Uri.EscapeDataString(path + context.Request.QueryString));
            return Task.CompletedTask;
        }
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"podcache\"";
        return ProblemResults.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized",
            header is null
                ? "this server requires an API token: send 'Authorization: Bearer TOKEN'"
                : "the API token is not valid");
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
