using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Runtime.Json;

namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// A parsed PODPAC 4 <c>interpolation</c> attr (<c>InterpolationManager.__init__</c>): a method string, a dict
/// <c>{"method", "params", "interpolators", "dims"}</c>, or a list of such dicts each naming its <c>dims</c>. The
/// entries keep definition order with the default last; a list without a default gets PODPAC's <c>nearest</c> for
/// every dim no entry names. One parser serves every node with the attr (Interpolate, Reproject).
/// </summary>
internal sealed class InterpolationDefinition
{
    private InterpolationDefinition(IReadOnlyList<InterpolationEntry> entries) => Entries = entries;

    /// <summary>The entries: those naming dims in definition order, then the default.</summary>
    public IReadOnlyList<InterpolationEntry> Entries { get; }

    /// <summary>The default entry (every dim no other entry names).</summary>
    public InterpolationEntry Default => Entries[^1];

    /// <summary>The entry that covers <paramref name="dim"/>.</summary>
    public InterpolationEntry For(string dim) => Entries.FirstOrDefault(e => e.Dims?.Contains(dim) == true) ?? Default;

    /// <summary>PODPAC's default, <c>"nearest"</c>.</summary>
    public static InterpolationDefinition Nearest { get; } = new([DefaultEntry("nearest")]);

    /// <summary>The AttrSpec every node with an <c>interpolation</c> attr declares.</summary>
    public static AttrSpec Attr(string name = "interpolation") => new(name, AttrType.Any, "nearest");

    private static InterpolationEntry DefaultEntry(string method) =>
        new(method, Interpolators.For(method), NearestParams.Default, null);

    /// <summary>
    /// Parses attr <paramref name="attr"/> of <paramref name="ctx"/>, reporting problems at their JSON path
    /// (<c>REF.attrs.interpolation[1].method</c>); null when there were any.
    /// </summary>
    public static InterpolationDefinition? Parse(NodeBuildContext ctx, string attr = "interpolation")
    {
        bool failed = false;
        void Fail(string suffix, string message)
        {
            failed = true;
            ctx.ErrorAt($"attrs.{attr}{suffix}", message);
        }
        var def = Parse(ctx.Attrs[attr], Fail);
        return failed ? null : def;
    }

    /// <summary>Parses <paramref name="value"/>; <paramref name="fail"/> gets a path suffix and a message per problem.</summary>
    internal static InterpolationDefinition? Parse(JsonNode? value, Action<string, string> fail)
    {
        switch (value)
        {
            case null:
                return Nearest;
            case JsonObject one:
                return FromList([one], "", fail);
            case JsonArray list:
                return FromList(list, null, fail);
        }
        if (JsonNumbers.TryGetString(value, out var method))
        {
            return CheckMethod(method, "", fail) ? new([DefaultEntry(method)]) : null;
        }
        fail("", $"must be a method string, an interpolation dict or a list of dicts, not {JsonNumbers.Describe(value)}");
        return null;
    }

    private static bool CheckMethod(string method, string path, Action<string, string> fail)
    {
        if (!Interpolators.AllMethods.Contains(method))
        {
            fail(path, $"'{method}' is not an interpolation method{Closest.Hint(method, Interpolators.AllMethods)} "
                + $"(valid: {string.Join(", ", Interpolators.ImplementedMethods)})");
            return false;
        }
        if (!Interpolators.ImplementedMethods.Contains(method))
        {
            fail(path, $"PODPAC's interpolation method '{method}' is not supported by PodCache "
                + $"(supported: {string.Join(", ", Interpolators.ImplementedMethods)})");
            return false;
        }
        return true;
    }

