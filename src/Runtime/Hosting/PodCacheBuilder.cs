using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Hosting;

/// <summary>
/// Composes a <see cref="PodCacheHost"/> without a DI container, through the same configuration pipeline as the CLI:
/// <code>
/// await using var podcache = new PodCacheBuilder()
///     .UseConfigurationFile("podcache.json")        // optional; the embedded default without it
///     .Set("cache.tiers.disk.path", "/tmp/cache")  // as --set would
///     .Build();
/// var run = await podcache.CreateRunner().RunAsync(pipeline, coordinates);
/// </code>
/// <c>PODCACHE__...</c> environment variables are read unless <see cref="IgnoreEnvironment"/> is called.
/// </summary>
public sealed class PodCacheBuilder
{
    private readonly List<ConfigurationOverride> _overrides = [];
    private string? _file;
    private IConfiguration? _configuration;
    private IDictionary? _environment;
    private bool _useEnvironment = true;
    private NodeRegistry? _registry;
    private ISourceAccessPolicy? _sources;
    private ILoggerFactory? _loggerFactory;
    private TierBudgetScopes? _scopes;
    private bool _shortLived;
    private TimeProvider? _time;

    /// <summary>Reads <paramref name="path"/> (<c>podcache.json</c>) first.</summary>
    public PodCacheBuilder UseConfigurationFile(string? path)
    {
        _file = path;
        return this;
    }

    /// <summary>Reads an application's configuration (e.g. <c>Configuration.GetSection("PodCache")</c>) instead of a file and the environment.</summary>
    public PodCacheBuilder UseConfiguration(IConfiguration configuration)
    {
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        return this;
    }

    /// <summary>Reads <c>PODCACHE__...</c> variables from <paramref name="variables"/> instead of the process's environment.</summary>
    public PodCacheBuilder UseEnvironment(IDictionary variables)
    {
        _environment = variables ?? throw new ArgumentNullException(nameof(variables));
        _useEnvironment = true;
        return this;
    }

    /// <summary>Reads no environment variables.</summary>
    public PodCacheBuilder IgnoreEnvironment()
    {
        _useEnvironment = false;
        return this;
    }

    /// <summary>Sets one key over every other source, as <c>--set PATH=VALUE</c> does (<c>cache.policy</c>, <c>lru</c>).</summary>
    public PodCacheBuilder Set(string path, string? value, string? flag = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _overrides.Add(new ConfigurationOverride(path, value, flag ?? "--set " + path));
        return this;
    }

    /// <summary>Sets keys over every other source, each naming the flag it came from.</summary>
    public PodCacheBuilder Set(IEnumerable<ConfigurationOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        _overrides.AddRange(overrides);
        return this;
    }

    /// <summary>Parses pipelines with <paramref name="registry"/> (built-in nodes plus an application's own).</summary>
    public PodCacheBuilder UseRegistry(NodeRegistry registry)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        return this;
    }

    /// <summary>Lets pipelines read only what <paramref name="sources"/> allows (instead of the <c>sources.allow</c> section's CLI policy).</summary>
    public PodCacheBuilder UseSourceAccess(ISourceAccessPolicy sources)
    {
        _sources = sources ?? throw new ArgumentNullException(nameof(sources));
        return this;
    }

    /// <summary>Logs through <paramref name="loggerFactory"/>.</summary>
    public PodCacheBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Makes the tiers answer to cluster-wide budget scopes too.</summary>
    public PodCacheBuilder UseBudgetScopes(TierBudgetScopes? scopes)
    {
        _scopes = scopes;
        return this;
    }

    /// <summary>A short-lived process (a CLI command): a failed S3 is skipped for the rest of the process.</summary>
    public PodCacheBuilder ShortLived(bool shortLived = true)
    {
        _shortLived = shortLived;
        return this;
    }

    /// <summary>Uses <paramref name="time"/> as the clock.</summary>
    public PodCacheBuilder UseTime(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        return this;
    }

    /// <summary>The configuration the sources given make, before validation.</summary>
    /// <exception cref="ConfigurationException">The file cannot be read or is not a JSON object.</exception>
    public IConfiguration BuildConfiguration()
    {
        if (_configuration is not null)
        {
            return _overrides.Count == 0 ? _configuration
                : new ConfigurationBuilder().AddConfiguration(_configuration).AddPodCacheOverrides(_overrides).Build();
        }
        var builder = new ConfigurationBuilder();
        if (_file is not null)
        {
            builder.AddPodCacheFile(_file);
        }
        if (_useEnvironment)
        {
            builder.AddPodCacheEnvironment(_environment, legacyCacheDir: _file is null);
        }
        return builder.AddPodCacheOverrides(_overrides).Build();
    }

    /// <summary>The validated options.</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with where it came from.</exception>
    public PodCacheOptions BuildOptions() => PodCacheOptions.Load(BuildConfiguration());

    /// <summary>Validates the configuration and opens the cache.</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with where it came from.</exception>
    public PodCacheHost Build() => Build(BuildOptions());

    /// <summary>Opens the cache of already validated <paramref name="options"/>.</summary>
    public PodCacheHost Build(PodCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PodCacheHost(options, _registry ?? NodeRegistry.Default, _sources, _loggerFactory, _scopes, _shortLived, _time);
    }
}
