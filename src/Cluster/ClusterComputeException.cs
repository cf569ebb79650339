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

    /// <summary>The key, when known.</summary>
    public Key Key { get; }

    /// <summary>The owner's address, when known.</summary>
    public string? Owner { get; }
}
