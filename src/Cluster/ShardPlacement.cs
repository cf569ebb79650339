using System.Globalization;
using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>Where keys live: a key's shard is its first 16 bits (4 hex characters) modulo the shard count.</summary>
internal static class ShardPlacement
{
    /// <summary>The shard of <paramref name="key"/>.</summary>
    public static int ShardOf(Key key, int shardCount) => key.Prefix16 % shardCount;

    /// <summary>The shard id string sharding uses.</summary>
    public static string ShardId(int shard) => shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a shard id; -1 when it is not one of ours.</summary>
    public static int ParseShardId(string? id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int shard) ? shard : -1;

    /// <summary>Entity id of the entity that answers <see cref="Messages.ShardPing"/> for a shard.</summary>
    public static string PingEntityId(int shard) => "ping-" + ShardId(shard);

    /// <summary>
    /// A member's share of a cluster budget: <c>budget × owned / total</c>, rounded down, so the shares never add up
    /// to more than the budget.
    /// </summary>
    public static long Share(long budget, int owned, int total) =>
        total <= 0 ? 0 : (long)((Int128)budget * Math.Clamp(owned, 0, total) / total);
}
