using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Hosting;
using PodCache.Runtime.Sources;

namespace PodCache.Server;

/// <summary>
/// The cache a CLI command or a server works with: a <see cref="PodCacheHost"/> composed through the one configuration
/// pipeline (the <c>--config</c> file, <c>PODCACHE__...</c> environment variables, then flags), the embedded default
/// (RAM + a disk directory, <c>.podcache</c>) when nothing is set.
/// </summary>
public sealed class CacheSession : IAsyncDisposable
{
    private CacheSession(PodCacheHost host)
    {
        Host = host;
    }

    /// <summary>The composed PodCache this session wraps.</summary>
    public PodCacheHost Host { get; }

    /// <summary>The validated configuration.</summary>
    public PodCacheOptions Options => Host.Options;

    /// <summary>The configuration's <c>sources</c> section.</summary>
    public SourcesOptions SourcesOptions => Host.Options.Sources;

    /// <summary>What every runner of this session reads sources through.</summary>
    public PodCache.Runtime.Sources.IO.SourceServices SourceServices => Host.SourceServices;

    /// <summary>The cache stack: tiers, machine index, configuration.</summary>
    public CacheStack Stack => Host.Stack;

    /// <summary>The configuration's <c>limits</c> section, or the defaults.</summary>
    public RuntimeLimits Limits => Host.Limits;

    /// <summary>What the runners of this session let pipelines read.</summary>
    public ISourceAccessPolicy Sources => Host.Sources;

    /// <summary>The stack's cache.</summary>
    public IMemoCache Cache => Host.Cache;

    /// <summary>The node types runs parse with.</summary>
    public PodCache.Runtime.Nodes.NodeRegistry Registry => Host.Registry;

    /// <summary><c>--cache-dir DIR</c> as the override it is: <c>cache.tiers.disk.path</c>.</summary>
    public static IReadOnlyList<ConfigurationOverride> CacheDirOverride(string? cacheDir) =>
        cacheDir is null ? [] : [new ConfigurationOverride("cache.tiers.disk.path", cacheDir, "--cache-dir")];

    /// <summary>
    /// The configuration of <paramref name="configPath"/> (none: the embedded default), the environment's
    /// <c>PODCACHE__...</c> variables and <paramref name="overrides"/>, validated once.
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing or anything is invalid; the message names where.</exception>
    public static PodCacheOptions LoadOptions(string? configPath, IEnumerable<ConfigurationOverride>? overrides = null)
    {
        try
        {
            if (configPath is not null)
            {
                // A device or FIFO given as the configuration would block or never end.
                PodCache.Runtime.Pipelines.InputFile.EnsureRegular(configPath, "configuration");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigurationException(ex.Message, ex);
        }
        return PodCacheOptions.Load(PodCacheConfiguration.Build(configPath, overrides));
    }

    /// <summary>
    /// What <c>podcache serve</c> lets pipelines read: files under <paramref name="dataRoots"/> and the config's
    /// <c>sources.allow.files</c> (the working directory when neither names one), URLs under <c>sources.allow.urls</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">A root is not a directory.</exception>
    public static ISourceAccessPolicy ServerSources(PodCacheOptions options, IReadOnlyList<string> dataRoots)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var root in dataRoots)
        {
            if (!Directory.Exists(root))
            {
                throw new ConfigurationException($"--data-root '{root}': not an existing directory");
            }
        }
        return options.Sources.ForServer(dataRoots);
    }

    /// <summary>The codecs cached values are written with: the runtime's <see cref="PodCache.Runtime.Serialization.DataArrayCodec"/>.</summary>
    public static ValueCodecs Codecs() => PodCacheHost.Codecs();

    /// <summary>
    /// Opens the cache of <paramref name="configPath"/> and <paramref name="cacheDir"/>; <paramref name="shortLived"/>
    /// (a CLI command, the default) skips a failed S3 for the rest of the process; a server passes false.
    /// </summary>
    public static CacheSession Open(string? configPath, string? cacheDir, bool shortLived = true) =>
        Open(LoadOptions(configPath, CacheDirOverride(cacheDir)), null, shortLived);

    /// <summary>
    /// Opens <paramref name="options"/>' cache, its tiers answering to <paramref name="scopes"/> too; its runners read
    /// what <paramref name="sources"/> allows (when null, what the config's <c>sources.allow</c> allows the CLI).
    /// </summary>
    public static CacheSession Open(PodCacheOptions options, TierBudgetScopes? scopes, bool shortLived = false, ISourceAccessPolicy? sources = null)
    {
        var builder = new PodCacheBuilder().UseLoggerFactory(StderrLoggerFactory.Instance).UseBudgetScopes(scopes).ShortLived(shortLived);
        if (sources is not null)
        {
            builder.UseSourceAccess(sources);
        }
        return new CacheSession(builder.Build(options));
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
        IRunAdmission? admission = null) => Host.CreateRunner(cache, remote, progress, admission);

    /// <summary>Where runs are saved (null without a disk tier), see <see cref="PodCacheHost.CreateRunStore"/>.</summary>
    public RunStore? CreateRunStore() => Host.CreateRunStore();

    /// <summary>Closes the source clients and the cache stack.</summary>
    public ValueTask DisposeAsync() => Host.DisposeAsync();

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
