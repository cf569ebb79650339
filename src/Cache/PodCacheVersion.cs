using System.Reflection;

namespace PodCache.Cache;

/// <summary>
/// PodCache's version, from git tags through MinVer (Directory.Build.props): <c>0.1.0</c> on a release tag,
/// <c>0.1.0-alpha.0.HEIGHT</c> between tags. Assembly versions carry only the major number, so this is what to show.
/// </summary>
public static class PodCacheVersion
{
    /// <summary>The package version, e.g. <c>0.1.0-alpha.0.131</c> (no build metadata).</summary>
    public static string Current { get; } = Of(typeof(PodCacheVersion).Assembly);

    /// <summary>The version with its build metadata, e.g. <c>0.1.0-alpha.0.131+COMMIT</c>.</summary>
    public static string Full { get; } = FullOf(typeof(PodCacheVersion).Assembly);

    /// <summary>The package version <paramref name="assembly"/> was built as, without build metadata.</summary>
    public static string Of(Assembly assembly)
    {
        string full = FullOf(assembly);
        int plus = full.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? full : full[..plus];
    }

    private static string FullOf(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
               ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
