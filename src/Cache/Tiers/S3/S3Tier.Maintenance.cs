using System.Globalization;
using Amazon.S3.Model;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tiers.S3;

/// <summary>Listing-based upkeep of the S3 tier: reconciliation of usage, garbage collection, clearing.</summary>
public sealed partial class S3Tier
{
    /// <summary>The index setting that records when the tier was last reconciled (ISO-8601).</summary>
    public const string ReconciledAtSetting = "s3.reconciledAt";

    /// <summary>
    /// Makes this machine's accounting of the prefix match the bucket: lists every entry object, accounts the ones
    /// other workers wrote (their created, expiry and cost come from object metadata), drops rows whose object is gone,
    /// and evicts by the tier's policy if the prefix is over budget. Null when S3 failed (the failure is counted).
    /// </summary>
    public async Task<S3ReconcileResult?> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        if (!Health.ShouldTry())
        {
            return null;
        }
        // Rows taken before listing: a ready row whose object the listing lacks was deleted by someone; rows that
        // become ready during the listing are left alone.
        var before = _index.Entries(Name).Where(r => r.Ready).ToDictionary(r => r.Key);
        Dictionary<Key, S3Object> listed;
        try
        {
            listed = await ListEntriesAsync(cancellationToken).ConfigureAwait(false);
            Health.Success();
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("list", ex);
            return null;
        }
        var unknown = listed.Values.Where(o => !before.TryGetValue(KeyOf(o), out var row) || row.Bytes != (o.Size ?? 0)).ToList();
        int added = 0;
        await Parallel.ForEachAsync(unknown, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (o, token) =>
            {
                if (await DescribeAsync(o, token).ConfigureAwait(false) is { } row)
                {
                    _index.Upsert(row);
                    Interlocked.Increment(ref added);
                }
            }).ConfigureAwait(false);
        int removed = 0;
        foreach (var row in before.Values)
        {
            if (!listed.ContainsKey(row.Key) && _index.Remove(row.Key, Name))
            {
                removed++;
            }
        }
        var victims = _index.TrimToBudget(Name, _options.MaxBytes, ChooseVictims);
        await DeleteVictimsAsync(victims, cancellationToken).ConfigureAwait(false);
        _index.SetSetting(ReconciledAtSetting, _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return new S3ReconcileResult(listed.Count, listed.Values.Sum(o => o.Size ?? 0), added, removed, victims.Count);
    }

    /// <summary>
    /// <c>podcache cache gc</c> for S3: reconciles, then deletes every expired entry object, aborts multipart uploads
    /// older than <paramref name="staleUploadAge"/> (default one day: their writers died) and deletes lease objects
    /// not renewed for ten lease lifetimes. Null when S3 failed.
    /// </summary>
    public async Task<S3CollectResult?> CollectGarbageAsync(TimeSpan? staleUploadAge = null, CancellationToken cancellationToken = default)
    {
        if (await ReconcileAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        int expired = 0;
        foreach (var row in _index.Entries(Name))
        {
            if (row.Ready && row.Expires is { } e && now >= e
                && await TryDeleteObjectAsync(ObjectKey(row.Key), cancellationToken).ConfigureAwait(false))
            {
                _index.Remove(row.Key, Name);
                expired++;
            }
        }
        Interlocked.Add(ref _expirations, expired);
        Health.Count("s3.expired", expired);
        int aborted = 0, leases = 0;
        try
        {
            aborted = await AbortStaleUploadsAsync(now - (staleUploadAge ?? TimeSpan.FromDays(1)), cancellationToken).ConfigureAwait(false);
            leases = await DeleteStaleLeasesAsync(now - 10 * _options.LeaseTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("gc", ex);
        }
        return new S3CollectResult(expired, aborted, leases);
    }

    /// <summary>Deletes every entry object under the prefix (leases are left to their holders); returns how many.</summary>
    /// <remarks>The bucket is shared: this empties the cache for every worker that uses the prefix.</remarks>
    public async Task<int> ClearAsync(CancellationToken cancellationToken = default)
    {
        var listed = await ListEntriesAsync(cancellationToken).ConfigureAwait(false);
        int n = 0;
        foreach (var chunk in listed.Keys.Chunk(1000))
        {
            var response = await Client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = Bucket,
                Objects = chunk.Select(k => new KeyVersion { Key = ObjectKey(k) }).ToList(),
            }, cancellationToken).ConfigureAwait(false);
            n += response.DeletedObjects?.Count ?? 0;
        }
        foreach (var row in _index.Entries(Name))
        {
            _index.Remove(row.Key, Name);
        }
        return n;
    }

