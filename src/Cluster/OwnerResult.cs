namespace PodCache.Cluster;

/// <summary>
/// What the owner's handler returns: the value's bytes (<see cref="WithBytes"/>), or only the fact that the value is
/// stored in the owner's tiers (<see cref="Stored"/>), in which case requesters on other members fetch it through the
/// side channel and a requester in the owner's process reads its own tiers.
/// </summary>
public sealed class OwnerResult
{
    private OwnerResult(byte[]? bytes, long length, string status, double seconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(status);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "Compute seconds must be finite and non-negative.");
        }
        if (status.Length > Messages.MessagePackAkkaSerializer.MaxStatusChars)
        {
            throw new ArgumentException("The status is too long.", nameof(status));
        }
        Bytes = bytes;
        Length = length;
        Status = status;
        ComputeSeconds = seconds;
    }

    /// <summary>The value's bytes; they travel inline when small enough, else the requester fetches them by reference.</summary>
    /// <param name="bytes">The encoded value (as served by the side channel).</param>
    /// <param name="status">How the owner produced it: <c>computed</c>, <c>hit:ram</c>, <c>hit:disk</c>, <c>hit:s3</c>.</param>
    /// <param name="computeSeconds">Seconds the computation took (0 for a hit).</param>
    public static OwnerResult WithBytes(byte[] bytes, string status, double computeSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new OwnerResult(bytes, bytes.Length, status, computeSeconds);
    }

    /// <summary>The value is stored on the owner (and maybe in S3); requesters elsewhere fetch it by reference.</summary>
    /// <param name="length">The encoded value's length in bytes.</param>
    /// <param name="status">How the owner produced it.</param>
    /// <param name="computeSeconds">Seconds the computation took.</param>
    public static OwnerResult Stored(long length, string status, double computeSeconds = 0) =>
        new(null, length, status, computeSeconds);

    /// <summary>The value's bytes, when the handler supplied them.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The value's length in bytes.</summary>
    public long Length { get; }

    /// <summary>How the owner produced the value.</summary>
    public string Status { get; }

    /// <summary>Seconds the owner spent computing.</summary>
    public double ComputeSeconds { get; }
}
