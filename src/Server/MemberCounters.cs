using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace PodCache.Server;

/// <summary>
/// What one member has done since it started: runs answered, node computations performed, node results served from
/// each tier. Lock-free; read by <c>/v1/stats</c> and the metrics.
/// </summary>
public sealed class MemberCounters
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _hits = new(StringComparer.Ordinal);
    private long _runs;
    private long _computed;

    /// <summary>Runs answered.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Node computations this member performed (a caller that joined another's computation does not count).</summary>
    public long Computed => Interlocked.Read(ref _computed);

    /// <summary>Counts a run.</summary>
    public void RecordRun() => Interlocked.Increment(ref _runs);

    /// <summary>Counts a node computation.</summary>
    public void RecordComputed() => Interlocked.Increment(ref _computed);

    /// <summary>Counts a node result served from <paramref name="tier"/>.</summary>
    public void RecordHit(string tier)
    {
        var box = _hits.GetOrAdd(tier, static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>Node results served per tier so far.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Hits() =>
        _hits.Select(kv => new KeyValuePair<string, long>(kv.Key, Interlocked.Read(ref kv.Value.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Hits per tier as a JSON object.</summary>
    public JsonObject HitsJson()
    {
        var o = new JsonObject();
        foreach (var (tier, n) in Hits()) o[tier] = n;
        return o;
    }
}
