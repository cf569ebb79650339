using System.Diagnostics.Metrics;
using PodCache.Cache.Tiers;

namespace PodCache.Cache.Telemetry;

/// <summary>
/// PodCache's metrics, on the <see cref="Meter"/> named <see cref="MeterName"/>, for any host to export (the server
/// adds it to its Prometheus and OTLP exporters; an app of your own adds it to its meter provider, e.g.
/// <c>.AddMeter(PodCacheMetrics.MeterName)</c>):
/// <c>podcache.cache.lookups{cache,tier,result=hit|miss}</c>, <c>podcache.cache.evictions{cache,tier}</c>,
/// <c>podcache.cache.expirations{cache,tier}</c>, <c>podcache.cache.size{cache,tier}</c> (bytes),
/// <c>podcache.cache.entries{cache,tier}</c>, <c>podcache.cache.budget{cache,tier}</c> (bytes), read from every live <see cref="TieredCache"/> of the process when a
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
        Meter.CreateObservableUpDownCounter("podcache.cache.budget", () => Each(static (t, tags) => [new Measurement<long>(t.MaxBytes, tags)]),
            "By", "Each tier's byte budget.");
    }

    /// <summary>Makes <paramref name="cache"/>'s tiers visible to the meter until it is collected; its <c>cache</c> tag.</summary>
    internal static int Register(TieredCache cache)
    {
        lock (Gate)
        {
            foreach (var (number, _) in Caches.Where(c => !c.Cache.TryGetTarget(out _)).ToList()) Recent.Remove(number);
            Caches.RemoveAll(c => !c.Cache.TryGetTarget(out _));
            Caches.Add((++_made, new WeakReference<TieredCache>(cache)));
            return _made;
        }
    }

    // One collection reads every instrument, each of which would ask every tier (the disk tier reads its index):
    // statistics are taken once per cache and reused for the rest of that collection.
    private static readonly TimeSpan StatisticsReuse = TimeSpan.FromMilliseconds(250);
    private static readonly Dictionary<int, (long Taken, List<TierStatistics> Tiers)> Recent = [];

    private static List<TierStatistics> StatisticsOf(int number, TieredCache cache)
    {
        lock (Gate)
        {
            if (Recent.TryGetValue(number, out var r) && System.Diagnostics.Stopwatch.GetElapsedTime(r.Taken) < StatisticsReuse) return r.Tiers;
        }
        var tiers = new List<TierStatistics>();
        foreach (var tier in cache.Tiers)
        {
            try
            {
                tiers.Add(tier.GetStatistics());
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException
                or Microsoft.Data.Sqlite.SqliteException)
            {
                // a tier closing or failing: no figure this time, never a failed collection
            }
        }
        lock (Gate)
        {
            Recent[number] = (System.Diagnostics.Stopwatch.GetTimestamp(), tiers);
        }
        return tiers;
    }

    /// <summary>
    /// The tier statistics of <paramref name="cache"/> as the meter reports them (what <c>/metrics</c> and an OTLP
    /// collector see), read with a <see cref="MeterListener"/>: what <c>podcache cache stats</c>, the server's
    /// <c>/v1/stats</c> and a notebook's <c>Statistics()</c> show. Tiers in read order.
    /// </summary>
    public static IReadOnlyList<TierStatistics> Snapshot(TieredCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        lock (Gate)
        {
            Recent.Remove(cache.MetricsNumber); // fresh figures for an explicit snapshot
        }
        var values = new Dictionary<(string Tier, string Name), long>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, Meter) && instrument.Name.StartsWith("podcache.cache.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                int? number = null;
                string? tier = null, result = null;
                foreach (var t in tags)
                {
                    switch (t.Key)
                    {
                        case "cache": number = t.Value as int?; break;
                        case "tier": tier = t.Value as string; break;
                        case "result": result = t.Value as string; break;
                    }
                }
                if (number != cache.MetricsNumber || tier is null) return;
                lock (values)
                {
                    values[(tier, result is null ? instrument.Name : instrument.Name + "." + result)] = value;
                }
            });
            listener.Start();
            listener.RecordObservableInstruments();
        }
        long V(string tier, string name) => values.GetValueOrDefault((tier, name));
        return cache.Tiers.Select(t => t.Name).Where(name => values.Keys.Any(k => k.Tier == name))
            .Select(name => new TierStatistics(name, V(name, "podcache.cache.entries"), V(name, "podcache.cache.size"),
                V(name, "podcache.cache.budget"), V(name, "podcache.cache.lookups.hit"), V(name, "podcache.cache.lookups.miss"),
                V(name, "podcache.cache.evictions"), V(name, "podcache.cache.expirations")))
            .ToList();
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
            foreach (var stats in StatisticsOf(number, cache))
            {
                all.AddRange(measure(stats, [new("cache", number), new("tier", stats.Tier)]));
            }
        }
        return all;
    }
}
