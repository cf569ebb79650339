using PodCache.Cache;
using PodCache.Cache.Keys;

namespace PodCache.Runtime.Execution;

/// <summary>What a run did for one node ref.</summary>
/// <param name="Ref">The node's ref.</param>
/// <param name="NodeType">The canonical node type.</param>
/// <param name="NodeKey">The node's NodeKey.</param>
/// <param name="ResultKey">The ResultKey of its (primary) evaluation.</param>
/// <param name="Status">Computed, a hit in a tier (<c>remote</c>: another cluster member) or pruned.</param>
/// <param name="Seconds">Compute seconds (0 for hits and pruned nodes).</param>
/// <param name="Bytes">Bytes of the result (0 when pruned).</param>
/// <param name="Coordinates">The coordinates the node was evaluated at (they differ from the run's under a Convolution).</param>
public sealed record NodeRunInfo(string Ref, string NodeType, Key NodeKey, Key ResultKey, CacheStatus Status, double Seconds, long Bytes,
    Coordinates Coordinates);
