using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Telemetry;

namespace PodCache.Cache.Tests.Telemetry;

/// <summary>The library meter read by a <see cref="MeterListener"/>, as an exporter reads it.</summary>
public sealed class PodCacheMetricsTests
{
    private sealed record Seen(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags);

    private static List<Seen> Collect(Action? during = null)
    {
        var seen = new ConcurrentQueue<Seen>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PodCacheMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Enqueue(new Seen(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        during?.Invoke();
        listener.RecordObservableInstruments();
        return [.. seen];
    }

    [Fact]
    public async Task Cache_LookupsSizeAndEntries_PerTier_ReadWhenCollected()
    {
        var cache = TieredCache.InMemory(1 << 20);
        await cache.PutAsync(Key.Hash("a"), new BinaryValue("x/y", new byte[1000]));
        Assert.NotNull(await cache.GetAsync(Key.Hash("a")));
        Assert.Null(await cache.GetAsync(Key.Hash("missing")));

        var ours = Collect().Where(s => Equals(s.Tags.GetValueOrDefault("cache"), cache.MetricsNumber)).ToList();

        long Of(string name, string? result = null) => Assert.Single(ours, s => s.Instrument == name && Equals(s.Tags["tier"], "ram")
            && (result is null || Equals(s.Tags["result"], result))).Value;
        Assert.Equal(1, Of("podcache.cache.lookups", "hit"));
        Assert.Equal(1, Of("podcache.cache.lookups", "miss"));
        Assert.Equal(1, Of("podcache.cache.entries"));
        Assert.InRange(Of("podcache.cache.size"), 1000, 2000);
        Assert.Equal(0, Of("podcache.cache.evictions"));
        GC.KeepAlive(cache);
    }

    [Fact]
    public void Cache_Collected_NoLongerReported()
    {
        int number = MakeAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.DoesNotContain(Collect(), s => Equals(s.Tags.GetValueOrDefault("cache"), number));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int MakeAndDrop() => TieredCache.InMemory(1 << 20).MetricsNumber;

    [Fact]
    public void SourceCounters_AreCountedAsRequestsHappen()
    {
        var seen = Collect(() =>
        {
            PodCacheMetrics.SourceRequests.Add(1, new KeyValuePair<string, object?>("scheme", "test-scheme"));
            PodCacheMetrics.SourceBytes.Add(4096, new KeyValuePair<string, object?>("scheme", "test-scheme"));
        });

        Assert.Contains(seen, s => s.Instrument == "podcache.source.requests" && s.Value == 1 && Equals(s.Tags["scheme"], "test-scheme"));
        Assert.Contains(seen, s => s.Instrument == "podcache.source.bytes" && s.Value == 4096 && Equals(s.Tags["scheme"], "test-scheme"));
    }

    [Fact]
    public async Task Snapshot_IsWhatTheTiersSay_AndOnlyThisCaches()
    {
        var cache = TieredCache.InMemory(1 << 20);
        var other = TieredCache.InMemory(1 << 10);
        await cache.PutAsync(Key.Hash("a"), new BinaryValue("x/y", new byte[300]));
        await cache.GetAsync(Key.Hash("a"));
        await cache.GetAsync(Key.Hash("b"));
        await other.PutAsync(Key.Hash("z"), new BinaryValue("x/y", new byte[10]));

        var snapshot = PodCacheMetrics.Snapshot(cache);

        Assert.Equal(cache.Tiers.Select(t => t.GetStatistics()), snapshot);
        Assert.Equal(1 << 20, Assert.Single(snapshot).MaxBytes);
        Assert.Equal(1 << 10, Assert.Single(PodCacheMetrics.Snapshot(other)).MaxBytes);
        GC.KeepAlive(other);
    }
}
