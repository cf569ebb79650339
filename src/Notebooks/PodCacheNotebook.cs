using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Serialization;
using PodCache.Runtime.Serialization;

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
    /// </summary>
    /// <param name="cacheDirectory">The disk cache directory, e.g. the CLI's <c>.podcache</c>.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <param name="registry">The node types to parse pipelines with: an application's own (with its nodes added), or the built-in ones when null.</param>
    public static PodCacheSession Open(string cacheDirectory, TimeProvider? time = null, PodCache.Runtime.Nodes.NodeRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        string dir = Path.GetFullPath(cacheDirectory);
        var config = new CacheConfig { DiskEnabled = true, DiskPath = dir };
        time ??= TimeProvider.System;
        var stack = CacheStack.Create(config, new ValueCodecs().Register(new DataArrayCodec()), time: time);
        return new PodCacheSession(dir, stack, time, registry);
    }
}
