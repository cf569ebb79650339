namespace PodCache.Cluster;

/// <summary>
/// Cluster totals against the cluster budgets, readable on any member (for <c>GET /v1/stats</c>): the sum of the
/// usage every live member published through Akka.DistributedData. Eventually consistent: a member's latest numbers
/// reach the others within a gossip round or two.
/// </summary>
public sealed class ClusterUsage
{
    internal ClusterUsage(IReadOnlyList<MemberUsageReport> members, ClusterBudgets budgets, int shardCount)
    {
        Members = members;
        RamBytes = members.Sum(m => m.RamBytes);
        DiskBytes = members.Sum(m => m.DiskBytes);
        S3Bytes = members.Sum(m => m.S3Bytes);
        OwnedShards = members.Sum(m => m.OwnedShards);
        RamBudgetBytes = budgets.RamBytes;
        DiskBudgetBytes = budgets.DiskBytes;
        S3BudgetBytes = budgets.S3Bytes;
        ShardCount = shardCount;
    }

    /// <summary>Each live member's latest published usage, ordered by address.</summary>
    public IReadOnlyList<MemberUsageReport> Members { get; }

    /// <summary>RAM bytes summed over the members.</summary>
    public long RamBytes { get; }

    /// <summary>Disk bytes summed over the members.</summary>
    public long DiskBytes { get; }

    /// <summary>S3 bytes summed over the members.</summary>
    public long S3Bytes { get; }

    /// <summary>The cluster RAM budget, or null.</summary>
    public long? RamBudgetBytes { get; }

    /// <summary>The cluster disk budget, or null.</summary>
    public long? DiskBudgetBytes { get; }

    /// <summary>The cluster S3 budget, or null.</summary>
    public long? S3BudgetBytes { get; }

    /// <summary>Shards owned, summed over the members' reports (equals <see cref="ShardCount"/> once all are allocated).</summary>
    public int OwnedShards { get; }

    /// <summary>The cluster's shard count.</summary>
    public int ShardCount { get; }
}
