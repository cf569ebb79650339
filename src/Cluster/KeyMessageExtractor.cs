using Akka.Cluster.Sharding;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>Maps messages to entities (a key's 64-hex text) and shards (<see cref="ShardPlacement.ShardOf"/>).</summary>
internal sealed class KeyMessageExtractor(int shardCount) : IMessageExtractor
{
    /// <inheritdoc/>
    public string? EntityId(object message) => message switch
    {
        KeyRequest r => r.Key.ToString(),
        ShardPing p => ShardPlacement.PingEntityId(p.Shard),
        _ => null,
    };

    /// <inheritdoc/>
    public object? EntityMessage(object message) => message;

    /// <inheritdoc/>
    public string? ShardId(object message) => message switch
    {
        KeyRequest r => ShardPlacement.ShardId(ShardPlacement.ShardOf(r.Key, shardCount)),
        ShardPing p => ShardPlacement.ShardId(p.Shard),
        _ => null,
    };

    /// <inheritdoc/>
    public string ShardId(string entityId, object? messageHint = null)
    {
        if (messageHint is not null && ShardId(messageHint) is { } fromMessage)
        {
            return fromMessage;
        }
        if (Key.TryParse(entityId, out var key))
        {
            return ShardPlacement.ShardId(ShardPlacement.ShardOf(key, shardCount));
        }
        const string ping = "ping-";
        if (entityId is not null && entityId.StartsWith(ping, StringComparison.Ordinal))
        {
            return entityId[ping.Length..];
        }
        throw new ArgumentException($"'{entityId}' is not a PodCache entity id.", nameof(entityId));
    }
}
