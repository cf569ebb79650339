using System.Text.Json;

namespace PodCache.Tests.Shared;

/// <summary>
/// The comparison rule of tests/conformance/README.md, shared (as a linked source file) by the test projects that
/// check conformance cases through the API, the CLI and the HTTP server.
/// </summary>
internal static class Comparison
{
    /// <summary>Compares actual JSON output (SPEC §8) with expected.json; returns the mismatches (empty = match).</summary>
    public static List<string> Compare(string expectedJson, string actualJson)
    {
        var problems = new List<string>();
        using var e = JsonDocument.Parse(expectedJson);
        using var a = JsonDocument.Parse(actualJson);
        var er = e.RootElement;
        var ar = a.RootElement;
        var eDims = er.GetProperty("dims").EnumerateArray().Select(x => x.GetString()).ToArray();
        var aDims = ar.GetProperty("dims").EnumerateArray().Select(x => x.GetString()).ToArray();
        if (!eDims.SequenceEqual(aDims))
        {
            problems.Add($"dims: expected [{string.Join(",", eDims)}], got [{string.Join(",", aDims)}]");
            return problems;
        }
        var eShape = er.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var aShape = ar.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        if (!eShape.SequenceEqual(aShape))
        {
            problems.Add($"shape: expected [{string.Join(",", eShape)}], got [{string.Join(",", aShape)}]");
            return problems;
        }
        foreach (var dim in eDims)
        {
            var ec = er.GetProperty("coords").GetProperty(dim!).EnumerateArray().ToArray();
            var ac = ar.GetProperty("coords").GetProperty(dim!).EnumerateArray().ToArray();
            if (ec.Length != ac.Length)
            {
                problems.Add($"coords.{dim}: expected {ec.Length} values, got {ac.Length}");
                continue;
            }
            for (int i = 0; i < ec.Length; i++)
            {
                if (ec[i].ValueKind == JsonValueKind.String)
                {
                    if (ec[i].GetString() != ac[i].GetString())
                        problems.Add($"coords.{dim}[{i}]: expected {ec[i].GetString()}, got {ac[i]}");
                }
                else if (ac[i].ValueKind != JsonValueKind.Number || !Close(ec[i].GetDouble(), ac[i].GetDouble()))
                {
                    problems.Add($"coords.{dim}[{i}]: expected {ec[i]}, got {ac[i]}");
                }
            }
        }
        var ev = new List<JsonElement>();
        var av = new List<JsonElement>();
        Flatten(er.GetProperty("values"), ev);
        Flatten(ar.GetProperty("values"), av);
        if (ev.Count != av.Count)
        {
            problems.Add($"values: expected {ev.Count} cells, got {av.Count}");
            return problems;
        }
        for (int i = 0; i < ev.Count && problems.Count < 20; i++)
        {
            if (!CellMatches(ev[i], av[i]))
            {
                problems.Add($"values[{i}] (flat): expected {ev[i]}, got {av[i]}");
            }
        }
        return problems;
    }

    private static void Flatten(JsonElement el, List<JsonElement> into)
    {
        if (el.ValueKind == JsonValueKind.Array)
        {
            foreach (var x in el.EnumerateArray()) Flatten(x, into);
        }
        else
        {
            into.Add(el);
        }
    }

    private static bool CellMatches(JsonElement e, JsonElement a)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                return a.ValueKind == JsonValueKind.Null;
            case JsonValueKind.String:
                return a.ValueKind == JsonValueKind.String && a.GetString() == e.GetString();
            case JsonValueKind.Number:
                return a.ValueKind == JsonValueKind.Number && Close(e.GetDouble(), a.GetDouble());
            default:
                return false;
        }
    }

    public static bool Close(double e, double a) =>
        Math.Abs(a - e) <= Math.Max(1e-12, 1e-9 * Math.Max(Math.Abs(a), Math.Abs(e)));

}
