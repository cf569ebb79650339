using System.Diagnostics.Metrics;
using PodCache.Cache.Tiers;

namespace PodCache.Cache.Telemetry;

/// <summary>
/// PodCache's metrics, on the <see cref="Meter"/> named <see cref="MeterName"/>, for any host to export (the server
/// adds it to its Prometheus and OTLP exporters; an app of your own adds it to its meter provider, e.g.
/// <c>.AddMeter(PodCacheMetrics.MeterName)</c>):
/// <c>podcache.cache.lookups{cache,tier,result=hit|miss}</c>, <c>podcache.cache.evictions{cache,tier}</c>,
/// <c>podcache.cache.expirations{cache,tier}</c>, <c>podcache.cache.size{cache,tier}</c> (bytes),
/// <c>podcache.cache.entries{cache,tier}</c>, read from every live <see cref="TieredCache"/> of the process when a
/// collector asks (nothing on the hit path); and <c>podcache.source.requests{scheme}</c>,
/// <c>podcache.source.bytes{scheme}</c> (bytes fetched from remote sources), counted as they happen.
/// </summary>
/// <remarks>The <c>cache</c> tag numbers the process's caches in the order they were made (<c>1</c> for most hosts).</remarks>
public static class PodCacheMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PodCache";

    private static readonly Meter Meter = new(MeterName, PodCacheVersion.Current);
    private static readonly Lock Gate = new();
    private static readonly List<(int Number, WeakReference<TieredCache> Cache)> Caches = [];
    private static int _made;

    /// <summary>Requests sent to remote sources (a coalesced run of blocks is one), by scheme.</summary>
    public static Counter<long> SourceRequests { get; } =
        Meter.CreateCounter<long>("podcache.source.requests", "{request}", "Ranged reads sent to remote sources.");

    /// <summary>Bytes fetched from remote sources (bodies only), by scheme.</summary>
    public static Counter<long> SourceBytes { get; } =
        Meter.CreateCounter<long>("podcache.source.bytes", "By", "Bytes fetched from remote sources.");

    static PodCacheMetrics()
    {
        Meter.CreateObservableCounter("podcache.cache.lookups", () => Each(static (t, tags) =>
            [new Measurement<long>(t.Hits, [.. tags, new("result", "hit")]), new Measurement<long>(t.Misses, [.. tags, new("result", "miss")])]),
            "{lookup}", "Lookups in each tier, by result.");
        Meter.CreateObservableCounter("podcache.cache.evictions", () => Each(static (t, tags) => [new Measurement<long>(t.Evictions, tags)]),
            "{entry}", "Entries evicted from each tier.");
        Meter.CreateObservableCounter("podcache.cache.expirations", () => Each(static (t, tags) => [new Measurement<long>(t.Expirations, tags)]),
            "{entry}", "Entries dropped from each tier because they expired.");
        Meter.CreateObservableUpDownCounter("podcache.cache.size", () => Each(static (t, tags) => [new Measurement<long>(t.Bytes, tags)]),
            "By", "Bytes held in each tier.");
        Meter.CreateObservableUpDownCounter("podcache.cache.entries", () => Each(static (t, tags) => [new Measurement<long>(t.Entries, tags)]),
            "{entry}", "Entries held in each tier.");
    }

    /// <summary>Makes <paramref name="cache"/>'s tiers visible to the meter until it is collected; its <c>cache</c> tag.</summary>
    internal static int Register(TieredCache cache)
    {
        lock (Gate)
        {
            Caches.RemoveAll(c => !c.Cache.TryGetTarget(out _));
            Caches.Add((++_made, new WeakReference<TieredCache>(cache)));
            return _made;
        }
    }

    private static List<Measurement<long>> Each(Func<TierStatistics, KeyValuePair<string, object?>[], Measurement<long>[]> measure)
    {
        List<(int, TieredCache)> live = [];
        lock (Gate)
        {
            foreach (var (number, weak) in Caches)
            {
                if (weak.TryGetTarget(out var cache)) live.Add((number, cache));
            }
        }
        var all = new List<Measurement<long>>();
        foreach (var (number, cache) in live)
        {
            foreach (var tier in cache.Tiers)
            {
                TierStatistics stats;
                try
                {
                    stats = tier.GetStatistics();
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException
                    or Microsoft.Data.Sqlite.SqliteException)
                {
                    continue; // a tier closing or failing: no figure this time, never a failed collection
                }
                all.AddRange(measure(stats, [new("cache", number), new("tier", stats.Tier)]));
            }
        }
        return all;
    }
}
