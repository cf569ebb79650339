using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers.S3;

namespace PodCache.Cache.Coordination;

/// <summary>
/// Lease objects <c>prefix/leases/KEY</c> in the S3 tier's bucket. A lease is taken with a conditional create
/// (<c>If-None-Match: *</c>), renewed and taken over with a conditional overwrite (<c>If-Match: ETAG</c> of the version
/// seen), and released with a conditional delete, so two workers never both believe they hold one. The body is JSON:
/// <c>{"holder", "host", "pid", "start", "expires"}</c> (expiry in Unix milliseconds of the holder's clock).
/// </summary>
internal sealed class S3LeaseStore
{
    private readonly S3Tier _tier;
    private readonly TimeProvider _time;

    public S3LeaseStore(S3Tier tier, TimeProvider time, string holderId)
    {
        _tier = tier;
        _time = time;
        HolderId = holderId;
    }

    public string HolderId { get; }

    /// <summary>A lease as read from S3.</summary>
    public sealed record Lease(string Holder, string Host, int Pid, long Start, DateTimeOffset Expires, string ETag);

    public enum Outcome
    {
        /// <summary>This holder has the lease.</summary>
        Acquired,

        /// <summary>Another holder has it (or took it first).</summary>
        Held,

        /// <summary>S3 failed: coordinate without it.</summary>
        Unavailable,
    }

    /// <summary>
    /// Creates the lease (<paramref name="ifMatch"/> null) or overwrites the version <paramref name="ifMatch"/>
    /// (a takeover or renewal). Returns the new ETag when acquired.
    /// </summary>
    public async Task<(Outcome Outcome, string? ETag)> TryWriteAsync(Key key, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!_tier.Health.ShouldTry())
        {
            return (Outcome.Unavailable, null);
        }
        var body = new JsonObject
        {
            ["holder"] = HolderId,
            ["host"] = Environment.MachineName,
            ["pid"] = ProcessIdentity.Current.Pid,
            ["start"] = ProcessIdentity.Current.StartTicks,
            ["expires"] = (_time.GetUtcNow() + _tier.Options.LeaseTtl).ToUnixTimeMilliseconds(),
        };
        var request = new PutObjectRequest
        {
            BucketName = _tier.Bucket,
            Key = _tier.LeaseObjectKey(key),
            ContentBody = body.ToJsonString(),
            ContentType = "application/json",
        };
        if (ifMatch is null)
        {
            request.IfNoneMatch = "*";
        }
        else
        {
            request.IfMatch = ifMatch;
        }
        try
        {
            var response = await _tier.Client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            _tier.Health.Success();
            return (Outcome.Acquired, response.ETag);
        }
        catch (Exception ex) when (S3Health.IsPreconditionFailed(ex) || (ifMatch is not null && S3Health.IsNotFound(ex)))
        {
            // 412: someone holds it (or changed the version we meant to replace); 404 on a replace: the version we
            // meant to replace was released meanwhile.
            return (Outcome.Held, null);
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken) || S3Health.IsNotFound(ex))
        {
            _tier.Health.Failure("lease", ex);
            return (Outcome.Unavailable, null);
        }
    }

    /// <summary>The current lease; null when there is none. Throws nothing but cancellation: S3 failing reads as <paramref name="failed"/>.</summary>
    public async Task<Lease?> ReadAsync(Key key, Action failed, CancellationToken cancellationToken)
    {
        if (!_tier.Health.ShouldTry())
        {
            failed();
            return null;
        }
        try
        {
            using var response = await _tier.Client.GetObjectAsync(_tier.Bucket, _tier.LeaseObjectKey(key), cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            string text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            _tier.Health.Success();
            return Parse(text, response.ETag, response.LastModified);
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            _tier.Health.Failure("lease", ex);
            failed();
            return null;
        }
    }

    /// <summary>Deletes the lease if it is still the version <paramref name="etag"/>.</summary>
    public async Task ReleaseAsync(Key key, string etag)
    {
        try
        {
            using var cts = new CancellationTokenSource(_tier.Options.Timeout * (_tier.Options.MaxErrorRetry + 1));
            await _tier.Client.DeleteObjectAsync(new DeleteObjectRequest
            {
                BucketName = _tier.Bucket,
                Key = _tier.LeaseObjectKey(key),
                IfMatch = etag,
            }, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Health.IsPreconditionFailed(ex) || S3Health.IsNotFound(ex))
        {
            // Taken over (we were thought dead) or already gone: nothing of ours to delete.
        }
        catch (Exception ex) when (S3Health.IsFault(ex, CancellationToken.None))
        {
            // Left behind, it expires after one TTL; gc deletes it later.
            _tier.Health.Failure("lease release", ex);
        }
    }

    private Lease Parse(string text, string etag, DateTime? lastModified)
    {
        try
        {
            var o = JsonNode.Parse(text) as JsonObject;
            if (o?["holder"]?.GetValue<string>() is { } holder && o["expires"]?.GetValue<long>() is { } expires)
            {
                return new Lease(holder, o["host"]?.GetValue<string>() ?? "", o["pid"]?.GetValue<int>() ?? 0,
                    o["start"]?.GetValue<long>() ?? 0, DateTimeOffset.FromUnixTimeMilliseconds(expires), etag);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
        }
        // Not written by PodCache: it lives one TTL from its last write, like ours.
        var written = lastModified is { } lm ? S3Health.Utc(lm) : _time.GetUtcNow();
        return new Lease("", "", 0, 0, written + _tier.Options.LeaseTtl, etag);
    }
}
