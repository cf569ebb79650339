using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>Requester → the key's entity: compute (or read) <paramref name="Key"/> on the owner and answer.</summary>
/// <param name="Key">The result key; also the entity id.</param>
/// <param name="ShardCount">The requester's shard count; an owner with another count refuses (placement would disagree).</param>
/// <param name="Payload">Opaque bytes the owner's handler needs to compute the key (pipeline, coordinates, node).</param>
/// <param name="Requester">The requesting member's address, for logs and the owner's handler.</param>
/// <param name="Attempt">1 for the first send; a resend after a handoff or a lost owner counts up.</param>
internal sealed record KeyRequest(Key Key, int ShardCount, byte[] Payload, string Requester, int Attempt) : IClusterMessage;
