using System.Diagnostics;
using PodCache.Cache.Policies;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.PolicySim;

/// <summary>
/// Replays a trace through one <see cref="IEvictionPolicy"/> exactly as <c>RamTier</c> drives it: a hit only counts a
/// read of the entry (up to <c>RamTier.MaxPendingReads</c> untold); a miss stores the object unless it is larger than
/// the whole budget, first evicting until it fits, then calling <see cref="IEvictionPolicy.OnInsert"/>. Evicting asks
/// <see cref="IEvictionPolicy.TryPeekVictim"/>; a victim with untold reads gets them instead (through
/// <see cref="IAccessHandles"/> in one batch when the policy hands out handles, else one
/// <see cref="IEvictionPolicy.OnAccess"/> per read) and the policy is asked again, at most once per entry held per
/// eviction; a victim without is removed (<see cref="IEvictionPolicy.OnRemove"/>). An entry whose time-to-live has
/// passed is removed when it is next requested (as the tier expires lazily on lookup), and that request is a miss.
/// <c>--eager-reads</c> tells the policy of every hit when it happens instead (the tier before 2026-12-04).
/// </summary>
internal static class PolicySimulator
{
    /// <summary>The instant the simulated clock starts at; request times are offsets from it.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SimResult Run(Trace trace, IEvictionPolicy policy, long budgetBytes, bool eagerReads = false)
    {
        var handles = policy as IAccessHandles;
        var stopwatch = Stopwatch.StartNew();
        var objects = trace.Objects;
        var ticks = trace.Ticks;
        var sizes = trace.Sizes;
        var costs = trace.Costs;
        var keys = trace.Keys;
        var ttls = trace.TtlTicks;
        var resident = new bool[trace.ObjectCount];
        var pending = new int[trace.ObjectCount];
        var handleOf = handles is null ? null : new object?[trace.ObjectCount];
        int residentCount = 0;
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
                    if (eagerReads)
                    {
                        policy.OnAccess(keys[o], now);
                    }
                    else if (pending[o] < RamTier.MaxPendingReads)
                    {
                        pending[o]++;
                    }
                    continue;
                }
                policy.OnRemove(keys[o]);
                resident[o] = false;
                residentCount--;
                pending[o] = 0;
                used -= size;
            }
            if (size > budgetBytes)
            {
                continue;
            }
            int chances = residentCount + 1;
            while (used + size > budgetBytes && policy.TryPeekVictim(out var victimKey))
            {
                var victim = ObjectKeys.IndexOf(victimKey);
                Debug.Assert(resident[victim], $"{policy.Name} named an entry that is not stored.");
                if (pending[victim] > 0 && chances > 0)
                {
                    chances--;
                    var reads = pending[victim];
                    pending[victim] = 0;
                    if (handleOf?[victim] is { } handle)
                    {
                        handles!.OnAccess(handle, reads, now);
                    }
                    else
                    {
                        for (var r = 0; r < reads; r++)
                        {
                            policy.OnAccess(victimKey, now);
                        }
                    }
                    continue;
                }
                policy.OnRemove(victimKey);
                resident[victim] = false;
                residentCount--;
                pending[victim] = 0;
                used -= sizes[victim];
            }
            resident[o] = true;
            residentCount++;
            used += size;
            if (expiresAt is not null)
            {
                expiresAt[o] = ttls![o] > 0 ? ticks[i] + ttls[o] : long.MaxValue;
            }
            policy.OnInsert(keys[o], size, cost, now);
            if (handleOf is not null)
            {
                handleOf[o] = handles!.HandleOf(keys[o]);
            }
        }
        return new SimResult(policy.Name, budgetBytes, hits, objects.Length, hitBytes, requestedBytes, saved, total, stopwatch.Elapsed);
    }
}
