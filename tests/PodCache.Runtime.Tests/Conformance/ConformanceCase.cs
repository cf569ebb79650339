using System.Globalization;

namespace PodCache.Runtime.Tests.Conformance;

/// <summary>One case folder and the comparison rule of tests/conformance/README.md.</summary>
public static class ConformanceCase
{
    public static IEnumerable<object[]> All() =>
        Directory.GetDirectories(TestPaths.ConformanceCases)
            .Where(d => File.Exists(Path.Combine(d, "expected.json")))
            .Select(d => new object[] { Path.GetFileName(d) })
            .OrderBy(o => (string)o[0], StringComparer.Ordinal);

    public static string Folder(string name) => Path.Combine(TestPaths.ConformanceCases, name);

    /// <summary>Compares actual JSON output (SPEC §8) with expected.json; returns the mismatches (empty = match).</summary>
    public static List<string> Compare(string expectedJson, string actualJson) => Comparison.Compare(expectedJson, actualJson);

    public static string Describe(IEnumerable<string> problems) =>
        string.Join(Environment.NewLine, problems.Take(20).Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
