using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PodCache.Cache;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Hosting;

/// <summary>
/// An embedded PodCache, composed once from validated <see cref="PodCacheOptions"/>: the cache stack (tiers, machine
/// index), the node registry, what pipelines may read and the clients they read it with. Made by
/// <see cref="PodCacheBuilder"/> or by <c>services.AddPodCache(configuration)</c>; the CLI, the server and the notebook
/// extension are built on it. Runners it creates share all of it.
/// </summary>
public sealed class PodCacheHost : IAsyncDisposable, IDisposable
{
    private readonly Lazy<SourceServices> _sourceServices;
    private readonly ILoggerFactory _loggerFactory;

    internal PodCacheHost(PodCacheOptions options, NodeRegistry registry, ISourceAccessPolicy? sources, ILoggerFactory? loggerFactory,
        TierBudgetScopes? scopes, bool shortLived, TimeProvider? time)
    {
        Options = options;
        Registry = registry;
        Time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Sources = sources ?? options.Sources.ForCli();
        Stack = CacheStack.Create(options.Cache, Codecs(), time: Time, loggerFactory: _loggerFactory, scopes: scopes, shortLived: shortLived);
        _sourceServices = new Lazy<SourceServices>(CreateSourceServices);
    }

    /// <summary>The validated configuration.</summary>
    public PodCacheOptions Options { get; }

    /// <summary>The cache stack: tiers, machine index, configuration.</summary>
    public CacheStack Stack { get; }

    /// <summary>The stack's cache.</summary>
    public IMemoCache Cache => Stack.Cache;

    /// <summary>The node types pipelines are parsed with.</summary>
    public NodeRegistry Registry { get; }

    /// <summary>What runners of this host let pipelines read.</summary>
    public ISourceAccessPolicy Sources { get; }

    /// <summary>The clock of runs and expiry.</summary>
    public TimeProvider Time { get; }

    /// <summary>The limits every runner enforces.</summary>
    public RuntimeLimits Limits => Options.Limits;

    /// <summary>
    /// What every runner reads sources through: one HTTP client and S3 clients, version tokens remembered in the
    /// machine index (in this process when there is no disk tier), fetched blocks in this cache.
    /// </summary>
    public SourceServices SourceServices => _sourceServices.Value;

    /// <summary>The codecs cached values are written with: the runtime's <see cref="DataArrayCodec"/>.</summary>
    public static ValueCodecs Codecs() => new ValueCodecs().Register(new DataArrayCodec());

    /// <summary>
    /// A runner over <paramref name="cache"/> (this host's when null) that records sliceable results in the machine
    /// index, so sub-grid reuse works across processes.
    /// </summary>
    /// <param name="cache">The cache; this host's when null.</param>
    /// <param name="remote">Evaluates nodes on other cluster members first, or null.</param>
    /// <param name="progress">Called with (done, total) as nodes finish, or null.</param>
    /// <param name="admission">Admits each run against a memory budget (a server's), or null.</param>
    public PipelineRunner CreateRunner(IMemoCache? cache = null, IRemoteEvaluator? remote = null, Action<int, int>? progress = null,
        IRunAdmission? admission = null) =>
        new(cache ?? Cache, new RunnerOptions
        {
            Catalog = Stack.Index, Remote = remote, Progress = progress, Limits = Limits, Admission = admission,
            Sources = Sources, SourceServices = SourceServices, Registry = Registry, Time = Time,
        });

    /// <summary>
    /// Where runs are saved (null without a disk tier): <c>runs/</c> in the cache directory, its bytes accounted in the
    /// index against the disk budget, holding at most <see cref="RunStore.ShareOf"/> of it.
    /// </summary>
    public RunStore? CreateRunStore() => Stack.Disk is null ? null
        : new RunStore(Stack.Config.DiskPath, Stack.Index, RunStore.ShareOf(Stack.Config.DiskMaxBytes));

    private SourceServices CreateSourceServices()
    {
        ILogger logger = _loggerFactory.CreateLogger("PodCache.Sources");
        var io = new SourceIO(Options.Sources.Http, Options.Sources.S3, Sources, logger);
        ISourceVersionStore store = Stack.Index is { } index ? new IndexSourceVersionStore(index) : new InMemorySourceVersionStore();
        var versions = new SourceVersions(io, store, Options.Sources.RevalidateAfter, Options.Sources.MaxStale,
            warn: message => logger.LogWarning("{Message}", message));
        return new SourceServices(io, versions, new BlockCache(Stack.Cache));
    }

    /// <summary>Closes the source clients and the cache stack.</summary>
    public ValueTask DisposeAsync()
    {
        if (_sourceServices.IsValueCreated)
        {
            _sourceServices.Value.IO.Dispose();
        }
        return Stack.DisposeAsync();
    }

    /// <summary>Closes the source clients and the cache stack.</summary>
    public void Dispose()
    {
        if (_sourceServices.IsValueCreated)
        {
            _sourceServices.Value.IO.Dispose();
        }
        Stack.Dispose();
    }
}
