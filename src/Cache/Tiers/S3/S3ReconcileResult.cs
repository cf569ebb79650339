namespace PodCache.Cache.Tiers.S3;

/// <summary>What a reconciliation of the S3 tier's index rows with a listing of the bucket found and did.</summary>
/// <param name="Objects">Entry objects listed under the prefix.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="Added">Objects other workers wrote that the index did not know (now accounted).</param>
/// <param name="Removed">Index rows whose object was gone (now dropped).</param>
/// <param name="Evicted">Objects deleted to bring the prefix back under its budget.</param>
public sealed record S3ReconcileResult(long Objects, long Bytes, int Added, int Removed, int Evicted);
