using System.Collections.Concurrent;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// What one run read from its sources, per source (<see cref="SourceUri.Display"/>): blocks served from the cache,
/// blocks and bytes fetched, requests sent. Thread-safe; shown in the run summary and manifest.
/// </summary>
public sealed class SourceActivity
{
    private readonly ConcurrentDictionary<string, Counters> _bySource = new(StringComparer.Ordinal);

    /// <summary>Per-source counters, by display URL.</summary>
    public IReadOnlyDictionary<string, Counters> BySource => _bySource;

    /// <summary>The counters of <paramref name="uri"/>.</summary>
    public Counters For(SourceUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return _bySource.GetOrAdd(uri.Display, static (_, scheme) => new Counters(scheme), uri.Scheme);
    }

    /// <summary>Total bytes fetched from every source.</summary>
    public long BytesFetched => _bySource.Values.Sum(c => c.BytesFetched);

    /// <summary>One source's counters.</summary>
    public sealed class Counters
    {
        private readonly KeyValuePair<string, object?> _scheme;

        /// <summary>Counters of a source of <paramref name="scheme"/> (the tag of the process-wide metrics).</summary>
        public Counters(SourceScheme scheme = SourceScheme.Http) =>
            _scheme = new("scheme", scheme.ToString().ToLowerInvariant());

        private long _blocksCached, _bytesCached, _blocksFetched, _bytesFetched, _requests;

        /// <summary>Blocks answered by the cache.</summary>
        public long BlocksCached => Volatile.Read(ref _blocksCached);

        /// <summary>Bytes of those blocks.</summary>
        public long BytesCached => Volatile.Read(ref _bytesCached);

        /// <summary>Blocks fetched from the source.</summary>
        public long BlocksFetched => Volatile.Read(ref _blocksFetched);

        /// <summary>Bytes fetched from the source (bodies only).</summary>
        public long BytesFetched => Volatile.Read(ref _bytesFetched);

        /// <summary>Ranged reads sent (a coalesced run of blocks is one).</summary>
        public long Requests => Volatile.Read(ref _requests);

        /// <summary>Counts a block served from the cache.</summary>
        public void AddCached(long bytes)
        {
            Interlocked.Increment(ref _blocksCached);
            Interlocked.Add(ref _bytesCached, bytes);
        }

        /// <summary>Counts blocks fetched by one request.</summary>
        public void AddFetched(int blocks, long bytes)
        {
            Interlocked.Add(ref _blocksFetched, blocks);
            Interlocked.Add(ref _bytesFetched, bytes);
            Interlocked.Increment(ref _requests);
            PodCache.Cache.Telemetry.PodCacheMetrics.SourceRequests.Add(1, _scheme);
            PodCache.Cache.Telemetry.PodCacheMetrics.SourceBytes.Add(bytes, _scheme);
        }
    }
}
