namespace PodCache.Cluster;

/// <summary>Bytes this member holds per tier, as the server reports them to the member (for cluster budgets and stats).</summary>
/// <param name="RamBytes">Bytes in the RAM tier.</param>
/// <param name="DiskBytes">Bytes in the disk tier.</param>
/// <param name="S3Bytes">Bytes this member accounts in the shared S3 tier.</param>
public readonly record struct MemberUsage(long RamBytes, long DiskBytes, long S3Bytes);
