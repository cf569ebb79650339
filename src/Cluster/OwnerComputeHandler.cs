using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>
/// Runs on the member that owns <paramref name="key"/>: produce the value (read it from this member's tiers, or compute
/// it from <see cref="ClusterComputeRequest.Payload"/> and store it) and return it. Called at most once at a time per
/// key cluster-wide; concurrent requests for the key share the call. The token is cancelled when the owner hands the
/// key's shard off and the computation outlives <see cref="ClusterOptions.HandoffGrace"/>, or when the member stops.
/// </summary>
public delegate Task<OwnerResult> OwnerComputeHandler(Key key, ClusterComputeRequest request, CancellationToken cancellationToken);
