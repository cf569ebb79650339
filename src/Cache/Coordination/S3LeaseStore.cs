using System.Text;
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
/// <c>{"holder", "host", "pid", "start", "created", "expires"}</c> (times in Unix milliseconds of the holder's clock).
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
    public sealed record Lease(string Holder, string Host, int Pid, long Start, DateTimeOffset Expires, string ETag)
    {
        /// <summary>False for a body that is not a believable PodCache lease (its expiry is then one TTL after its last write).</summary>
        public bool Valid { get; init; }
    }

    /// <summary>The largest lease body read; a PodCache lease is about 200 bytes.</summary>
    internal const int MaxLeaseBytes = 4096;

    // Holders' clocks may run a little ahead of ours; a lease claiming more than this beyond the largest TTL is not believed.
    private const long ClockSkewMs = 60_000;
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            ["created"] = _time.GetUtcNow().ToUnixTimeMilliseconds(),
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

    /// <summary>
    /// The current lease; null when there is none. Throws nothing but cancellation: S3 failing reads as
    /// <paramref name="failed"/>. The object is untrusted (any client of the bucket may write it): a body over
    /// <see cref="MaxLeaseBytes"/> is not read, and one that is not a well-formed PodCache lease with a believable expiry
    /// counts as a lease one TTL from its last write (<see cref="Lease.Valid"/> false), so it is taken over then.
    /// </summary>
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
            string? text = null;
            if (response.ContentLength is >= 0 and <= MaxLeaseBytes)
            {
                // The breaker bounds the wait for headers; this bounds a body that stalls after them.
                using var body = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                body.CancelAfter(_tier.Options.Timeout);
                var buffer = new byte[MaxLeaseBytes + 1];
                int filled = 0, n;
                while (filled < buffer.Length && (n = await response.ResponseStream.ReadAsync(buffer.AsMemory(filled), body.Token).ConfigureAwait(false)) > 0)
                {
                    filled += n;
                }
                text = filled <= MaxLeaseBytes ? DecodeUtf8(buffer.AsSpan(0, filled)) : null;
            }
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

    /// <summary>
    /// A lease from its body (null: not readable), or one TTL from <paramref name="lastModified"/> when the body is not a
    /// valid lease: a wrong or missing field, an expiry outside what a <see cref="DateTimeOffset"/> holds, further ahead
    /// than <see cref="S3TierOptions.MaxLeaseTtl"/> from now, or further than that from its own creation time.
    /// </summary>
    internal Lease Parse(string? text, string etag, DateTime? lastModified)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long maxTtl = (long)S3TierOptions.MaxLeaseTtl.TotalMilliseconds;
        if (text is not null && TryRead(text, out var holder, out var host, out int pid, out long start, out long created, out long expires)
            && expires <= now + maxTtl + ClockSkewMs
            && (created == long.MinValue || (created <= now + ClockSkewMs && expires > created && expires - created <= maxTtl)))
        {
            return new Lease(holder, host, pid, start, DateTimeOffset.FromUnixTimeMilliseconds(expires), etag) { Valid = true };
        }
        // Not a lease PodCache wrote, or one whose expiry cannot be believed: it lives one TTL from its last write, like ours.
        var written = lastModified is { } lm && lm > DateTime.MinValue.AddDays(1) && lm < DateTime.MaxValue.AddDays(-1) ? S3Health.Utc(lm) : _time.GetUtcNow();
        var writtenCapped = written > _time.GetUtcNow() ? _time.GetUtcNow() : written;
        return new Lease("", "", 0, 0, writtenCapped + _tier.Options.LeaseTtl, etag) { Valid = false };
    }

    private static bool TryRead(string text, out string holder, out string host, out int pid, out long start, out long created, out long expires)
    {
        holder = host = "";
        pid = 0;
        start = 0;
        created = long.MinValue;
        expires = 0;
        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) is not JsonObject o)
            {
                return false;
            }
            if (!TryString(o["holder"], out holder) || holder.Length == 0 || !TryLong(o["expires"], out expires)
                || expires < MinUnixMs || expires > MaxUnixMs)
            {
                return false;
            }
            if (o["host"] is { } h && !TryString(h, out host))
            {
                return false;
            }
            if (o["pid"] is { } p)
            {
                if (!TryLong(p, out long pl) || pl is < 0 or > int.MaxValue)
                {
                    return false;
                }
                pid = (int)pl;
            }
            if (o["start"] is { } st && !(TryLong(st, out start) && start >= 0))
            {
                return false;
            }
            if (o["created"] is { } c && !(TryLong(c, out created) && created >= MinUnixMs && created <= MaxUnixMs))
            {
                return false;
            }
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            // ArgumentException: a duplicate property, found when the object is first read.
            return false;
        }
    }

    private static bool TryString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: <= 512 } s && !s.Any(char.IsControl))
        {
            value = s;
            return true;
        }
        return false;
    }

    private static bool TryLong(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
