using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Index;

/// <summary>
/// Picks which indexed entries of a byte-storing tier (disk, S3) to evict to free <c>needed</c> bytes: expired entries
/// first, then the policy's order, replaying each entry's size, cost, creation and (a bounded number of) hits into a
/// fresh policy instance.
/// </summary>
internal static class VictimSelector
{
    private const int MaxReplayedHits = 16;

    public static IReadOnlyList<IndexEntry> Choose(IReadOnlyList<IndexEntry> candidates, long needed, DateTimeOffset now,
        Func<IEvictionPolicy> policyFactory)
    {
        var victims = new List<IndexEntry>();
        var chosen = new HashSet<Key>();
        long freed = 0;
        foreach (var c in candidates)
        {
            if (c.Expires is { } e && now >= e)
            {
                victims.Add(c);
                chosen.Add(c.Key);
                freed += c.Bytes;
            }
        }
        if (freed >= needed) return victims;
        var policy = policyFactory();
        var byKey = new Dictionary<Key, IndexEntry>();
        foreach (var c in candidates.OrderBy(c => c.LastAccess))
        {
            if (chosen.Contains(c.Key)) continue;
            byKey[c.Key] = c;
            policy.OnInsert(c.Key, c.Bytes, c.ComputeSeconds, c.Created);
            for (long h = 0; h < Math.Min(c.Hits, MaxReplayedHits); h++)
            {
                policy.OnAccess(c.Key, c.LastAccess);
            }
        }
        while (freed < needed && policy.TryPeekVictim(out var k))
        {
            policy.OnRemove(k);
            var v = byKey[k];
            victims.Add(v);
            freed += v.Bytes;
        }
        return victims;
    }
}
