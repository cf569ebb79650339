namespace PodCache.Cluster.Messages;

/// <summary>One node of an <see cref="OwnerBatch"/>.</summary>
/// <param name="Key">The node's ResultKey.</param>
/// <param name="Payload">Its evaluation request (validated by the owner's handler like any).</param>
/// <param name="PushedInputs">Inputs that other owners will push to this owner.</param>
/// <param name="Consumers">Members to push the value to (owners of nodes that read it, and the requester for the root).</param>
internal sealed record BatchItem(PodCache.Cache.Keys.Key Key, byte[] Payload, IReadOnlyList<PodCache.Cache.Keys.Key> PushedInputs,
    IReadOnlyList<string> Consumers);
