namespace PodCache.Cluster;

/// <summary>
/// Byte budgets of the whole cluster, per tier. RAM and disk are split between members by shard ownership
/// (budget × owned shards / shard count); S3 is one shared bucket, so the budget holds for the sum of every member's
/// S3 usage. Null means no cluster budget for that tier (each member's own configured maximum still applies).
/// </summary>
public sealed class ClusterBudgets
{
    private long? _ram, _disk, _s3;

    /// <summary>Cluster-wide RAM budget in bytes, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long? RamBytes
    {
        get => _ram;
        set => _ram = NonNegative(value);
    }

    /// <summary>Cluster-wide disk budget in bytes, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long? DiskBytes
    {
        get => _disk;
        set => _disk = NonNegative(value);
    }

    /// <summary>Cluster-wide S3 budget in bytes (the shared bucket), or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long? S3Bytes
    {
        get => _s3;
        set => _s3 = NonNegative(value);
    }

    private static long? NonNegative(long? value)
    {
        if (value is { } v)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(v, nameof(value));
        }
        return value;
    }
}
