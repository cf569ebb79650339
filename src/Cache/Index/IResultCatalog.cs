using PodCache.Cache.Keys;

namespace PodCache.Cache.Index;

/// <summary>
/// Remembers which cached results belong to one group, with a small opaque description of each — for the runtime,
/// which results of one NodeKey exist and at which coordinates, so a sub-grid request can be answered by slicing.
/// Entries may outlive the results they describe; readers check the cache before using one.
/// </summary>
public interface IResultCatalog
{
    /// <summary>Records <paramref name="member"/> in <paramref name="group"/> with <paramref name="data"/>.</summary>
    void Add(Key group, Key member, string data);

    /// <summary>The members of <paramref name="group"/>, newest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<(Key Member, string Data)> Find(Key group, int limit = 64);

    /// <summary>Forgets a member (its result is gone).</summary>
    void Remove(Key group, Key member);
}
