using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources;

namespace PodCache.Server;

/// <summary>
/// The cache a CLI command works with: the embedded default (RAM + a disk directory, <c>.podcache</c> unless
/// <c>--cache-dir</c>, <c>PODCACHE_CACHE_DIR</c> or the config file say otherwise), or what <c>--config</c> describes.
/// </summary>
public sealed class CacheSession : IAsyncDisposable
{
    private readonly Lazy<PodCache.Runtime.Sources.IO.SourceServices> _sourceServices;

    private CacheSession(CacheStack stack, RuntimeLimits limits, ISourceAccessPolicy sources, SourcesOptions sourcesOptions)
    {
        Stack = stack;
        Limits = limits;
        Sources = sources;
        SourcesOptions = sourcesOptions;
        _sourceServices = new Lazy<PodCache.Runtime.Sources.IO.SourceServices>(CreateSourceServices);
    }

    /// <summary>The configuration's <c>sources</c> section.</summary>
    public SourcesOptions SourcesOptions { get; }

    /// <summary>
    /// What every runner of this session reads sources through: one HTTP client and S3 clients, version tokens
    /// remembered in the machine index (in this process when there is no disk tier), fetched blocks in this cache.
    /// </summary>
    public PodCache.Runtime.Sources.IO.SourceServices SourceServices => _sourceServices.Value;

