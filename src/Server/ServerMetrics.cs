using System.Diagnostics.Metrics;

namespace PodCache.Server;

/// <summary>
/// The server's OpenTelemetry instruments (meter <see cref="MeterName"/>), exported at <c>/metrics</c> in Prometheus
/// format beside ASP.NET Core's own <c>http.server.request.duration</c>:
/// <c>podcache_runs_total</c>, <c>podcache_node_computations_total</c>, <c>podcache_cache_hits_total{tier}</c>,
/// <c>podcache_tier_lookups_total{tier,result}</c>, <c>podcache_tier_size_bytes{tier}</c>,
/// <c>podcache_tier_entries{tier}</c> and the histogram <c>podcache_run_duration_seconds</c>.
/// </summary>
/// <remarks>
/// OpenTelemetry keeps only the first instrument of a name in a process, so one process runs one server (as
/// <c>podcache serve</c> does); several in-process servers, as in tests, would export one server's numbers.
/// </remarks>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PodCache.Server";

    private readonly Meter _meter;
    private readonly Histogram<double> _runDuration;

    public ServerMetrics(IMeterFactory meterFactory, IRunService service)
    {
        _meter = meterFactory.Create(MeterName, PodCache.Cache.PodCacheVersion.Current);
        _meter.CreateObservableCounter("podcache.runs", () => service.Counters.Runs, "{run}",
            "Pipeline runs this member answered.");
        _meter.CreateObservableCounter("podcache.node.computations", () => service.Counters.Computed, "{computation}",
            "Node computations this member performed.");
        _meter.CreateObservableCounter("podcache.cache.hits",
            () => service.Counters.Hits().Select(kv => new Measurement<long>(kv.Value, Tag("tier", kv.Key))), "{hit}",
            "Node results served from a cache tier, by tier.");
        _meter.CreateObservableCounter("podcache.tier.lookups",
            () => service.TierStatistics().SelectMany(s => new[]
            {
                new Measurement<long>(s.Hits, Tag("tier", s.Tier), Tag("result", "hit")),
                new Measurement<long>(s.Misses, Tag("tier", s.Tier), Tag("result", "miss")),
            }), "{lookup}", "Lookups in each tier of this member, by result.");
        _meter.CreateObservableUpDownCounter("podcache.tier.size",
            () => service.TierStatistics().Select(s => new Measurement<long>(s.Bytes, Tag("tier", s.Tier))), "By",
            "Bytes held in each tier of this member.");
        _meter.CreateObservableUpDownCounter("podcache.tier.entries",
            () => service.TierStatistics().Select(s => new Measurement<long>(s.Entries, Tag("tier", s.Tier))), "{entry}",
            "Entries held in each tier of this member.");
        _runDuration = _meter.CreateHistogram<double>("podcache.run.duration", "s",
            "Wall-clock seconds of the runs answered over HTTP.");
    }

    /// <summary>Records one run's duration.</summary>
    public void RecordRun(double seconds, bool computedAny) =>
        _runDuration.Record(seconds, Tag("outcome", computedAny ? "computed" : "cached"));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
