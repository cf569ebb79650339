namespace PodCache.Runtime.Execution;

/// <summary>Settings of a <see cref="PipelineRunner"/>; validated when set.</summary>
public sealed class RunnerOptions
{
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>How many nodes compute at once (default: the processor count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>
    /// What one request may make the runner hold: the planner rejects a request, or a node asked for more points
    /// (a Convolution grows its source's request), before anything is allocated.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public RuntimeLimits Limits
    {
        get => _limits;
        set => _limits = value ?? throw new ArgumentNullException(nameof(value));
    }

    private RuntimeLimits _limits = RuntimeLimits.Default;

    /// <summary>
    /// Which files and URLs the pipeline's nodes may read, asked before the run touches any of them (a refused
    /// source is a <see cref="Pipelines.PipelineException"/> naming <c>REF.attrs.ATTR</c>); everything when null.
    /// </summary>
    public PodCache.Runtime.Sources.ISourceAccessPolicy? Sources { get; set; }

    /// <summary>
    /// Source I/O, version tokens and the shared block cache for format nodes; null reads files directly and remote
    /// sources through a private default (no block cache).
    /// </summary>
    public PodCache.Runtime.Sources.IO.SourceServices? SourceServices { get; set; }

    /// <summary>
    /// The node types pipelines handed to this runner were parsed with, and what it parses with itself (a saved run
    /// reopened, a pipeline sent by a cluster member): an application's own registry with its own nodes added
    /// (<see cref="Nodes.NodeRegistry.CreateDefault"/> then <see cref="Nodes.NodeRegistry.Register"/>), or the built-in one.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public Nodes.NodeRegistry Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }

    private Nodes.NodeRegistry _registry = Nodes.NodeRegistry.Default;

    /// <summary>The clock for run ids and timings; the system clock by default.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>
    /// Answer sub-grid requests by slicing cached larger results where that is correct (default true).
    /// </summary>
    public bool SubsetReuse { get; set; } = true;

    /// <summary>
    /// Where results that can be sliced are recorded; the machine index shares them between processes. A
    /// process-local catalog when null.
    /// </summary>
    public PodCache.Cache.Index.IResultCatalog? Catalog { get; set; }

    /// <summary>
    /// Called with (done, total) each time a needed node is computed or loaded, from whichever thread finished it;
    /// for progress displays. Keep it cheap.
    /// </summary>
    public Action<int, int>? Progress { get; set; }

    /// <summary>
    /// Evaluates nodes elsewhere before this runner computes them (a cluster member's key owners); null evaluates
    /// everything here. Nodes with caching disabled are always evaluated here.
    /// </summary>
    public IRemoteEvaluator? Remote { get; set; }

    /// <summary>
    /// Asked before each run computes, with the plan's <see cref="RunMemoryEstimate"/> (a server's in-flight memory
    /// budget); null admits every run.
    /// </summary>
    public IRunAdmission? Admission { get; set; }
}
