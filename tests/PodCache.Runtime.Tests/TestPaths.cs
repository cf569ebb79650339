namespace PodCache.Runtime.Tests;

/// <summary>Locates repository folders from the test binaries.</summary>
internal static class TestPaths
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PodCache.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (PodCache.sln) above " + AppContext.BaseDirectory);
        }
    }

    public static string ConformanceCases => Path.Combine(RepoRoot, "tests", "conformance", "cases");

    public static string Examples => Path.Combine(RepoRoot, "examples");
}
