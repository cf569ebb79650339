namespace PodCache.Cluster;

/// <summary>The member cannot serve yet (joining) or any more (leaving, downed); a server answers 503.</summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
