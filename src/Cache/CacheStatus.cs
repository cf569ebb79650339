namespace PodCache.Cache;

/// <summary>How a value was obtained; the strings are the run-manifest statuses of SPEC §5.</summary>
public static class CacheStatus
{
    /// <summary>Computed by this caller.</summary>
    public const string Computed = "computed";

    /// <summary>Not needed: a consumer was served from the cache.</summary>
    public const string Pruned = "pruned";

    /// <summary>The status for a hit in the named tier, e.g. <c>hit:ram</c>.</summary>
    public static string Hit(string tier) => tier switch
    {
        TierNames.Ram => "hit:ram",
        TierNames.Disk => "hit:disk",
        TierNames.S3 => "hit:s3",
        _ => "hit:" + tier,
    };
}
