using PodCache.Cache;
using PodCache.Cache.Keys;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// Fetched byte blocks as cache entries (SPEC §10): key = H(JCS({"block": URL, "version": token, "range": [offset,
/// length]})), stored in the cache's tiers under its budgets, policy and single-flight, so no process on the machine —
/// nor another machine sharing the S3 tier — fetches a block twice. Missing blocks that are adjacent in the object are
/// fetched in one ranged read (never bytes between them), with a bounded number of reads in flight.
/// </summary>
public sealed class BlockCache
{
    /// <summary>Creates the block cache over <paramref name="cache"/>.</summary>
    public BlockCache(IMemoCache cache, int maxReadsInFlight = 8, int maxCoalescedBytes = 16 << 20)
    {
        Cache = cache ?? throw new ArgumentNullException(nameof(cache));
        MaxReadsInFlight = maxReadsInFlight;
        MaxCoalescedBytes = maxCoalescedBytes;
    }

    /// <summary>The cache blocks live in.</summary>
    public IMemoCache Cache { get; }

    internal int MaxReadsInFlight { get; }

    internal int MaxCoalescedBytes { get; }

    /// <summary>The cache key of one block.</summary>
    public static Key BlockKey(SourceUri uri, SourceVersion version, ByteRange range)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(version);
        throw new NotImplementedException("issue 13: cog helper");
    }

    /// <summary>
    /// The bytes of each of <paramref name="ranges"/> (in order), from the cache or fetched from
    /// <paramref name="source"/> at <paramref name="version"/>. Files are read directly, never cached as blocks.
    /// </summary>
    /// <exception cref="SourceException">A fetch failed; nothing partial was stored.</exception>
    public Task<ReadOnlyMemory<byte>[]> ReadAsync(IByteSource source, SourceVersion version, IReadOnlyList<ByteRange> ranges,
        SourceActivity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        throw new NotImplementedException("issue 13: cog helper");
    }

    /// <summary>How many of <paramref name="ranges"/> are cached and how many bytes a read would fetch (for plans).</summary>
    public Task<SourceReadPlan> ProbeAsync(SourceUri uri, SourceVersion version, IReadOnlyList<ByteRange> ranges,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        throw new NotImplementedException("issue 13: cog helper");
    }
}

/// <summary>What reading a node's source for one request would do: blocks cached and blocks to fetch, and their bytes.</summary>
/// <param name="Url">The source, as displayed.</param>
/// <param name="BlocksCached">Blocks the cache holds.</param>
/// <param name="BytesCached">Their bytes.</param>
/// <param name="BlocksToFetch">Blocks a run would fetch.</param>
/// <param name="BytesToFetch">Their bytes.</param>
public sealed record SourceReadPlan(string Url, int BlocksCached, long BytesCached, int BlocksToFetch, long BytesToFetch);
