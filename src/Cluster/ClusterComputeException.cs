using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>The owner of a key could not produce it: its handler failed, it refused the request, or it was lost and
/// the request could not be placed again.</summary>
public sealed class ClusterComputeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterComputeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterComputeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterComputeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a key and its owner.</summary>
    public ClusterComputeException(Key key, string? owner, string message) : base(message)
    {
        Key = key;
        Owner = owner;
    }

    /// <summary>Creates the exception for the failure the owner of a key answered with.</summary>
    public ClusterComputeException(Key key, string owner, ClusterFailure failure)
        : base($"The owner {owner} could not produce {key}: {failure?.ToString()}")
    {
        ArgumentNullException.ThrowIfNull(failure);
        Key = key;
        Owner = owner;
        Failure = failure;
    }

    /// <summary>What the owner answered, when it answered; null when the request was lost or timed out.</summary>
    public ClusterFailure? Failure { get; }

    /// <summary>The key, when known.</summary>
    public Key Key { get; }

    /// <summary>The owner's address, when known.</summary>
    public string? Owner { get; }
}
