using PodCache.Runtime.Execution;

namespace PodCache.Server;

/// <summary>One line of the runs a member answered or saved: what the UI's runs page lists.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Started">When the run started (UTC).</param>
/// <param name="Output">The output node's ref.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="Nodes">Nodes in the manifest.</param>
/// <param name="Computed">Nodes computed.</param>
/// <param name="Hits">Nodes read from a tier (or another member).</param>
/// <param name="Pruned">Nodes not needed.</param>
public sealed record RunSummary(string RunId, DateTimeOffset Started, string Output, double Seconds, int Nodes, int Computed,
    int Hits, int Pruned)
{
    /// <summary>The summary of <paramref name="run"/>.</summary>
    public static RunSummary Of(PipelineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunSummary(run.RunId, run.Started, run.OutputRef, run.Seconds, run.Nodes.Count, run.ComputedCount,
            run.HitCount, run.PrunedCount);
    }

    /// <summary>Whether anything was computed (else every node needed was a hit).</summary>
    public bool ComputedAny => Computed > 0;
}
