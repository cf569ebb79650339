namespace PodCache.Cache;

/// <summary>The result of <see cref="IMemoCache.GetOrComputeAsync{T}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Status"><see cref="CacheStatus.Computed"/> or a hit.</param>
/// <param name="ComputeSeconds">Seconds spent computing, 0 for a hit.</param>
public sealed record CacheOutcome<T>(T Value, CacheStatus Status, double ComputeSeconds) where T : ICacheValue;