    private PodCache.Runtime.Sources.IO.SourceServices CreateSourceServices()
    {
        Microsoft.Extensions.Logging.ILogger logger = StderrLoggerFactory.Instance.CreateLogger("PodCache.Sources");
        var io = new PodCache.Runtime.Sources.IO.SourceIO(SourcesOptions.Http, SourcesOptions.S3, Sources, logger);
        PodCache.Runtime.Sources.IO.ISourceVersionStore store = Stack.Index is { } index
            ? new PodCache.Runtime.Sources.IO.IndexSourceVersionStore(index)
            : new PodCache.Runtime.Sources.IO.InMemorySourceVersionStore();
        var versions = new PodCache.Runtime.Sources.IO.SourceVersions(io, store, SourcesOptions.RevalidateAfter, SourcesOptions.MaxStale,
            warn: message => Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "{Message}", message));
        return new PodCache.Runtime.Sources.IO.SourceServices(io, versions, new PodCache.Runtime.Sources.IO.BlockCache(Stack.Cache));
    }

    /// <summary>The cache stack: tiers, machine index, configuration.</summary>
    public CacheStack Stack { get; }

    /// <summary>The configuration's <c>limits</c> section, or the defaults.</summary>
    public RuntimeLimits Limits { get; }

    /// <summary>The <c>limits</c> section of <paramref name="config"/>, validated.</summary>
    /// <exception cref="ConfigurationException">An invalid limit, named by its path.</exception>
    public static RuntimeLimits LimitsOf(CacheConfig config, string? configPath = null)
    {
        return RuntimeLimits.FromJson(config.Limits, configPath ?? "podcache.json");
    }

    /// <summary>What the runners of this session let pipelines read.</summary>
    public ISourceAccessPolicy Sources { get; }

    /// <summary>The stack's cache.</summary>
    public IMemoCache Cache => Stack.Cache;

    /// <summary>
    /// The configuration of <paramref name="configPath"/> (the embedded default when null), its limits validated, the
    /// disk tier moved to <paramref name="cacheDir"/> (or <c>PODCACHE_CACHE_DIR</c> without a config file) when given.
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing or invalid; the message names it.</exception>
    public static CacheConfig LoadConfig(string? configPath, string? cacheDir)
    {
        CacheConfig config;
        try
        {
            if (configPath is not null)
            {
                // A device or FIFO given as the configuration would block or never end.
                PodCache.Runtime.Pipelines.InputFile.EnsureRegular(configPath, "configuration");
            }
            config = configPath is null ? new CacheConfig() : CacheConfig.Load(configPath);
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigurationException(ex.Message, ex);
        }
        // Validated here, where the file's name is known; sessions read it again.
        LimitsOf(config, configPath);
        cacheDir ??= configPath is null ? Environment.GetEnvironmentVariable("PODCACHE_CACHE_DIR") : null;
        if (cacheDir is not null)
        {
            config.DiskEnabled = true;
            config.DiskPath = cacheDir;
        }
        return config;
    }

    /// <summary>
    /// What <c>podcache serve</c> lets pipelines read: files under <paramref name="dataRoots"/> and the config's
    /// <c>sources.allow.files</c> (the working directory when neither names one), URLs under <c>sources.allow.urls</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">A root is not a directory, or the sources section is invalid.</exception>
    public static ISourceAccessPolicy ServerSources(CacheConfig config, IReadOnlyList<string> dataRoots)
    {
        foreach (var root in dataRoots)
        {
            if (!Directory.Exists(root))
            {
                throw new ConfigurationException($"--data-root '{root}': not an existing directory");
            }
        }
        return SourcesOptions.FromJson(config.Sources).ForServer(dataRoots);
    }

    /// <summary>The codecs cached values are written with: the runtime's <see cref="DataArrayCodec"/>.</summary>
    public static ValueCodecs Codecs() => new ValueCodecs().Register(new DataArrayCodec());

    /// <summary>
    /// Opens the cache of <paramref name="configPath"/> or <paramref name="cacheDir"/>; <paramref name="shortLived"/>
    /// (a CLI command, the default) skips a failed S3 for the rest of the process; a server passes false.
    /// </summary>
    public static CacheSession Open(string? configPath, string? cacheDir, bool shortLived = true) =>
        Open(LoadConfig(configPath, cacheDir), null, shortLived);

    /// <summary>
    /// Opens <paramref name="config"/>'s cache, its tiers answering to <paramref name="scopes"/> too; its runners read
    /// what <paramref name="sources"/> allows (when null, what the config's <c>sources.allow</c> allows the CLI).
    /// </summary>
    public static CacheSession Open(CacheConfig config, TierBudgetScopes? scopes, bool shortLived = false, ISourceAccessPolicy? sources = null)
    {
        var limits = LimitsOf(config);
        var sourcesOptions = SourcesOptions.FromJson(config.Sources);
        sources ??= sourcesOptions.ForCli();
        return new CacheSession(CacheStack.Create(config, Codecs(), loggerFactory: StderrLoggerFactory.Instance, scopes: scopes,
            shortLived: shortLived), limits, sources, sourcesOptions);
    }

    /// <summary>
    /// A runner over <paramref name="cache"/> (this session's cache when null) that records sliceable results in the
    /// machine index, so sub-grid reuse works across processes.
    /// </summary>
    /// <param name="cache">The cache; this session's when null.</param>
    /// <param name="remote">Evaluates nodes on other cluster members first, or null.</param>
    /// <param name="progress">Called with (done, total) as nodes finish, or null.</param>
    /// <param name="admission">Admits each run against a memory budget (the server's), or null.</param>
    public PipelineRunner CreateRunner(IMemoCache? cache = null, IRemoteEvaluator? remote = null, Action<int, int>? progress = null,
        IRunAdmission? admission = null) =>
        new(cache ?? Cache, new RunnerOptions { Catalog = Stack.Index, Remote = remote, Progress = progress, Limits = Limits, Admission = admission,
            Sources = Sources, SourceServices = SourceServices, Registry = Registry });

    /// <summary>The node types runs parse with: the built-in ones.</summary>
    public PodCache.Runtime.Nodes.NodeRegistry Registry { get; init; } = PodCache.Runtime.Nodes.NodeRegistry.Default;

    /// <summary>
    /// Where runs are saved (null without a disk tier): <c>runs/</c> in the cache directory, its bytes accounted in the
    /// index against the disk budget, holding at most <see cref="RunStore.ShareOf"/> of it.
    /// </summary>
    public RunStore? CreateRunStore() => Stack.Disk is null ? null
        : new RunStore(Stack.Config.DiskPath, Stack.Index, RunStore.ShareOf(Stack.Config.DiskMaxBytes));

    /// <summary>Closes the source clients and the cache stack.</summary>
    public ValueTask DisposeAsync()
    {
        if (_sourceServices.IsValueCreated)
        {
            _sourceServices.Value.IO.Dispose();
        }
        return Stack.DisposeAsync();
    }

    /// <summary>
    /// Starts loading and initialising SQLite (its native library and provider) on a thread-pool thread, so that it
    /// overlaps with reading and validating the command's input files instead of following them. Touches no file: the
    /// cache directory and index are still only opened by <c>Open</c>, which reports any failure.
    /// </summary>
    public static void BeginWarmUp() => _ = Task.Run(static () =>
    {
        try
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Microsoft.Data.Sqlite.SqliteConnection).TypeHandle);
        }
        catch (TypeInitializationException)
        {
            // Open fails with the same error, where it is reported.
        }
    });
}
