using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources;

namespace PodCache.Cli;

/// <summary>
/// The cache a CLI command works with: the embedded default (RAM + a disk directory, <c>.podcache</c> unless
/// <c>--cache-dir</c>, <c>PODCACHE_CACHE_DIR</c> or the config file say otherwise), or what <c>--config</c> describes.
/// </summary>
internal sealed class CacheSession : IAsyncDisposable
{
    private CacheSession(CacheStack stack, ISourceAccessPolicy sources)
    {
        Stack = stack;
        Sources = sources;
    }

    public CacheStack Stack { get; }

    /// <summary>What the runners of this session let pipelines read.</summary>
    public ISourceAccessPolicy Sources { get; }

    public IMemoCache Cache => Stack.Cache;

    public static CacheConfig LoadConfig(string? configPath, string? cacheDir)
    {
        CacheConfig config;
        try
        {
            config = configPath is null ? new CacheConfig() : CacheConfig.Load(configPath);
        }
        catch (ConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
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
    /// <exception cref="UsageException">A root is not a directory, or the sources section is invalid.</exception>
    public static ISourceAccessPolicy ServerSources(CacheConfig config, IReadOnlyList<string> dataRoots)
    {
        foreach (var root in dataRoots)
        {
            if (!Directory.Exists(root))
            {
                throw new UsageException($"--data-root '{root}': not an existing directory");
            }
        }
        try
        {
            return SourcesOptions.FromJson(config.Sources).ForServer(dataRoots);
        }
        catch (ConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

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
        try
        {
            sources ??= SourcesOptions.FromJson(config.Sources).ForCli();
            return new CacheSession(CacheStack.Create(config, Codecs(), loggerFactory: StderrLoggerFactory.Instance, scopes: scopes,
                shortLived: shortLived), sources);
        }
        catch (ConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>
    /// A runner over <paramref name="cache"/> (this session's cache when null) that records sliceable results in the
    /// machine index, so sub-grid reuse works across processes.
    /// </summary>
    /// <param name="cache">The cache; this session's when null.</param>
    /// <param name="remote">Evaluates nodes on other cluster members first, or null.</param>
    /// <param name="progress">Called with (done, total) as nodes finish, or null.</param>
    public PipelineRunner CreateRunner(IMemoCache? cache = null, IRemoteEvaluator? remote = null, Action<int, int>? progress = null) =>
        new(cache ?? Cache, new RunnerOptions { Catalog = Stack.Index, Remote = remote, Progress = progress, Sources = Sources });

    public ValueTask DisposeAsync() => Stack.DisposeAsync();

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
