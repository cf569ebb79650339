namespace PodCache.Cache.Configuration;

/// <summary>Where a configuration value came from.</summary>
public enum ConfigurationOriginKind
{
    /// <summary>Nobody set it: the documented default.</summary>
    Default,

    /// <summary>The configuration file.</summary>
    File,

    /// <summary>An environment variable.</summary>
    Environment,

    /// <summary>A command-line flag.</summary>
    CommandLine,

    /// <summary>Another configuration provider (an application's own <c>IConfiguration</c>).</summary>
    Other,
}

/// <summary>Where a configuration value came from: the file, the variable or the flag, by name.</summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Name">The file's path, the variable's or flag's name, or the provider and key.</param>
public sealed record ConfigurationOrigin(ConfigurationOriginKind Kind, string Name)
{
    /// <summary>The default.</summary>
    public static ConfigurationOrigin Default { get; } = new(ConfigurationOriginKind.Default, "default");

    /// <summary>For people: <c>podcache.json</c>, <c>environment PODCACHE__CACHE__POLICY</c>, <c>--cache-dir</c>, <c>default</c>.</summary>
    public override string ToString() => Kind switch
    {
        ConfigurationOriginKind.Environment => "environment " + Name,
        _ => Name,
    };
}

/// <summary>A configuration provider that can say which file, variable or flag a key came from.</summary>
public interface IConfigurationOriginProvider
{
    /// <summary>Where <paramref name="key"/> (a <c>:</c>-separated configuration key this provider holds) came from.</summary>
    ConfigurationOrigin OriginOf(string key);
}

/// <summary>A command-line flag that sets a configuration key (<c>--cache-dir DIR</c> sets <c>cache.tiers.disk.path</c>).</summary>
/// <param name="Path">The key, e.g. <c>cache.tiers.disk.path</c>; a list element as <c>cluster.seeds.0</c>.</param>
/// <param name="Value">The value as the user typed it.</param>
/// <param name="Flag">The flag, for messages and <c>podcache config</c> (<c>--cache-dir</c>, <c>--set cache.policy=lru</c>).</param>
public sealed record ConfigurationOverride(string Path, string? Value, string Flag);
