namespace PodCache.Cache.Index;

/// <summary>
/// The machine index (<c>index.db</c>) cannot be opened or used: not a SQLite database, truncated, a directory,
/// unwritable, or its disk is full. The cache then runs without the tiers that need the index; <c>podcache cache gc</c>
/// moves a damaged index aside and rebuilds it from the entry files.
/// </summary>
public sealed class CacheIndexException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The index file.</param>
    /// <param name="reason">What went wrong, for people.</param>
    /// <param name="inner">The SQLite or I/O error.</param>
    public CacheIndexException(string path, string reason, Exception? inner = null)
        : base($"the cache index {path} cannot be used ({reason})", inner)
    {
        IndexPath = path;
    }

    /// <summary>Creates the exception.</summary>
    public CacheIndexException() : base("the cache index cannot be used")
    {
        IndexPath = "";
    }

    /// <summary>Creates the exception.</summary>
    public CacheIndexException(string message) : base(message)
    {
        IndexPath = "";
    }

    /// <summary>Creates the exception.</summary>
    public CacheIndexException(string message, Exception inner) : base(message, inner)
    {
        IndexPath = "";
    }

    /// <summary>The index file.</summary>
    public string IndexPath { get; }
}
