namespace PodCache.Cache.Tiers.S3;

/// <summary>What <see cref="S3Tier.CollectGarbageAsync"/> reclaimed.</summary>
/// <param name="Expired">Expired entry objects deleted.</param>
/// <param name="AbortedUploads">Multipart uploads left behind by writers that died, aborted.</param>
/// <param name="StaleLeases">Lease objects left behind by holders that died, deleted.</param>
public sealed record S3CollectResult(int Expired, int AbortedUploads, int StaleLeases);
