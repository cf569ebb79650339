using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Sources;

namespace PodCache.Cluster;

/// <summary>
/// What <see cref="ClusterBridge"/> needs of the member it runs in: the member's cache, and runners that compute the
/// keys this member owns the way the member computes its own runs (same limits, sources and counters).
/// </summary>
public interface IClusterHost
{
    /// <summary>The member's cache stack: owned keys are read from and stored in it, and its tiers trimmed to the member's shares.</summary>
    CacheStack Stack { get; }

    /// <summary>The node types evaluation requests from other members are parsed with.</summary>
    NodeRegistry Registry { get; }

    /// <summary>What evaluation requests from other members may read, by this member's own policy.</summary>
    ISourceAccessPolicy Sources { get; }

    /// <summary>A runner over the member's cache that asks <paramref name="remote"/> before computing a node.</summary>
    /// <param name="remote">Routes the runner's nodes to their owners.</param>
    PipelineRunner CreateRunner(IRemoteEvaluator remote);

    /// <summary>Counts a hit the bridge served (<c>hit:ram</c>'s tier name, or <c>remote</c>) in the member's statistics.</summary>
    /// <param name="tier">The tier, or <c>remote</c>.</param>
    void RecordHit(string tier);
}