    private Key KeyOf(S3Object o) => Key.Parse(o.Key[^64..]);

    /// <summary>Entry objects under the prefix (<c>prefix/ab/cd/KEY</c>; anything else, such as leases, is skipped).</summary>
    private async Task<Dictionary<Key, S3Object>> ListEntriesAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<Key, S3Object>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.Prefix };
        while (true)
        {
            var page = await Client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            // SDK v4 gives null, not an empty list, for an empty page.
            foreach (var o in page.S3Objects ?? [])
            {
                if (TryParseEntryKey(o.Key, out var key))
                {
                    found[key] = o;
                }
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                return found;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private bool TryParseEntryKey(string objectKey, out Key key)
    {
        key = default;
        var rest = objectKey.AsSpan(_options.Prefix.Length);
        return rest.Length == 70 && rest[2] == '/' && rest[5] == '/'
            && Key.TryParse(rest[6..].ToString(), out key)
            && rest[..2].SequenceEqual(rest.Slice(6, 2)) && rest.Slice(3, 2).SequenceEqual(rest.Slice(8, 2));
    }

    /// <summary>An index row for an object another worker wrote, from its metadata; null when it is gone or S3 fails.</summary>
    private async Task<IndexEntry?> DescribeAsync(S3Object o, CancellationToken cancellationToken)
    {
        var modified = o.LastModified is { } lm ? S3Health.Utc(lm) : _time.GetUtcNow();
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = o.Key },
                cancellationToken).ConfigureAwait(false);
            var (created, expires, cost) = ReadMetadata(head.Metadata);
            return new IndexEntry(KeyOf(o), Name, o.Size ?? 0, created ?? modified, expires, cost, 0, modified, true);
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("head", ex);
            return null;
        }
    }

    private async Task<int> AbortStaleUploadsAsync(DateTimeOffset initiatedBefore, CancellationToken cancellationToken)
    {
        int n = 0;
        var request = new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = _options.Prefix };
        while (true)
        {
            var page = await Client.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var u in page.MultipartUploads ?? [])
            {
                if (u.Initiated is { } at && S3Health.Utc(at) < initiatedBefore)
                {
                    await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                    {
                        BucketName = Bucket,
                        Key = u.Key,
                        UploadId = u.UploadId,
                    }, cancellationToken).ConfigureAwait(false);
                    n++;
                }
            }
            if (page.IsTruncated != true)
            {
                return n;
            }
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    private async Task<int> DeleteStaleLeasesAsync(DateTimeOffset modifiedBefore, CancellationToken cancellationToken)
    {
        int n = 0;
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.Prefix + "leases/" };
        while (true)
        {
            var page = await Client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                if (o.LastModified is { } lm && S3Health.Utc(lm) < modifiedBefore)
                {
                    try
                    {
                        // Only the version seen: a holder that renewed it meanwhile keeps it.
                        await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = o.Key, IfMatch = o.ETag },
                            cancellationToken).ConfigureAwait(false);
                        n++;
                    }
                    catch (Exception ex) when (S3Health.IsPreconditionFailed(ex) || S3Health.IsNotFound(ex))
                    {
                    }
                }
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                return n;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }
}
