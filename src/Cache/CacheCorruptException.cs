namespace PodCache.Cache;

/// <summary>Stored bytes (a cache file, an S3 object) are not a valid entry: truncated, altered or of another format.</summary>
public sealed class CacheCorruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CacheCorruptException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CacheCorruptException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CacheCorruptException() : base("corrupt cache entry")
    {
    }
}
