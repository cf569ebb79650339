using System.Diagnostics;
using PodCache.Cache;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Runs pipelines with memoized execution over an <see cref="IMemoCache"/>: plans top-down, prunes below cached
/// nodes, executes bottom-up in parallel. Thread-safe; concurrent runs that share subgraphs compute them once.
/// </summary>
public sealed class PipelineRunner
{
    private readonly RunnerOptions _options;

    /// <summary>Creates a runner over <paramref name="cache"/>.</summary>
    public PipelineRunner(IMemoCache cache, RunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Cache = cache;
        _options = options ?? new RunnerOptions();
        _catalog = _options.SubsetReuse ? _options.Catalog ?? new InMemoryResultCatalog() : null;
        _sources = new Lazy<PodCache.Runtime.Sources.IO.SourceServices>(() => _options.SourceServices ?? DefaultSources(cache, _options.Sources));
    }

    private readonly Lazy<PodCache.Runtime.Sources.IO.SourceServices> _sources;

    /// <summary>
    /// What the runner's nodes read through: <see cref="RunnerOptions.SourceServices"/>, or a default (HTTP and S3 with
    /// the default settings and the runner's access policy, versions remembered in this process, blocks cached in the
    /// runner's cache).
    /// </summary>
    public PodCache.Runtime.Sources.IO.SourceServices Sources => _sources.Value;

    private static PodCache.Runtime.Sources.IO.SourceServices DefaultSources(IMemoCache cache, ISourceAccessPolicy? policy)
    {
        var io = new PodCache.Runtime.Sources.IO.SourceIO(policy: policy);
        var versions = new PodCache.Runtime.Sources.IO.SourceVersions(io, new PodCache.Runtime.Sources.IO.InMemorySourceVersionStore(),
            TimeSpan.FromSeconds(60), TimeSpan.Zero);
        return new PodCache.Runtime.Sources.IO.SourceServices(io, versions, new PodCache.Runtime.Sources.IO.BlockCache(cache));
    }

    private readonly IResultCatalog? _catalog;

    /// <summary>The cache results are memoized in.</summary>
    public IMemoCache Cache { get; }

    /// <summary>The limits requests are planned under (<see cref="RunnerOptions.Limits"/>).</summary>
    public RuntimeLimits Limits => _options.Limits;

    /// <summary>The node types this runner parses pipelines with (<see cref="RunnerOptions.Registry"/>).</summary>
    public Nodes.NodeRegistry Registry => _options.Registry;

    /// <summary>Evaluates <paramref name="pipeline"/> at <paramref name="coordinates"/>.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="coordinates">The request.</param>
    /// <param name="nodeRef">The node to evaluate; the pipeline's output when null.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="PipelineException">The request does not fit the pipeline (e.g. a dim a source needs is missing).</exception>
    public Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(pipeline, coordinates, nodeRef, null, cancellationToken);

