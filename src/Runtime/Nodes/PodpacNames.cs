using System.Collections.Frozen;

namespace PodCache.Runtime.Nodes;

/// <summary>
/// Every <c>"node"</c> spelling PODPAC 4.0.0 loads and the class each names (<c>PodpacNames.tsv</c>, generated from
/// PODPAC by <c>tests/conformance/generators/podpac_names.py</c>): how PodCache knows a name is a real PODPAC node, and
/// which other spellings mean the same class.
/// </summary>
public static class PodpacNames
{
    private static readonly Lazy<(FrozenDictionary<string, string> ClassOf, FrozenDictionary<string, string[]> Spellings)> Table = new(Load);

    /// <summary>
    /// The PODPAC class (its own module path, e.g. <c>core.algorithm.stats.Mean</c>) that <paramref name="spelling"/>
    /// names when PODPAC 4 loads it, or null when PODPAC 4 would not load it.
    /// </summary>
    public static string? ClassOf(string spelling)
    {
        ArgumentNullException.ThrowIfNull(spelling);
        return Table.Value.ClassOf.TryGetValue(spelling, out var c) ? c : null;
    }

    /// <summary>Every spelling of the class <paramref name="spelling"/> names (none when PODPAC would not load it).</summary>
    public static IReadOnlyList<string> SpellingsOf(string spelling) =>
        ClassOf(spelling) is { } c ? Table.Value.Spellings[c] : [];

    /// <summary>Every class PODPAC 4 has, by its own module path.</summary>
    public static IEnumerable<string> Classes => Table.Value.Spellings.Keys;

    private static (FrozenDictionary<string, string>, FrozenDictionary<string, string[]>) Load()
    {
        using var stream = typeof(PodpacNames).Assembly.GetManifestResourceStream("PodCache.Runtime.PodpacNames.tsv")
            ?? throw new InvalidOperationException("PodpacNames.tsv is not embedded in PodCache.Runtime");
        using var reader = new StreamReader(stream);
        var classOf = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            classOf[line[..tab]] = line[(tab + 1)..];
        }
        var spellings = classOf.GroupBy(kv => kv.Value, StringComparer.Ordinal)
            // The class's own path first, then the shortest: the order aliases are tried in.
            .ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).OrderBy(s => s == g.Key ? 0 : 1).ThenBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
        return (classOf.ToFrozenDictionary(StringComparer.Ordinal), spellings.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
