namespace PodCache.Cache.Tiers.Disk;

/// <summary>Settings of a <see cref="DiskTier"/>; validated when set.</summary>
public sealed class DiskTierOptions
{
    private string _path = ".podcache";
    private long _maxBytes = 10L << 30;

    /// <summary>The cache directory (shared by every process on the machine that uses it).</summary>
    /// <exception cref="ArgumentException">Empty.</exception>
    public string Path
    {
        get => _path;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _path = value;
        }
    }

    /// <summary>The machine-wide byte budget of the directory (default 10 GiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long MaxBytes
    {
        get => _maxBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxBytes = value;
        }
    }

    /// <summary>Compress payloads with LZ4 (pays off only on compressible data; default false).</summary>
    public bool Lz4 { get; set; }

    /// <summary>Eviction policy name (<c>cost-aware</c>, <c>lru</c>, <c>lfu</c>, <c>gdsf</c>, <c>gds</c> or <c>cachey</c>); default <c>cost-aware</c>.</summary>
    public string Policy { get; set; } = "cost-aware";
}
