using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PodCache.Cache.Telemetry;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Tests.Telemetry;

/// <summary>A run's source counters also count, process-wide, in the library meter, by scheme.</summary>
public sealed class SourceMetricsTests
{
    [Fact]
    public void AddFetched_CountsARequestAndItsBytes_UnderTheSourcesScheme()
    {
        var seen = new ConcurrentQueue<(string Name, long Value, string? Scheme)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PodCacheMetrics.MeterName && instrument.Name.StartsWith("podcache.source.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? scheme = null;
            foreach (var t in tags) if (t.Key == "scheme") scheme = t.Value as string;
            seen.Enqueue((instrument.Name, value, scheme));
        });
        listener.Start();

        var activity = new SourceActivity();
        activity.For(SourceUri.Parse("http://127.0.0.1:9/data/dem.tif")).AddFetched(3, 5000);
        activity.For(SourceUri.Parse("s3://bucket/key.tif")).AddFetched(1, 700);

        Assert.Contains(("podcache.source.requests", 1L, "http"), seen);
        Assert.Contains(("podcache.source.bytes", 5000L, "http"), seen);
        Assert.Contains(("podcache.source.bytes", 700L, "s3"), seen);
        Assert.Equal(5700, activity.BytesFetched);
    }
}
