using PodCache.Cache.Configuration;
using PodCache.Runtime.Hosting;

namespace PodCache.Notebooks;

/// <summary>
/// The notebook entry points. <c>#r "…/PodCache.Notebooks.dll"</c> does not run a kernel extension, so a notebook
/// calls <see cref="Load"/> once after referencing the assembly; a kernel that loads the extension from a NuGet package
/// runs <see cref="PodCacheExtension"/>, which does the same.
/// </summary>
public static class PodCacheNotebook
{
    /// <summary>
    /// Registers PodCache's displays with the kernel's formatters: a run as its graph, an array as a heatmap (or line
    /// plot) with a summary, cache statistics as a table. Safe to call more than once.
    /// </summary>
    public static void Load() => Displays.Register();

    /// <summary>
    /// Opens the cache in <paramref name="cacheDirectory"/> (created if missing) with PodCache's default tiers: RAM and
    /// that directory on disk, shared with every other process on the machine (the CLI, servers, other notebooks).
    /// Composed as the CLI composes it: <paramref name="configFile"/> when given, then <c>PODCACHE__...</c> environment
    /// variables, then the directory.
    /// </summary>
    /// <param name="cacheDirectory">The disk cache directory, e.g. the CLI's <c>.podcache</c>.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <param name="registry">The node types to parse pipelines with: an application's own (with its nodes added), or the built-in ones when null.</param>
    /// <param name="configFile">A <c>podcache.json</c> for budgets, policy, limits and sources, or null.</param>
    /// <exception cref="ConfigurationException">The configuration is invalid; the message names where.</exception>
    public static PodCacheSession Open(string cacheDirectory, TimeProvider? time = null, PodCache.Runtime.Nodes.NodeRegistry? registry = null,
        string? configFile = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        string dir = Path.GetFullPath(cacheDirectory);
        var builder = new PodCacheBuilder().UseConfigurationFile(configFile).Set("cache.tiers.disk.path", dir, "cacheDirectory");
        if (time is not null) builder.UseTime(time);
        if (registry is not null) builder.UseRegistry(registry);
        return new PodCacheSession(dir, builder.Build());
    }
}
