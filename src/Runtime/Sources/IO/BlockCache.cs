using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// Fetched byte blocks as cache entries (SPEC §10): key = H(JCS({"block": identity, "version": token, "range": [offset,
/// length]})), stored in the cache's tiers under its budgets, policy and single-flight, so no process on the machine —
/// nor another machine sharing the S3 tier — fetches a block twice. Missing blocks close together in the object (gaps of
/// at most <see cref="MaxGapBytes"/>) are fetched in one ranged read, with at most <see cref="MaxReadsInFlight"/> reads
/// in flight. A cached block whose length is not its range's is deleted and fetched again; a failed or short fetch
/// stores nothing.
/// </summary>
public sealed class BlockCache
{
    private const string ContentType = "application/vnd.podcache.block";
    private readonly SemaphoreSlim _reads;

    /// <summary>Creates the block cache over <paramref name="cache"/>.</summary>
    public BlockCache(IMemoCache cache, int maxReadsInFlight = 8, int maxCoalescedBytes = 16 << 20, int maxGapBytes = 1024)
    {
        Cache = cache ?? throw new ArgumentNullException(nameof(cache));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReadsInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCoalescedBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxGapBytes);
        MaxReadsInFlight = maxReadsInFlight;
        MaxCoalescedBytes = maxCoalescedBytes;
        MaxGapBytes = maxGapBytes;
        _reads = new SemaphoreSlim(maxReadsInFlight, maxReadsInFlight);
    }

    /// <summary>The cache blocks live in.</summary>
    public IMemoCache Cache { get; }

    /// <summary>Ranged reads in flight at most (across every caller of this instance).</summary>
    public int MaxReadsInFlight { get; }

    /// <summary>The most bytes one coalesced read asks for.</summary>
    public int MaxCoalescedBytes { get; }

    /// <summary>The widest gap between two missing blocks still fetched in one read (the gap's bytes are read and dropped).</summary>
    public int MaxGapBytes { get; }

    /// <summary>The cache key of one block.</summary>
    public static Key BlockKey(SourceUri uri, SourceVersion version, ByteRange range)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(version);
        return CanonicalJson.Hash(new JsonObject
        {
            ["block"] = uri.Identity,
            ["version"] = version.Token,
            ["range"] = new JsonArray(range.Offset, range.Length),
        });
    }

    /// <summary>
    /// The bytes of each of <paramref name="ranges"/> (in order), from the cache or fetched from
    /// <paramref name="source"/> at <paramref name="version"/>. Files are read directly, never cached as blocks.
    /// </summary>
    /// <exception cref="SourceException">A fetch failed; nothing partial was stored.</exception>
    public async Task<ReadOnlyMemory<byte>[]> ReadAsync(IByteSource source, SourceVersion version, IReadOnlyList<ByteRange> ranges,
        SourceActivity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var r in ranges)
        {
            if (r.Offset < 0 || r.Length < 1 || r.End > version.Length)
            {
                throw new SourceException(SourceFailure.Changed, source.Uri.Display,
                    $"{source.Uri.Display}: bytes {r.Offset}-{r.End - 1} lie outside the object ({version.Length} bytes)");
            }
        }
        var result = new ReadOnlyMemory<byte>[ranges.Count];
        if (!source.Uri.IsRemote)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, ranges.Count),
                new ParallelOptions { MaxDegreeOfParallelism = MaxReadsInFlight, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var bytes = new byte[ranges[i].Length];
                    await source.ReadAsync(ranges[i].Offset, bytes, version, ct).ConfigureAwait(false);
                    result[i] = bytes;
                }).ConfigureAwait(false);
            return result;
        }
        var counters = activity?.For(source.Uri);
        // One block per distinct range; the same range asked twice is fetched once.
        var distinct = ranges.Distinct().OrderBy(r => r.Offset).ThenBy(r => r.Length).ToArray();
        var groups = Coalesce(distinct);
        var groupOf = new Dictionary<ByteRange, Group>();
        foreach (var g in groups)
        {
            foreach (var r in g.Ranges)
            {
                groupOf[r] = g;
            }
        }
        var bytesOf = new System.Collections.Concurrent.ConcurrentDictionary<ByteRange, ReadOnlyMemory<byte>>();
        await Task.WhenAll(distinct.Select(async range =>
        {
            bytesOf[range] = await BlockAsync(source, version, range, groupOf[range], counters, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        for (int i = 0; i < ranges.Count; i++)
        {
            result[i] = bytesOf[ranges[i]];
        }
        return result;
    }

    private async Task<ReadOnlyMemory<byte>> BlockAsync(IByteSource source, SourceVersion version, ByteRange range, Group group,
        SourceActivity.Counters? counters, CancellationToken ct)
    {
        var key = BlockKey(source.Uri, version, range);
        var options = new EntryOptions
        {
            ProvenanceFactory = () => $"block {source.Uri.Display} bytes {range.Offset}-{range.End - 1} at {version.Token}",
        };
        for (int attempt = 0; ; attempt++)
        {
            bool fetched = false;
            var outcome = await Cache.GetOrComputeAsync<BinaryValue>(key, async _ =>
            {
                fetched = true;
                var all = await group.FetchAsync(this, source, version, counters, ct).ConfigureAwait(false);
                return new BinaryValue(ContentType, all.Slice((int)(range.Offset - group.Start), range.Length));
            }, options, ct).ConfigureAwait(false);
            var bytes = outcome.Value.Bytes;
            if (bytes.Length == range.Length && outcome.Value.ContentType == ContentType)
            {
                if (!fetched)
                {
                    counters?.AddCached(bytes.Length);
                }
                return bytes;
            }
            // Not what this key must hold (a damaged or foreign entry): drop it and fetch once more.
            await Cache.DeleteAsync(key, ct).ConfigureAwait(false);
            if (attempt > 0)
            {
                throw new SourceException(SourceFailure.BadResponse, source.Uri.Display,
                    $"{source.Uri.Display}: the cached block of bytes {range.Offset}-{range.End - 1} has {bytes.Length} bytes, not {range.Length}");
            }
        }
    }

    private const string ObjectType = "application/vnd.podcache.object";
    private const string AbsentType = "application/vnd.podcache.absent";

    /// <summary>
    /// The whole of a small object of a store (a Zarr chunk or metadata file), as of the store's version
    /// <paramref name="storeToken"/>: cached under H(JCS({"block": identity, "version": storeToken, "range": "object"})),
    /// fetched once (a stat, then a read of that version) when missing. An object the source does not have is remembered
    /// as absent under the same key and answered as null. Local files are read directly.
    /// </summary>
    /// <exception cref="SourceException">The fetch failed, or the object is larger than <paramref name="maxBytes"/>.</exception>
    public async Task<byte[]?> ReadObjectAsync(IByteSource source, string storeToken, SourceActivity? activity, long maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(storeToken);
        if (!source.Uri.IsRemote)
        {
            return await FetchObjectAsync(source, null, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        var counters = activity?.For(source.Uri);
        var key = CanonicalJson.Hash(new JsonObject { ["block"] = source.Uri.Identity, ["version"] = storeToken, ["range"] = "object" });
        bool fetched = false;
        var outcome = await Cache.GetOrComputeAsync<BinaryValue>(key, async ct =>
        {
            fetched = true;
            var bytes = await FetchObjectAsync(source, counters, maxBytes, ct).ConfigureAwait(false);
            return bytes is null ? new BinaryValue(AbsentType, ReadOnlyMemory<byte>.Empty) : new BinaryValue(ObjectType, bytes);
        }, new EntryOptions { ProvenanceFactory = () => $"object {source.Uri.Display} of store version {storeToken}" }, cancellationToken)
            .ConfigureAwait(false);
        if (outcome.Value.ContentType is not (ObjectType or AbsentType))
        {
            await Cache.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            throw new SourceException(SourceFailure.BadResponse, source.Uri.Display, $"{source.Uri.Display}: the cached entry is not an object; run again");
        }
        if (!fetched)
        {
            counters?.AddCached(outcome.Value.Bytes.Length);
        }
        return outcome.Value.ContentType == AbsentType ? null : outcome.Value.Bytes.ToArray();
    }

    internal static async Task<byte[]?> FetchObjectAsync(IByteSource source, SourceActivity.Counters? counters, long maxBytes, CancellationToken ct)
    {
        SourceVersion version;
        try
        {
            version = await source.StatAsync(null, ct).ConfigureAwait(false);
        }
        catch (SourceException ex) when (ex.Failure == SourceFailure.NotFound)
        {
            return null;
        }
        if (version.Length > maxBytes)
        {
            throw new SourceException(SourceFailure.BadResponse, source.Uri.Display,
                $"{source.Uri.Display} is {version.Length:N0} bytes, more than the {maxBytes:N0} a store object may have");
        }
        var buffer = new byte[version.Length];
        if (buffer.Length > 0)
        {
            await source.ReadAsync(0, buffer, version, ct).ConfigureAwait(false);
        }
        counters?.AddFetched(1, buffer.Length);
        return buffer;
    }

    /// <summary>How many of <paramref name="ranges"/> are cached and how many bytes a read would fetch (for plans).</summary>
    public async Task<SourceReadPlan> ProbeAsync(SourceUri uri, SourceVersion version, IReadOnlyList<ByteRange> ranges,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(ranges);
        int cached = 0, missing = 0;
        long cachedBytes = 0, missingBytes = 0;
        foreach (var range in ranges.Distinct())
        {
            if (uri.IsRemote && await Cache.ProbeAsync(BlockKey(uri, version, range), cancellationToken).ConfigureAwait(false) is not null)
            {
                cached++;
                cachedBytes += range.Length;
            }
            else
            {
                missing++;
                missingBytes += range.Length;
            }
        }
        return new SourceReadPlan(uri.Display, cached, cachedBytes, missing, missingBytes);
    }

    private List<Group> Coalesce(ByteRange[] sorted)
    {
        var groups = new List<Group>();
        Group? current = null;
        foreach (var r in sorted)
        {
            if (current is not null && r.Offset <= current.End + MaxGapBytes && Math.Max(current.End, r.End) - current.Start <= MaxCoalescedBytes)
            {
                current.Add(r);
            }
            else
            {
                current = new Group(r);
                groups.Add(current);
            }
        }
        return groups;
    }

    /// <summary>Blocks fetched by one ranged read, started by the first of them the cache asks for.</summary>
    private sealed class Group
    {
        private readonly List<ByteRange> _ranges = [];
        private Task<ReadOnlyMemory<byte>>? _fetch;

        public Group(ByteRange first)
        {
            Start = first.Offset;
            End = first.End;
            _ranges.Add(first);
        }

        public long Start { get; }

        public long End { get; private set; }

        public IReadOnlyList<ByteRange> Ranges => _ranges;

        public void Add(ByteRange r)
        {
            _ranges.Add(r);
            End = Math.Max(End, r.End);
        }

        public Task<ReadOnlyMemory<byte>> FetchAsync(BlockCache owner, IByteSource source, SourceVersion version, SourceActivity.Counters? counters,
            CancellationToken ct)
        {
            lock (_ranges)
            {
                return _fetch ??= Run(owner, source, version, counters, ct);
            }
        }

        private async Task<ReadOnlyMemory<byte>> Run(BlockCache owner, IByteSource source, SourceVersion version, SourceActivity.Counters? counters,
            CancellationToken ct)
        {
            await owner._reads.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var buffer = new byte[End - Start];
                await source.ReadAsync(Start, buffer, version, ct).ConfigureAwait(false);
                counters?.AddFetched(_ranges.Count, buffer.Length);
                return buffer;
            }
            finally
            {
                owner._reads.Release();
            }
        }
    }
}

/// <summary>What reading a node's source for one request would do: blocks cached and blocks to fetch, and their bytes.</summary>
/// <param name="Url">The source, as displayed.</param>
/// <param name="BlocksCached">Blocks the cache holds.</param>
/// <param name="BytesCached">Their bytes.</param>
/// <param name="BlocksToFetch">Blocks a run would fetch.</param>
/// <param name="BytesToFetch">Their bytes.</param>
public sealed record SourceReadPlan(string Url, int BlocksCached, long BytesCached, int BlocksToFetch, long BytesToFetch);
