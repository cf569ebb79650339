using PodCache.Cache.Budgets;

namespace PodCache.Cluster;

/// <summary>
/// A member's part of a cluster budget, asked by a tier before it admits bytes. For RAM and disk: the budget × the
/// shards this member owns / the shard count, recomputed whenever shards move (a member that owns nothing, e.g. while
/// joining or during a hand-off, may hold nothing; the shares of all members never add up to more than the budget).
/// For S3: the budget minus what the other live members report in the shared bucket.
/// </summary>
public sealed class ClusterBudgetScope : IBudgetScope
{
    private readonly Func<long> _limit;

    internal ClusterBudgetScope(string tier, long? budget, Func<long> limit)
    {
        Tier = tier;
        BudgetBytes = budget;
        _limit = limit;
    }

    /// <summary>The tier: <c>ram</c>, <c>disk</c> or <c>s3</c>.</summary>
    public string Tier { get; }

    /// <summary>The cluster-wide budget of the tier, or null for none (then <see cref="CurrentLimit"/> is unbounded).</summary>
    public long? BudgetBytes { get; }

    /// <inheritdoc/>
    public long CurrentLimit() => _limit();
}
