using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PodCache.Server;

/// <summary>Reads a JSON request body as text, enforcing the size limit (413) and the media type (415).</summary>
internal static class RequestBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body text, or the problem to answer instead.</summary>
    public static async Task<(string? Text, IResult? Problem)> ReadJsonAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentType is { } ct && !IsJson(ct))
        {
            return (null, ProblemResults.Create(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                $"the body must be JSON (Content-Type application/json), not '{ct}'"));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(context, maxBytes));
        }
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                int n = await request.Body.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
                if (n == 0) break;
                buffer.Advance(n);
                // Chunked bodies have no Content-Length: stop reading as soon as the limit is passed.
                if (buffer.WrittenCount > maxBytes)
                {
                    return (null, TooLarge(context, maxBytes));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(context, maxBytes));
        }
        try
        {
            return (StrictUtf8.GetString(buffer.WrittenSpan), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ProblemResults.Invalid(context, [new ProblemError("", "the body is not valid UTF-8")]));
        }
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mt)
        && mt.MediaType.Value is { } v
        && (v.Equals("application/json", StringComparison.OrdinalIgnoreCase) || v.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static IResult TooLarge(HttpContext context, long maxBytes)
    {
        // The rest of the body is never read, so the connection cannot carry another request: say so, or a client
        // reusing it would see its next request cut off.
        context.Response.Headers.Connection = "close";
        return ProblemResults.Create(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large",
            $"the body is larger than the server's limit of {maxBytes} bytes (podcache serve --max-body-bytes)");
    }
}
