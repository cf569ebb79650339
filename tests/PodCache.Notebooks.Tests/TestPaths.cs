namespace PodCache.Notebooks.Tests;

/// <summary>Repository folders, found from the test binaries.</summary>
internal static class TestPaths
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PodCache.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Notebooks => Path.Combine(RepoRoot, "examples", "notebooks");

    public static string SinAnomaly => Path.Combine(RepoRoot, "examples", "pipelines", "sin-anomaly");
}
