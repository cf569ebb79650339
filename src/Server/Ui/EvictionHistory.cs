using Microsoft.Extensions.Hosting;
using PodCache.Cache.Tiers;

namespace PodCache.Server.Ui;

/// <summary>
/// Evictions over time for the UI's cache page: every <see cref="Interval"/> the tiers' eviction counters are sampled,
/// and the last <see cref="Samples"/> samples (an hour) are kept, so the page can draw evictions per interval.
/// </summary>
internal sealed class EvictionHistory(IRunService service, TimeProvider time) : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public const int Samples = 360;

    private readonly Queue<(DateTimeOffset At, Dictionary<string, long> Evictions)> _samples = new();
    private readonly Lock _gate = new();
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Sample();
        _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Takes a sample now (the timer's work; public for tests).</summary>
    public void Sample()
    {
        IReadOnlyList<TierStatistics> tiers;
        try
        {
            tiers = service.TierStatistics();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
            return;
        }
        var evictions = tiers.ToDictionary(t => t.Tier, t => t.Evictions, StringComparer.Ordinal);
        lock (_gate)
        {
            _samples.Enqueue((time.GetUtcNow(), evictions));
            while (_samples.Count > Samples) _samples.Dequeue();
        }
    }

    /// <summary>Per tier, the evictions in each interval between consecutive samples, oldest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset At, long Evictions)>> PerInterval()
    {
        List<(DateTimeOffset At, Dictionary<string, long> Evictions)> samples;
        lock (_gate)
        {
            samples = [.. _samples];
        }
        var result = new Dictionary<string, IReadOnlyList<(DateTimeOffset, long)>>(StringComparer.Ordinal);
        foreach (var tier in samples.SelectMany(s => s.Evictions.Keys).Distinct())
        {
            var series = new List<(DateTimeOffset, long)>();
            for (int i = 1; i < samples.Count; i++)
            {
                if (samples[i].Evictions.TryGetValue(tier, out long now) && samples[i - 1].Evictions.TryGetValue(tier, out long before))
                {
                    series.Add((samples[i].At, Math.Max(0, now - before)));
                }
            }
            result[tier] = series;
        }
        return result;
    }

    public void Dispose() => _timer?.Dispose();
}
