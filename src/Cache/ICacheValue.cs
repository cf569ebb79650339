namespace PodCache.Cache;

/// <summary>A value that can be held by the cache: it reports the bytes it occupies.</summary>
public interface ICacheValue
{
    /// <summary>Approximate bytes held by the value in memory (payload plus a small fixed overhead).</summary>
    long SizeBytes { get; }
}
