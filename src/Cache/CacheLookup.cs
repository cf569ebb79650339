namespace PodCache.Cache;

/// <summary>A cache hit: the entry and the tier that served it.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Tier">The name of the tier it came from.</param>
public sealed record CacheLookup(CacheEntry Entry, string Tier);
