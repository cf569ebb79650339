namespace PodCache.Cluster;

/// <summary>
/// Fetches a value that the owner answered by reference: from the owner's HTTP endpoint
/// (<c>{OwnerHttpUrl}/v1/entries/{key}/data</c>) or from the shared S3 tier. Supplied by the server.
/// </summary>
public delegate Task<byte[]> ClusterPayloadFetcher(ClusterReference reference, CancellationToken cancellationToken);
