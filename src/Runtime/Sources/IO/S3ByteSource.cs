using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// An S3 object read by ranged GetObject (SPEC §10). The version is the object's VersionId when the bucket is versioned
/// (reads then ask for that version), else its ETag (reads send If-Match). The SDK retries throttling and 5xx itself
/// (<c>sources.http.retries</c> times, each attempt bounded by <c>sources.http.timeout</c>).
/// </summary>
internal sealed class S3ByteSource : IByteSource
{
    private readonly IAmazonS3 _client;

    public S3ByteSource(SourceUri uri, IAmazonS3 client)
    {
        Uri = uri;
        _client = client;
    }

    public SourceUri Uri { get; }

    private string Display => Uri.Display;

    public async Task<SourceVersion> StatAsync(SourceVersion? known, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse meta;
        try
        {
            meta = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Uri.Bucket, Key = Uri.Key }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex) is { } mapped)
        {
            throw mapped;
        }
        string? versionId = meta.VersionId is { Length: > 0 } v && v != "null" ? v : null;
        string? etag = meta.ETag;
        DateTimeOffset? lastModified = meta.LastModified is { } lm ? new DateTimeOffset(DateTime.SpecifyKind(lm, DateTimeKind.Utc)) : null;
        string token = versionId is not null ? "s3version:" + versionId : "s3etag:" + etag;
        return new SourceVersion(token, meta.ContentLength, etag, lastModified, versionId);
    }

    public async Task ReadAsync(long offset, Memory<byte> buffer, SourceVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0)
        {
            return;
        }
        long last = offset + buffer.Length - 1;
        if (last >= version.Length)
        {
            throw new SourceException(SourceFailure.Changed, Display,
                $"{Display}: bytes {offset}-{last} lie past the end of the object ({version.Length} bytes)");
        }
        var request = new GetObjectRequest
        {
            BucketName = Uri.Bucket,
            Key = Uri.Key,
            ByteRange = new Amazon.S3.Model.ByteRange(offset, last),
        };
        if (version.VersionId is { } id)
        {
            request.VersionId = id;
        }
        else if (version.ETag is { } etag)
        {
            request.EtagToMatch = etag;
        }
        try
        {
            using var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.ContentLength != buffer.Length)
            {
                throw new SourceException(SourceFailure.BadResponse, Display,
                    $"{Display}: asked for {buffer.Length} bytes at {offset}, S3 answers with {response.ContentLength}");
            }
            int read = await response.ResponseStream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (read < buffer.Length)
            {
                throw new SourceException(SourceFailure.BadResponse, Display, $"{Display}: the body ended after {read} of {buffer.Length} bytes");
            }
        }
        catch (Exception ex) when (Map(ex) is { } mapped)
        {
            throw mapped;
        }
    }

    private SourceException? Map(Exception ex)
    {
        switch (ex)
        {
            case SourceException:
                return null;
            case AmazonServiceException service:
                int code = (int)service.StatusCode;
                string what = $"{Display}: S3 {code} {service.ErrorCode}".TrimEnd();
                return service.StatusCode switch
                {
                    HttpStatusCode.NotFound => new SourceException(SourceFailure.NotFound, Display, what, code, ex),
                    HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new SourceException(SourceFailure.Forbidden, Display, what, code, ex),
                    HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestedRangeNotSatisfiable =>
                        new SourceException(SourceFailure.Changed, Display, what + " (the object changed since its version was taken; run again)", code, ex),
                    _ when code == 0 => new SourceException(SourceFailure.Unreachable, Display, $"{Display}: {service.Message}", null, ex),
                    _ => new SourceException(SourceFailure.ServerError, Display, what, code, ex),
                };
            case AmazonClientException or HttpRequestException or IOException:
                return new SourceException(SourceFailure.Unreachable, Display, $"{Display}: cannot reach S3 ({ex.Message})", null, ex);
            case OperationCanceledException:
                return null;
            default:
                return null;
        }
    }
}
