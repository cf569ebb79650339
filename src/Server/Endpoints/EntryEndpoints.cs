using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;

namespace PodCache.Server.Endpoints;

/// <summary>
/// <c>GET /v1/entries/KEY</c> (provenance and metadata of a cached entry) and <c>GET /v1/entries/KEY/data</c> (its
/// payload in the cache codec's encoding: the side channel members pull large results through).
/// </summary>
internal static class EntryEndpoints
{
    /// <summary>Response header: the tier that served the payload.</summary>
    public const string TierHeader = "X-PodCache-Tier";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/entries/{key}", DescribeAsync)
            .WithName("getEntry")
            .WithSummary("Provenance and metadata of a cached entry (as `podcache inspect`)")
            .WithTags("entries")
            .Answers("The entry's metadata and provenance", "application/json")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        app.MapGet("/v1/entries/{key}/data", DataAsync)
            .WithName("getEntryData")
            .WithSummary("A cached entry's payload in the cache codec's encoding (the side channel between cluster members)")
            .WithTags("entries")
            .Answers("The payload; Content-Type is the codec's", "application/octet-stream")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status406NotAcceptable);
    }

    private static async Task<IResult> DescribeAsync(HttpContext context, string key, IRunService service)
    {
        if (!TryKey(context, key, out var k, out var problem)) return problem!;
        var o = await service.DescribeEntryAsync(k, context.RequestAborted).ConfigureAwait(false);
        return o is null ? NotCached(context, k) : Results.Text(o.ToJsonString(), "application/json");
    }

    private static async Task<IResult> DataAsync(HttpContext context, string key, IRunService service, ValueCodecs codecs)
    {
        if (!TryKey(context, key, out var k, out var problem)) return problem!;
        var lookup = await service.GetEntryAsync(k, context.RequestAborted).ConfigureAwait(false);
        if (lookup is null) return NotCached(context, k);
        var codec = codecs.For(lookup.Entry.Value);
        if (codec is null)
        {
            return ProblemResults.Create(context, StatusCodes.Status406NotAcceptable, "not-serializable",
                $"entry {k} holds a {lookup.Entry.Value.GetType().Name}, which has no byte encoding");
        }
        using var ms = new MemoryStream();
        codec.Encode(lookup.Entry.Value, ms);
        context.Response.Headers[TierHeader] = lookup.Tier;
        return Results.Bytes(ms.ToArray(), codec.ContentType);
    }

    private static bool TryKey(HttpContext context, string text, out Key key, out IResult? problem)
    {
        if (Key.TryParse(text, out key))
        {
            problem = null;
            return true;
        }
        problem = ProblemResults.Invalid(context, [new ProblemError("key", "not a key: a key is 64 lowercase hex characters")]);
        return false;
    }

    private static IResult NotCached(HttpContext context, Key key) =>
        ProblemResults.Create(context, StatusCodes.Status404NotFound, "not-found", $"{key} is not cached on this server");
}
