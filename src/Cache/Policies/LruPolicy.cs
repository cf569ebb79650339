using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>Least recently used first.</summary>
public sealed class LruPolicy : IEvictionPolicy, IAccessHandles
{
    private readonly LinkedList<Key> _order = new();
    private readonly Dictionary<Key, LinkedListNode<Key>> _nodes = new();

    /// <inheritdoc/>
    public string Name => "lru";

    /// <inheritdoc/>
    public int Count => _nodes.Count;

    /// <inheritdoc/>
    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
            return;
        }
        _nodes[key] = _order.AddLast(key);
    }

    /// <inheritdoc/>
    public void OnAccess(Key key, DateTimeOffset now)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
        }
    }

    /// <inheritdoc/>
    object? IAccessHandles.HandleOf(Key key) => _nodes.GetValueOrDefault(key);

    /// <inheritdoc/>
    void IAccessHandles.OnAccess(object handle, DateTimeOffset now)
    {
        var node = (LinkedListNode<Key>)handle;
        System.Diagnostics.Debug.Assert(node.List == _order, "a handle used after its key was removed");
        _order.Remove(node);
        _order.AddLast(node);
    }

    /// <inheritdoc/>
    public void OnRemove(Key key)
    {
        if (_nodes.Remove(key, out var node))
        {
            _order.Remove(node);
        }
    }

    /// <inheritdoc/>
    public bool TryPeekVictim(out Key key)
    {
        if (_order.First is { } first)
        {
            key = first.Value;
            return true;
        }
        key = default;
        return false;
    }
}
