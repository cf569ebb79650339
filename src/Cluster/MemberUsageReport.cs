namespace PodCache.Cluster;

/// <summary>One member's usage as replicated to every member.</summary>
/// <param name="Address">The member's Akka address.</param>
/// <param name="HttpUrl">Its advertised HTTP base URL, if any.</param>
/// <param name="RamBytes">Bytes in its RAM tier.</param>
/// <param name="DiskBytes">Bytes in its disk tier.</param>
/// <param name="S3Bytes">Bytes it accounts in the shared S3 tier.</param>
/// <param name="OwnedShards">Shards it owned when it published.</param>
/// <param name="UpdatedAt">When it published (its clock).</param>
public sealed record MemberUsageReport(string Address, Uri? HttpUrl, long RamBytes, long DiskBytes, long S3Bytes, int OwnedShards,
    DateTimeOffset UpdatedAt);
