namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>Valid documents the fuzz targets start from: the conformance cases' and the examples' inputs.</summary>
internal static class FuzzSeeds
{
    /// <summary>The text of every file called <paramref name="name"/> under the conformance cases and the example pipelines.</summary>
    public static IReadOnlyList<string> Files(string name)
    {
        var dirs = new[] { TestPaths.ConformanceCases, Path.Combine(TestPaths.Examples, "pipelines") };
        var texts = dirs.SelectMany(d => Directory.EnumerateFiles(d, name, SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToList();
        Assert.True(texts.Count >= 5, $"expected seed files named {name}");
        return texts;
    }
}
