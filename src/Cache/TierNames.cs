namespace PodCache.Cache;

/// <summary>The names of the built-in tiers, as used in configuration and pipeline <c>cache</c> keys.</summary>
public static class TierNames
{
    /// <summary>Process memory.</summary>
    public const string Ram = "ram";

    /// <summary>The local cache directory.</summary>
    public const string Disk = "disk";

    /// <summary>A shared S3 bucket.</summary>
    public const string S3 = "s3";

    /// <summary>Served by another cluster member.</summary>
    public const string Remote = "remote";

    /// <summary>True for a tier name PodCache knows.</summary>
    public static bool IsKnown(string name) => name is Ram or Disk or S3;
}
