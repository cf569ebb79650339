namespace PodCache.Cache;

/// <summary>The result of <see cref="IMemoCache.GetOrComputeAsync{T}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Status">A <see cref="CacheStatus"/> string: <c>computed</c> or <c>hit:TIER</c>.</param>
/// <param name="ComputeSeconds">Seconds spent computing, 0 for a hit.</param>
public sealed record CacheOutcome<T>(T Value, string Status, double ComputeSeconds) where T : ICacheValue;
