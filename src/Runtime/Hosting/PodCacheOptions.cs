using Microsoft.Extensions.Configuration;
using PodCache.Cache.Configuration;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Hosting;

/// <summary>
/// The validated configuration of an embedded PodCache: the <c>cache</c>, <c>limits</c> and <c>sources</c> sections of
/// one <see cref="ConfigurationDocument"/>, checked together once, every problem named with its path and the file,
/// environment variable or flag it came from. The <c>server</c> and <c>cluster</c> sections stay in
/// <see cref="Document"/> for the layers that read them.
/// </summary>
public sealed class PodCacheOptions
{
    private PodCacheOptions(ConfigurationDocument document, CacheConfig cache, RuntimeLimits limits, SourcesOptions sources)
    {
        Document = document;
        Cache = cache;
        Limits = limits;
        Sources = sources;
    }

    /// <summary>The document the options were read from, with where each value came from.</summary>
    public ConfigurationDocument Document { get; }

    /// <summary>The <c>cache</c> section: tiers, budgets, policy.</summary>
    public CacheConfig Cache { get; }

    /// <summary>The <c>limits</c> section.</summary>
    public RuntimeLimits Limits { get; }

    /// <summary>The <c>sources</c> section.</summary>
    public SourcesOptions Sources { get; }

    /// <summary>The embedded default: RAM and a <c>.podcache</c> disk directory, default limits, any source readable.</summary>
    public static PodCacheOptions Default => Load(ConfigurationDocument.Empty);

    /// <summary>Reads and validates <paramref name="configuration"/> (PodCache's own or an application's section).</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed.</exception>
    public static PodCacheOptions Load(IConfiguration configuration) => Load(ConfigurationDocument.From(configuration));

    /// <summary>Validates <paramref name="document"/>.</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed.</exception>
    public static PodCacheOptions Load(ConfigurationDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<string>(document.Problems);
        var cache = CacheConfig.From(document, errors);
        var limits = RuntimeLimits.Read(document.Section("limits"), errors);
        var sources = SourcesOptions.Read(document.Section("sources"), errors);
        document.ThrowIfAny(errors);
        return new PodCacheOptions(document, cache, limits, sources);
    }
}
