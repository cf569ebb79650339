using PodCache.Cache.Keys;

namespace PodCache.Cache.Coordination;

/// <summary>
/// Decides who computes a key: callers that ask for the same key at the same time share one computation.
/// In-process (a task per key) now; machine leases, S3 leases and cluster owners plug in behind the same seam.
/// </summary>
public interface ISingleFlight
{
    /// <summary>
    /// Runs <paramref name="work"/> unless a run for <paramref name="key"/> is already in flight, in which case
    /// its result is shared. <c>Leader</c> is true for the caller whose work ran.
    /// </summary>
    Task<(T Value, bool Leader)> RunAsync<T>(Key key, Func<Task<T>> work);
}
