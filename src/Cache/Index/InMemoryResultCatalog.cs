using PodCache.Cache.Keys;

namespace PodCache.Cache.Index;

/// <summary>A process-local <see cref="IResultCatalog"/> for caches without a machine index.</summary>
public sealed class InMemoryResultCatalog : IResultCatalog
{
    private readonly Dictionary<Key, List<(Key Member, string Data)>> _groups = new();
    private readonly Lock _gate = new();

    /// <inheritdoc/>
    public void Add(Key group, Key member, string data)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var list))
            {
                _groups[group] = list = [];
            }
            list.RemoveAll(m => m.Member == member);
            list.Insert(0, (member, data));
            if (list.Count > 256) list.RemoveAt(list.Count - 1);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<(Key Member, string Data)> Find(Key group, int limit = 64)
    {
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var list) ? list.Take(limit).ToArray() : [];
        }
    }

    /// <inheritdoc/>
    public void Remove(Key group, Key member)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var list)) list.RemoveAll(m => m.Member == member);
        }
    }
}
