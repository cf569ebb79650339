using PodCache.Cache.Configuration;
using PodCache.Runtime.Hosting;
using PodCache.Server;

namespace PodCache.Cli;

/// <summary>
/// The flags that set configuration keys, as overrides of the one configuration pipeline: <c>--cache-dir</c>,
/// <c>serve</c>'s <c>--http-port</c>, <c>--bind</c>, <c>--max-body-bytes</c> and <c>--max-inflight-bytes</c>, and
/// <c>--set PATH=VALUE</c> for any key. They override the <c>--config</c> file and the environment.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>Each flag and the key it sets.</summary>
    public static readonly IReadOnlyList<(string Flag, string Path)> KeyFlags =
    [
        ("cache-dir", "cache.tiers.disk.path"),
        ("http-port", "server.port"),
        ("bind", "server.bind"),
        ("max-body-bytes", "server.maxBodyBytes"),
        ("max-inflight-bytes", "server.maxInFlightBytes"),
    ];

    /// <summary>The overrides <paramref name="a"/> gives, in precedence order (a later one wins).</summary>
    /// <exception cref="ConfigurationException">A <c>--set</c> is not PATH=VALUE.</exception>
    public static IReadOnlyList<ConfigurationOverride> Overrides(CommandArgs a)
    {
        var overrides = new List<ConfigurationOverride>();
        foreach (var (flag, path) in KeyFlags)
        {
            if (a.Get(flag) is { } value)
            {
                overrides.Add(new ConfigurationOverride(path, value, "--" + flag));
            }
        }
        foreach (var set in a.GetAll("set"))
        {
            overrides.Add(PodCacheConfiguration.ParseSet(set));
        }
        return overrides;
    }

    /// <summary>The validated configuration of the command: <c>--config</c>, the environment, then the flags.</summary>
    /// <exception cref="ConfigurationException">Anything invalid, named with where it came from.</exception>
    public static PodCacheOptions Load(CommandArgs a) => CacheSession.LoadOptions(a.Get("config"), Overrides(a));
}