    /// <param name="items">The dicts.</param>
    /// <param name="single">The path suffix when <paramref name="items"/> came from one dict (its items are not indexed).</param>
    /// <param name="fail">Problem sink.</param>
    private static InterpolationDefinition? FromList(IEnumerable<JsonNode?> items, string? single, Action<string, string> fail)
    {
        var entries = new List<InterpolationEntry>();
        InterpolationEntry? fallback = null;
        bool ok = true;
        int i = 0;
        foreach (var item in items)
        {
            string path = single ?? $"[{i}]";
            i++;
            var entry = Entry(item, path, fail);
            if (entry is null)
            {
                ok = false;
                continue;
            }
            if (entry.Dims is null)
            {
                if (fallback is not null)
                {
                    fail(path, "a second entry without 'dims': only one entry may be the default for the other dims");
                    ok = false;
                }
                fallback = entry;
                continue;
            }
            foreach (var d in entry.Dims)
            {
                if (entries.Any(e => e.Dims!.Contains(d)))
                {
                    fail(path + ".dims", $"dim '{d}' is already given an interpolation by an earlier entry");
                    ok = false;
                }
            }
            entries.Add(entry);
        }
        if (!ok)
        {
            return null;
        }
        entries.Add(fallback ?? DefaultEntry("nearest"));
        return new(entries);
    }

    private static InterpolationEntry? Entry(JsonNode? item, string path, Action<string, string> fail)
    {
        if (JsonNumbers.TryGetString(item, out var bare))
        {
            return CheckMethod(bare, path, fail) ? DefaultEntry(bare) : null;
        }
        if (item is not JsonObject o)
        {
            fail(path, $"an interpolation entry must be a dict with a 'method', not {JsonNumbers.Describe(item)}");
            return null;
        }
        foreach (var key in o.Select(p => p.Key))
        {
            if (key is not ("method" or "params" or "interpolators" or "dims"))
            {
                fail($"{path}.{key}", $"unknown key{Closest.Hint(key, ["method", "params", "interpolators", "dims"])} (keys: method, params, interpolators, dims)");
                return null;
            }
        }
        if (!JsonNumbers.TryGetString(o["method"], out var method))
        {
            fail($"{path}.method", o.ContainsKey("method") ? $"must be a method string, not {JsonNumbers.Describe(o["method"])}" : "is required");
            return null;
        }
        if (!CheckMethod(method, $"{path}.method", fail))
        {
            return null;
        }
        var kinds = Interpolators.For(method);
        if (o["interpolators"] is { } listed)
        {
            if (listed is not JsonArray names || names.Count == 0)
            {
                fail($"{path}.interpolators", $"must be a non-empty list of interpolator names ({string.Join(", ", Interpolators.Names)})");
                return null;
            }
            var chosen = new List<InterpolatorKind>();
            for (int j = 0; j < names.Count; j++)
            {
                if (!JsonNumbers.TryGetString(names[j], out var name) || !Interpolators.TryParse(name, out var kind))
                {
                    string shown = JsonNumbers.TryGetString(names[j], out var s) ? $"'{s}'" : JsonNumbers.Describe(names[j]);
                    fail($"{path}.interpolators[{j}]", $"{shown} is not an interpolator{(s is null ? "" : Closest.Hint(s, Interpolators.Names))} "
                        + $"(valid: {string.Join(", ", Interpolators.Names)})");
                    return null;
                }
                // PODPAC instantiates every listed class with the method, and each raises if it lacks it.
                if (!Interpolators.MethodsSupported(kind).Contains(method))
                {
                    fail($"{path}.interpolators[{j}]", $"{name} does not support method '{method}' (it supports {string.Join(", ", Interpolators.MethodsSupported(kind))})");
                    return null;
                }
                if (!Interpolators.Implemented(kind, method))
                {
                    fail($"{path}.interpolators[{j}]", $"{name} with method '{method}' is not supported by PodCache");
                    return null;
                }
                chosen.Add(kind);
            }
            kinds = chosen;
        }
        IReadOnlyList<string>? dims = null;
        if (o.ContainsKey("dims"))
        {
            if (o["dims"] is not JsonArray dl || dl.Count == 0 || !dl.All(n => JsonNumbers.TryGetString(n, out var d) && Coordinates.KnownDims.Contains(d)))
            {
                fail($"{path}.dims", $"must be a non-empty list of dim names ({string.Join(", ", Coordinates.KnownDims)})");
                return null;
            }
            dims = dl.Select(n => n!.GetValue<string>()).Distinct().OrderBy(d => d, StringComparer.Ordinal).ToArray();
        }
        var parameters = Params(o["params"], $"{path}.params", fail);
        return parameters is null ? null : new InterpolationEntry(method, kinds, parameters, dims);
    }

