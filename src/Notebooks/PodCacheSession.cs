using PodCache.Cache;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Hosting;
using PodCache.Runtime.Pipelines;

namespace PodCache.Notebooks;

/// <summary>
/// A notebook's handle on a PodCache cache directory: the cache (RAM + the shared disk tier), a runner over it, and
/// the runs saved there. Runs made here are saved like the CLI's, so <c>podcache get</c> can pull their nodes too.
/// Dispose it (or let the kernel exit) to release the machine index.
/// </summary>
public sealed class PodCacheSession : IAsyncDisposable, IDisposable
{
    internal PodCacheSession(string cacheDirectory, PodCacheHost host)
    {
        CacheDirectory = cacheDirectory;
        Host = host;
        Runner = host.CreateRunner();
        Runs = new RunStore(cacheDirectory);
    }

    /// <summary>The composed PodCache: configuration, cache stack, registry, source clients.</summary>
    public PodCacheHost Host { get; }

    /// <summary>The node types pipeline files are parsed with (the built-in ones unless the session was opened with others).</summary>
    public PodCache.Runtime.Nodes.NodeRegistry Registry => Host.Registry;

    /// <summary>The cache directory (absolute).</summary>
    public string CacheDirectory { get; }

    /// <summary>The cache tiers.</summary>
    public CacheStack Stack => Host.Stack;

    /// <summary>The runner; memoizes into <see cref="Stack"/>.</summary>
    public PipelineRunner Runner { get; }

    /// <summary>The run manifests saved under <see cref="CacheDirectory"/>.</summary>
    public RunStore Runs { get; }

    private TimeProvider Time => Host.Time;

    /// <summary>Runs the pipeline in <paramref name="pipelinePath"/> at the coordinates in <paramref name="coordinatesPath"/> and saves the run.</summary>
    /// <param name="pipelinePath">Pipeline JSON file (relative paths: against the kernel's current directory).</param>
    /// <param name="coordinatesPath">Coordinates JSON file.</param>
    /// <param name="nodeRef">The node to evaluate; the pipeline's output when null.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="PipelineException">A file is not valid, or the request does not fit the pipeline.</exception>
    public Task<PipelineRun> RunAsync(string pipelinePath, string coordinatesPath, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        var (pipeline, coordinates) = Read(pipelinePath, coordinatesPath);
        return RunAsync(pipeline, coordinates, nodeRef, cancellationToken);
    }

    /// <summary>Runs <paramref name="pipeline"/> at <paramref name="coordinates"/> and saves the run.</summary>
    public async Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        var run = await Runner.RunAsync(pipeline, coordinates, nodeRef, cancellationToken).ConfigureAwait(false);
        Runs.Save(run);
        return run;
    }

    /// <summary>
    /// Runs the pipeline in <paramref name="pipelinePath"/> like <see cref="RunAsync(string, string, string?, CancellationToken)"/>,
    /// showing it in the cell as it runs: a table of the nodes that have finished, updated in place, then the run's
    /// graph. Outside a notebook cell it is <c>RunAsync</c>.
    /// </summary>
    public Task<PipelineRun> RunLiveAsync(string pipelinePath, string coordinatesPath, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        var (pipeline, coordinates) = Read(pipelinePath, coordinatesPath);
        return RunLiveAsync(pipeline, coordinates, nodeRef, cancellationToken);
    }

    /// <summary>Runs <paramref name="pipeline"/>, shown live in the cell (see <see cref="RunLiveAsync(string, string, string?, CancellationToken)"/>).</summary>
    public async Task<PipelineRun> RunLiveAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        using var live = LiveRunDisplay.Start("run of " + (nodeRef ?? pipeline.OutputRef));
        if (live is null)
        {
            return await RunAsync(pipeline, coordinates, nodeRef, cancellationToken).ConfigureAwait(false);
        }
        return await live.RunAsync(() => RunAsync(pipeline, coordinates, nodeRef, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>A dry run: what a run would compute and which tiers hold the rest. Not saved.</summary>
    public Task<PipelineRun> PlanAsync(string pipelinePath, string coordinatesPath, string? nodeRef = null,
        CancellationToken cancellationToken = default)
    {
        var (pipeline, coordinates) = Read(pipelinePath, coordinatesPath);
        return Runner.PlanAsync(pipeline, coordinates, nodeRef, cancellationToken);
    }

    /// <summary>Reopens a saved run — by id, or <c>latest</c> — made by this notebook, the CLI or any other process.</summary>
    /// <exception cref="PipelineException">No such run, or its manifest is invalid.</exception>
    public PipelineRun OpenRun(string runId = "latest") => Runs.Open(runId, Runner);

    /// <summary>The saved runs, newest first.</summary>
    public IReadOnlyList<RunStore.Entry> ListRuns(int limit = 20) => Runs.List(limit);

    /// <summary>A snapshot of every tier's counters, as the library meter reports them (<see cref="PodCache.Cache.Telemetry.PodCacheMetrics"/>).</summary>
    public CacheStatistics Statistics() =>
        new(PodCache.Cache.Telemetry.PodCacheMetrics.Snapshot(Stack.Cache), Time.GetUtcNow());

    /// <inheritdoc/>
    public void Dispose() => Host.Dispose();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private (Pipeline, Coordinates) Read(string pipelinePath, string coordinatesPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipelinePath);
        ArgumentException.ThrowIfNullOrEmpty(coordinatesPath);
        var pipeline = Pipeline.Parse(File.ReadAllText(pipelinePath), Registry, source: pipelinePath,
            baseDirectory: Path.GetDirectoryName(Path.GetFullPath(pipelinePath)));
        var coordinates = Coordinates.Parse(File.ReadAllText(coordinatesPath), coordinatesPath);
        return (pipeline, coordinates);
    }
}
