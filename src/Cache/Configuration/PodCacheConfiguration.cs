using System.Collections;
using Microsoft.Extensions.Configuration;

namespace PodCache.Cache.Configuration;

/// <summary>
/// PodCache's configuration pipeline on Microsoft.Extensions.Configuration: the configuration file, then
/// <c>PODCACHE__...</c> environment variables, then command-line flags, each overriding the one before. The result is
/// turned into one document by <see cref="ConfigurationDocument.From"/> and validated once by each layer.
/// </summary>
public static class PodCacheConfiguration
{
    /// <summary>The prefix of the environment variables read: <c>PODCACHE__CACHE__TIERS__RAM__MAXBYTES=2GiB</c>.</summary>
    public const string EnvironmentPrefix = "PODCACHE__";

    /// <summary>Adds <c>podcache.json</c> (comments and trailing commas allowed).</summary>
    public static IConfigurationBuilder AddPodCacheFile(this IConfigurationBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new PodCacheJsonFileSource(path));
    }

    /// <summary>Adds the <c>PODCACHE__...</c> environment variables of <paramref name="variables"/> (the process's when null).</summary>
    public static IConfigurationBuilder AddPodCacheEnvironment(this IConfigurationBuilder builder, IDictionary? variables = null, bool legacyCacheDir = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new PodCacheEnvironmentSource(variables, legacyCacheDir));
    }

    /// <summary>Adds command-line flags, each naming the key it sets.</summary>
    public static IConfigurationBuilder AddPodCacheOverrides(this IConfigurationBuilder builder, IEnumerable<ConfigurationOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new PodCacheOverridesSource(overrides));
    }

    /// <summary>
    /// The CLI's configuration: <paramref name="file"/> when given, the environment, then <paramref name="overrides"/>.
    /// <c>PODCACHE_CACHE_DIR</c> counts only without a file, as it always has.
    /// </summary>
    /// <exception cref="ConfigurationException">The file cannot be read or is not a JSON object.</exception>
    public static IConfigurationRoot Build(string? file, IEnumerable<ConfigurationOverride>? overrides = null, IDictionary? environment = null)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            builder.AddPodCacheFile(file);
        }
        builder.AddPodCacheEnvironment(environment, legacyCacheDir: file is null);
        if (overrides is not null)
        {
            builder.AddPodCacheOverrides(overrides);
        }
        return builder.Build();
    }

    /// <summary>
    /// Reads <c>--set PATH=VALUE</c>: any key of <see cref="ConfigurationReference"/> (<c>cache.policy=lru</c>); a list
    /// element as <c>sources.allow.urls.0=https://...</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">Not <c>PATH=VALUE</c>.</exception>
    public static ConfigurationOverride ParseSet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ConfigurationException($"--set '{text}': give PATH=VALUE, e.g. --set cache.policy=lru");
        }
        string path = text[..eq].Trim();
        return new ConfigurationOverride(path, text[(eq + 1)..], "--set " + path);
    }
}