    /// <summary>
    /// Runs with the remote source version tokens <paramref name="sourceTokens"/> (by node ref) instead of resolving
    /// them: what a cluster member computing a key for another does, so both key with the same versions. A source whose
    /// object is no longer at that version fails with <see cref="PodCache.Runtime.Sources.IO.SourceFailure.Changed"/>.
    /// </summary>
    public async Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef,
        IReadOnlyDictionary<string, string?>? sourceTokens, CancellationToken cancellationToken = default)
    {
        using var trace = Telemetry.PodCacheTelemetry.StartRun(nodeRef ?? pipeline?.OutputRef ?? "", pipeline?.Nodes.Count ?? 0);
        try
        {
            var run = await RunCoreAsync(pipeline!, coordinates, nodeRef, sourceTokens, trace, cancellationToken).ConfigureAwait(false);
            Telemetry.PodCacheTelemetry.EndRun(trace, run);
            return run;
        }
        catch (Exception ex)
        {
            Telemetry.PodCacheTelemetry.Failed(trace, ex);
            throw;
        }
    }

    private async Task<PipelineRun> RunCoreAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef,
        IReadOnlyDictionary<string, string?>? sourceTokens, System.Diagnostics.Activity? trace, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var started = _options.Time.GetUtcNow();
        var plan = await PlanCoreAsync(pipeline, coordinates, nodeRef, cancellationToken, sourceTokens).ConfigureAwait(false);
        // Admitted (or refused) before anything is allocated; the ticket is held until the run's arrays are done.
        using var admitted = _options.Admission?.Admit(RunMemoryEstimate.Of(plan));
        foreach (var pn in plan.Nodes)
        {
            pn.Status = CacheStatus.Pruned;
        }
        if (_options.Remote is { } remote)
        {
            await remote.PlannedAsync(RemotePlan(plan), cancellationToken).ConfigureAwait(false);
        }
        var activity = new PodCache.Runtime.Sources.IO.SourceActivity();
        var executor = new Executor(Cache, plan, _catalog, _options.MaxDegreeOfParallelism, cancellationToken, _options.Progress,
            _options.Remote, Sources, activity, trace?.Context ?? default);
        var output = await executor.Request(plan.Root).ConfigureAwait(false);
        return new PipelineRun(this, pipeline, coordinates, plan, output, started, sw.Elapsed.TotalSeconds, predicted: false)
        {
            SourceActivity = activity,
        };
    }

    private static List<RemotePlanNode> RemotePlan(Plan plan)
    {
        var nodes = new List<RemotePlanNode>(plan.Nodes.Count);
        foreach (var pn in plan.Nodes)
        {
            if (!pn.Needed)
            {
                continue;
            }
            bool held = pn.ProbeTier is not null;
            Key[] inputs = held ? [] : [.. pn.InputNodes.Select(i => i.ResultKey).Distinct()];
            var node = pn;
            nodes.Add(new RemotePlanNode(pn.ResultKey, pn.Node.Ref, ReferenceEquals(pn, plan.Root), held, pn.Node.Cache.Enabled, inputs,
                () => EvaluationRequest.Create(node.Node.Ref, node.Request, plan.Keys)));
        }
        return nodes;
    }

    /// <summary>
    /// Plans without computing: per node the tier that holds it, or <c>computed</c> for what a run would compute.
    /// </summary>
    public async Task<PipelineRun> PlanAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        var started = _options.Time.GetUtcNow();
        var plan = await PlanCoreAsync(pipeline, coordinates, nodeRef, cancellationToken).ConfigureAwait(false);
        var reads = await PlanSourceReadsAsync(plan, cancellationToken).ConfigureAwait(false);
        return new PipelineRun(this, pipeline, coordinates, plan, null, started, 0, predicted: true) { SourceReads = reads };
    }

    private async Task<Plan> PlanCoreAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? given = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(coordinates);
        nodeRef ??= pipeline.OutputRef;
        if (!pipeline.Contains(nodeRef))
        {
            throw new PipelineException("node", $"the pipeline has no node '{nodeRef}'");
        }
        // Before keys: computing them resolves source versions, which touches the files.
        SourceAccessCheck.Check(pipeline, _options.Sources);
        var tokens = await NodeKeys.ResolveSourcesAsync(pipeline, nodeRef, Sources, ct, given, coordinates).ConfigureAwait(false);
        var plan = Plan.Build(pipeline, new NodeKeys(pipeline, tokens), nodeRef, coordinates, _options.Limits);
        await plan.ProbeAsync(Cache, _catalog, ct).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Per computed source node of a plan, the blocks a run would find cached and fetch.</summary>
    private async Task<IReadOnlyDictionary<string, PodCache.Runtime.Sources.IO.SourceReadPlan>> PlanSourceReadsAsync(Plan plan,
        CancellationToken ct)
    {
        var reads = new Dictionary<string, PodCache.Runtime.Sources.IO.SourceReadPlan>(StringComparer.Ordinal);
        foreach (var pn in plan.Nodes)
        {
            if (!pn.Needed || pn.ProbeTier is not null || pn.Node.Sources.Count == 0)
            {
                continue;
            }
            try
            {
                if (await pn.Node.Implementation.PlanSourceReadAsync(pn.Request, plan.Keys.SourceVersion(pn.Node.Ref), Sources, ct)
                        .ConfigureAwait(false) is { } read)
                {
                    reads[pn.Node.Ref] = read;
                }
            }
            catch (PodCache.Runtime.Sources.IO.SourceException ex)
            {
                throw SourceFailures.AtNode(pn.Node.Ref, ex, pn.Node.SourceAttr);
            }
            catch (Nodes.NodeEvaluationException ex)
            {
                throw new PipelineException([PipelineError.InPipeline(pn.Node.Ref, ex.Message)]);
            }
        }
        return reads;
    }
}
