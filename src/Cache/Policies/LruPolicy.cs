using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>Least recently used first.</summary>
public sealed class LruPolicy : IEvictionPolicy, IAccessHandles
{
    // The key -> node index in 16 tables picked by the key's first bits (keys are digests: uniform). One table's entry
    // array (48 bytes an entry) reaches the large object heap at about 1,800 keys, and a cache filling up would then
    // allocate LOH arrays as it grows, whose budget triggers full collections: a cold run of 1,000 nodes into a fresh
    // cache did. Sixteen tables stay off the LOH up to about 28,000 keys; the order is still one list.
    private const int ShardBits = 4;

    private readonly LinkedList<Key> _order = new();
    private readonly Dictionary<Key, LinkedListNode<Key>>[] _nodes = CreateShards();
    private int _count;

    private static Dictionary<Key, LinkedListNode<Key>>[] CreateShards()
    {
        var shards = new Dictionary<Key, LinkedListNode<Key>>[1 << ShardBits];
        for (int i = 0; i < shards.Length; i++)
        {
            shards[i] = [];
        }
        return shards;
    }

    private Dictionary<Key, LinkedListNode<Key>> Shard(Key key) => _nodes[key.Prefix16 >> (16 - ShardBits)];

    /// <inheritdoc/>
    public string Name => "lru";

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        var shard = Shard(key);
        if (shard.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
            return;
        }
        shard[key] = _order.AddLast(key);
        _count++;
    }

    /// <inheritdoc/>
    public void OnAccess(Key key, DateTimeOffset now)
    {
        if (Shard(key).TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
        }
    }

    /// <inheritdoc/>
    object? IAccessHandles.HandleOf(Key key) => Shard(key).GetValueOrDefault(key);

    /// <inheritdoc/>
    void IAccessHandles.OnAccess(object handle, int reads, DateTimeOffset now)
    {
        var node = (LinkedListNode<Key>)handle;
        System.Diagnostics.Debug.Assert(node.List == _order, "a handle used after its key was removed");
        _order.Remove(node);
        _order.AddLast(node);
    }

    /// <inheritdoc/>
    public void OnRemove(Key key)
    {
        if (Shard(key).Remove(key, out var node))
        {
            _order.Remove(node);
            _count--;
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
