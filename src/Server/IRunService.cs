using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Server;

/// <summary>
/// What the HTTP server asks of the member it fronts: evaluate runs, find saved runs, answer for entries, report
/// statistics and readiness. <see cref="LocalRunService"/> is the single server over the machine's cache; a cluster
/// member implements the same interface (keys placed on their owners, cluster totals in <see cref="Stats"/>), so the
/// endpoints do not change when the server joins a cluster.
/// </summary>
/// <remarks>Implementations are thread-safe: every request calls in concurrently.</remarks>
public interface IRunService : IAsyncDisposable
{
    /// <summary>
    /// <c>Up</c> when the member serves requests; otherwise a word for what it is doing (<c>Joining</c>,
    /// <c>Leaving</c>, <c>Down</c>).
    /// </summary>
    string Status { get; }

    /// <summary>True when the member is Up: <c>/healthz</c> answers 200 only then.</summary>
    bool IsReady { get; }

    /// <summary>The configuration's limits: request bodies are read and runs planned under them.</summary>
    PodCache.Runtime.Execution.RuntimeLimits Limits { get; }

    /// <summary>The node types posted pipelines are parsed with.</summary>
    PodCache.Runtime.Nodes.NodeRegistry Registry { get; }

    /// <summary>Runs, node computations and hits this member has performed since it started.</summary>
    MemberCounters Counters { get; }

    /// <summary>
    /// Evaluates <paramref name="nodeRef"/> (the pipeline's output when null) at <paramref name="coordinates"/> and
    /// keeps the manifest so <see cref="FindRun"/> finds it by its run id.
    /// </summary>
    /// <exception cref="PipelineException">The request does not fit the pipeline.</exception>
    Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef, CancellationToken cancellationToken);

    /// <summary>
    /// A run this member answered earlier (or one saved in its cache directory), reopened so that
    /// <see cref="PipelineRun.GetResultAsync"/> pulls any node through this member; null when unknown.
    /// </summary>
    PipelineRun? FindRun(string runId);

    /// <summary>
    /// The last <paramref name="limit"/> runs this member answered (kept in memory) or saved in its cache directory,
    /// newest first.
    /// </summary>
    IReadOnlyList<RunSummary> ListRuns(int limit);

    /// <summary>The live entry for <paramref name="key"/> in this member's own tiers, or null.</summary>
    ValueTask<CacheLookup?> GetEntryAsync(Key key, CancellationToken cancellationToken);

    /// <summary>
    /// Provenance and metadata of <paramref name="key"/>'s entry in this member's tiers (the disk header when disk
    /// holds it, else what RAM keeps), or null when no tier holds it.
    /// </summary>
    ValueTask<JsonObject?> DescribeEntryAsync(Key key, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of this member's machine index for <paramref name="tier"/> (<c>disk</c> or <c>s3</c>): key, bytes,
    /// compute cost, hits, times; empty without a disk tier.
    /// </summary>
    IReadOnlyList<PodCache.Cache.Index.IndexEntry> IndexedEntries(string tier);

    /// <summary>Statistics of this member's own tiers, in read order.</summary>
    IReadOnlyList<TierStatistics> TierStatistics();

    /// <summary>
    /// The <c>/v1/stats</c> document: top-level <c>computed</c> (node computations since start), this member's
    /// tiers, budgets, hits and misses; a cluster member adds cluster totals under <c>cluster</c>.
    /// </summary>
    JsonObject Stats();
}
