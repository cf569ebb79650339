using System.Diagnostics;
using PodCache.Cache.Policies;

namespace PodCache.PolicySim;

/// <summary>
/// Replays a trace through one <see cref="IEvictionPolicy"/> exactly as <c>RamTier</c> drives it: a hit calls
/// <see cref="IEvictionPolicy.OnAccess"/>; a miss stores the object unless it is larger than the whole budget,
/// first evicting <see cref="IEvictionPolicy.TryPeekVictim"/> + <see cref="IEvictionPolicy.OnRemove"/> until it
/// fits, then calling <see cref="IEvictionPolicy.OnInsert"/>. An entry whose time-to-live has passed is removed
/// when it is next requested (as the tier expires lazily on lookup), and that request is a miss.
/// </summary>
internal static class PolicySimulator
{
    /// <summary>The instant the simulated clock starts at; request times are offsets from it.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SimResult Run(Trace trace, IEvictionPolicy policy, long budgetBytes)
    {
        var stopwatch = Stopwatch.StartNew();
        var objects = trace.Objects;
        var ticks = trace.Ticks;
        var sizes = trace.Sizes;
        var costs = trace.Costs;
        var keys = trace.Keys;
        var ttls = trace.TtlTicks;
        var resident = new bool[trace.ObjectCount];
        var expiresAt = ttls is null ? null : new long[trace.ObjectCount];
        long used = 0, hits = 0;
        double hitBytes = 0, requestedBytes = 0, saved = 0, total = 0;

        // The hot loop allocates nothing itself: every per-object value is an array slot and DateTimeOffset is a struct.
        for (var i = 0; i < objects.Length; i++)
        {
            var o = objects[i];
            var size = sizes[o];
            var cost = costs[o];
            var now = Epoch.AddTicks(ticks[i]);
            requestedBytes += size;
            total += cost;
            if (resident[o])
            {
                if (expiresAt is null || ticks[i] < expiresAt[o])
                {
                    hits++;
                    hitBytes += size;
                    saved += cost;
                    policy.OnAccess(keys[o], now);
                    continue;
                }
                policy.OnRemove(keys[o]);
                resident[o] = false;
                used -= size;
            }
            if (size > budgetBytes)
            {
                continue;
            }
            while (used + size > budgetBytes && policy.TryPeekVictim(out var victimKey))
            {
                policy.OnRemove(victimKey);
                var victim = ObjectKeys.IndexOf(victimKey);
                Debug.Assert(resident[victim], $"{policy.Name} named an entry that is not stored.");
                resident[victim] = false;
                used -= sizes[victim];
            }
            resident[o] = true;
            used += size;
            if (expiresAt is not null)
            {
                expiresAt[o] = ttls![o] > 0 ? ticks[i] + ttls[o] : long.MaxValue;
            }
            policy.OnInsert(keys[o], size, cost, now);
        }
        return new SimResult(policy.Name, budgetBytes, hits, objects.Length, hitBytes, requestedBytes, saved, total, stopwatch.Elapsed);
    }
}
