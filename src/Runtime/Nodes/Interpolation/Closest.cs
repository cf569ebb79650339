namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>"Did you mean" hints: the candidates within a small edit distance of a misspelt name.</summary>
internal static class Closest
{
    /// <summary>
    /// The candidates nearest <paramref name="word"/> by edit distance (case-insensitive), at most a third of its
    /// length away, best first; empty when none is that close.
    /// </summary>
    public static string[] To(string word, IEnumerable<string> candidates)
    {
        int limit = Math.Max(1, word.Length / 3);
        return candidates
            .Select(c => (c, d: Distance(word.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.d <= limit)
            .OrderBy(x => x.d)
            .Select(x => x.c)
            .Take(3)
            .ToArray();
    }

    /// <summary>" (did you mean 'x'?)" or an empty string.</summary>
    public static string Hint(string word, IEnumerable<string> candidates)
    {
        var close = To(word, candidates);
        return close.Length == 0 ? "" : $"; did you mean {string.Join(" or ", close.Select(c => "'" + c + "'"))}?";
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = Math.Min(sub, Math.Min(prev[j] + 1, cur[j - 1] + 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
