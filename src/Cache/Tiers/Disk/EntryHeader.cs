using PodCache.Cache.Keys;

namespace PodCache.Cache.Tiers.Disk;

/// <summary>The metadata block at the start of a stored entry (disk file or S3 object).</summary>
public sealed record EntryHeader
{
    /// <summary>The entry's key.</summary>
    public required Key Key { get; init; }

    /// <summary>The payload codec's content type.</summary>
    public required string ContentType { get; init; }

    /// <summary>When the value was computed.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When it stops being served, if ever.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Measured compute seconds.</summary>
    public double ComputeSeconds { get; init; }

    /// <summary>In-memory size of the decoded value.</summary>
    public long SizeBytes { get; init; }

    /// <summary><c>none</c> or <c>lz4</c>.</summary>
    public string Compression { get; init; } = "none";

    /// <summary>Provenance JSON text.</summary>
    public string? Provenance { get; init; }
}
