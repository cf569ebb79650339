namespace PodCache.Cluster.Messages;

/// <summary>
/// Stop messages for a key entity: <see cref="Handoff"/> is sharding's hand-off stop message (the shard moves to another
/// member), <see cref="Passivate"/> the one the entity asks for itself when idle. Sent locally only; bound to the
/// serializer anyway so that nothing PodCache sends can fall back to another serializer.
/// </summary>
internal sealed record EntityStop(bool IsHandoff) : IClusterMessage
{
    /// <summary>The shard is being handed off.</summary>
    public static readonly EntityStop Handoff = new(true);

    /// <summary>The entity was idle and asked to be passivated.</summary>
    public static readonly EntityStop Passivate = new(false);
}
