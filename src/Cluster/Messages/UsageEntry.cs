namespace PodCache.Cluster.Messages;

/// <summary>One member's published usage: the value of its entry in the replicated usage dictionary.</summary>
/// <param name="Member">The member's unique address (<c>address#uid</c>), also the dictionary key.</param>
/// <param name="HttpUrl">The member's advertised HTTP base URL, if any.</param>
/// <param name="RamBytes">Bytes in its RAM tier.</param>
/// <param name="DiskBytes">Bytes in its disk tier.</param>
/// <param name="S3Bytes">Bytes it accounts in the shared S3 tier.</param>
/// <param name="OwnedShards">Shards it hosted at the time.</param>
/// <param name="UpdatedUnixMs">When it published the entry (its clock, for display only).</param>
internal sealed record UsageEntry(string Member, string? HttpUrl, long RamBytes, long DiskBytes, long S3Bytes, int OwnedShards, long UpdatedUnixMs)
    : IClusterMessage;