    private static NearestParams? Params(JsonNode? node, string path, Action<string, string> fail)
    {
        var p = NearestParams.Default;
        if (node is null)
        {
            return p;
        }
        if (node is not JsonObject o)
        {
            fail(path, $"must be a dict, not {JsonNumbers.Describe(node)}");
            return null;
        }
        foreach (var (key, v) in o)
        {
            string at = $"{path}.{key}";
            switch (key)
            {
                case "spatial_tolerance" or "alt_tolerance":
                    double tol;
                    if (v is null) tol = double.PositiveInfinity;
                    else if (!JsonNumbers.TryGetDouble(v, out tol) || double.IsNaN(tol) || tol < 0)
                    {
                        fail(at, $"must be a non-negative number, not {JsonNumbers.Describe(v)}");
                        return null;
                    }
                    p = key == "spatial_tolerance" ? p with { SpatialTolerance = tol } : p with { AltTolerance = tol };
                    break;
                case "time_tolerance":
                    if (v is null || (JsonNumbers.TryGetString(v, out var empty) && empty.Length == 0))
                    {
                        p = p with { TimeTolerance = null };
                        break;
                    }
                    if (!JsonNumbers.TryGetString(v, out var text) || !TryParseDelta(text, out var delta))
                    {
                        fail(at, $"must be a PODPAC time delta \"N,unit\" such as \"6,h\" (units Y M W D h m s ms us), not {JsonNumbers.Describe(v)}");
                        return null;
                    }
                    p = p with { TimeTolerance = delta };
                    break;
                case "respect_bounds" or "use_selector":
                    if (v is not JsonValue bv || !bv.TryGetValue<bool>(out var b))
                    {
                        fail(at, $"must be true or false, not {JsonNumbers.Describe(v)}");
                        return null;
                    }
                    p = key == "respect_bounds" ? p with { RespectBounds = b } : p with { UseSelector = b };
                    break;
                case "ambiguous_rounding":
                    JsonNumbers.TryGetString(v, out var r);
                    AmbiguousRounding? rounding = r switch
                    {
                        "-infinity" => AmbiguousRounding.Down,
                        "+infinity" => AmbiguousRounding.Up,
                        "unbiased" => AmbiguousRounding.Even,
                        _ => null,
                    };
                    if (rounding is null)
                    {
                        fail(at, $"must be '-infinity', '+infinity' or 'unbiased', not {JsonNumbers.Describe(v)}");
                        return null;
                    }
                    p = p with { Rounding = rounding.Value };
                    break;
                default:
                    if (NearestParams.Unimplemented.Contains(key))
                    {
                        fail(at, $"the interpolation param '{key}' is not supported by PodCache (supported: {string.Join(", ", NearestParams.Names)})");
                        return null;
                    }
                    // PODPAC sets a param only on interpolators with that attribute and ignores the rest (with a
                    // warning); a near miss of a real one is more likely a typo, so that is refused.
                    if (Closest.To(key, NearestParams.Names).Length > 0)
                    {
                        fail(at, $"unknown interpolation param{Closest.Hint(key, NearestParams.Names)}");
                        return null;
                    }
                    break;
            }
        }
        return p;
    }

    /// <summary>PODPAC's <c>make_coord_delta</c> string form, <c>"N,unit"</c>.</summary>
    internal static bool TryParseDelta(string text, out (long Count, TimeUnit Unit) delta)
    {
        delta = default;
        var parts = text.Split(',');
        if (parts.Length != 2
            || !long.TryParse(parts[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            || !TimeUnits.TryParseSymbol(parts[1].Trim(), out var unit))
        {
            return false;
        }
        delta = (n, unit);
        return true;
    }
}
