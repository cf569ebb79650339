using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Nodes;

/// <summary>Checks given attrs against a type's specs, fills defaults and normalises values for the NodeKey.</summary>
internal static class AttrValidator
{
    public static void Validate(NodeType type, JsonObject? given, NodeBuildContext ctx)
    {
        var specs = type.Attrs.ToDictionary(a => a.Name, StringComparer.Ordinal);
        if (given is not null)
        {
            foreach (var kv in given)
            {
                if (!specs.ContainsKey(kv.Key))
                {
                    var own = type.Attrs.Select(a => a.Name).Where(n => !NodeType.CommonAttrs.Any(c => c.Name == n)).ToList();
                    string hint = Closest(kv.Key, own) is { } close ? $"; did you mean '{close}'?" : "";
                    string list = ctx.Once("attrs:" + type.Name, $" ({type.Name}'s attrs: {(own.Count == 0 ? "none" : string.Join(", ", own))})");
                    ctx.Error(kv.Key, $"unknown attr for {type.Name}{hint}{list}");
                }
            }
        }
        foreach (var spec in type.Attrs)
        {
            JsonNode? value;
            if (given is not null && given.TryGetPropertyValue(spec.Name, out var v))
            {
                value = v;
            }
            else if (spec.Required)
            {
                ctx.Error(spec.Name, "missing: this attr is required");
                continue;
            }
            else
            {
                value = spec.Default?.DeepClone();
            }
            var normalised = Normalise(spec, value, ctx);
            ctx.Attrs[spec.Name] = normalised;
        }
        if (ctx.GetBool("xarray_floating_point_correction"))
        {
            ctx.Error("xarray_floating_point_correction", "true is not supported (it relabels inputs positionally); use false");
        }
    }

    private static JsonNode? Normalise(AttrSpec spec, JsonNode? value, NodeBuildContext ctx)
    {
        string name = spec.Name;
        switch (spec.Type)
        {
            case AttrType.Number:
                if (JsonNumbers.TryGetDouble(value, out var d)) return JsonValue.Create(d);
                if (JsonNumbers.TryGetString(value, out var s) && TryNamedFloat(s, out d)) return JsonValue.Create(d);
                ctx.Error(name, $"must be a number, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.NullableNumber:
                if (value is null) return null;
                goto case AttrType.Number;
            case AttrType.Bool:
                if (value is JsonValue bv && bv.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
                {
                    return JsonValue.Create(bv.GetValue<bool>());
                }
                ctx.Error(name, $"must be true or false, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.NullableString:
                if (value is null) return null;
                goto case AttrType.String;
            case AttrType.String:
                if (JsonNumbers.TryGetString(value, out var str)) return JsonValue.Create(str);
                ctx.Error(name, $"must be a string, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.Choice:
                if (JsonNumbers.TryGetString(value, out var c) && spec.Choices!.Contains(c)) return JsonValue.Create(c);
                ctx.Error(name, $"must be one of {string.Join(", ", spec.Choices!.Select(x => "'" + x + "'"))}, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.StringList:
                if (value is JsonArray sl && sl.All(n => JsonNumbers.TryGetString(n, out _)))
                {
                    return new JsonArray(sl.Select(n => (JsonNode?)JsonValue.Create(n!.GetValue<string>())).ToArray());
                }
                ctx.Error(name, $"must be a list of strings, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.Dims:
                if (value is null) return null;
                if (JsonNumbers.TryGetString(value, out var one)) return new JsonArray(JsonValue.Create(one));
                if (value is JsonArray dl && dl.All(n => JsonNumbers.TryGetString(n, out _)))
                {
                    return new JsonArray(dl.Select(n => (JsonNode?)JsonValue.Create(n!.GetValue<string>())).ToArray());
                }
                ctx.Error(name, $"must be null, a dim name or a list of dim names, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.NumberList:
                if (value is JsonArray nl)
                {
                    var res = new JsonArray();
                    for (int i = 0; i < nl.Count; i++)
                    {
                        if (!JsonNumbers.TryGetDouble(nl[i], out var x))
                        {
                            ctx.Error($"{name}[{i}]", $"must be a number, not {JsonNumbers.Describe(nl[i])}");
                            return null;
                        }
                        res.Add((JsonNode)JsonValue.Create(x));
                    }
                    return res;
                }
                ctx.Error(name, $"must be a list of numbers, not {JsonNumbers.Describe(value)}");
                return null;
            case AttrType.NumberArray:
                return NormaliseArray(name, value, ctx);
            case AttrType.NullableCoordinates:
                if (value is null) return null;
                goto case AttrType.Coordinates;
            case AttrType.Coordinates:
                {
                    // PODPAC also takes coordinates as a JSON string (Coordinates.from_json).
                    if (JsonNumbers.TryGetString(value, out var text))
                    {
                        try
                        {
                            value = JsonNode.Parse(text);
                        }
                        // ArgumentException: a string that is not valid UTF-16 (a lone surrogate) cannot be read as JSON.
                        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
                        {
                            ctx.Error(name, $"is a string that is not coordinates JSON: {ex.Message}");
                            return null;
                        }
                    }
                    var sink = new ErrorSink();
                    var coords = CoordinatesJson.Read(value, "", sink);
                    foreach (var e in sink.Errors)
                    {
                        ctx.ErrorAt(e.Path.Length == 0 ? $"attrs.{name}" : $"attrs.{name}.{e.Path}", e.Message);
                    }
                    if (coords is null) return null;
                    ctx.SetCoordinates(name, coords);
                    return coords.ToCanonicalJson();
                }
            case AttrType.Object:
                if (value is JsonObject o) return o.DeepClone();
                ctx.Error(name, $"must be an object, not {JsonNumbers.Describe(value)}");
                return null;
            default:
                return value?.DeepClone();
        }
    }

    private static bool TryNamedFloat(string s, out double d)
    {
        d = s switch { "NaN" or "nan" => double.NaN, "Infinity" or "inf" => double.PositiveInfinity, "-Infinity" or "-inf" => double.NegativeInfinity, _ => 0 };
        return s is "NaN" or "nan" or "Infinity" or "inf" or "-Infinity" or "-inf";
    }

    private static JsonNode? NormaliseArray(string name, JsonNode? value, NodeBuildContext ctx)
    {
        if (value is not JsonArray && !JsonNumbers.IsNumber(value))
        {
            ctx.Error(name, $"must be a (nested) list of numbers, not {JsonNumbers.Describe(value)}");
            return null;
        }
        // Find the shape from the first elements, then check every element against it.
        var shape = new List<int>();
        var probe = value;
        while (probe is JsonArray pa)
        {
            shape.Add(pa.Count);
            if (pa.Count == 0) break;
            probe = pa[0];
        }
        long total = 1;
        foreach (var s in shape) total *= s;
        if (total > int.MaxValue)
        {
            ctx.Error(name, "the array is too large");
            return null;
        }
        var flat = new double[total];
        int pos = 0;
        string? problem = null;
        void Walk(JsonNode? n, int depth, string path)
        {
            if (problem is not null) return;
            if (depth == shape.Count)
            {
                if (n is null) { flat[pos++] = double.NaN; return; }
                if (JsonNumbers.TryGetDouble(n, out var x)) { flat[pos++] = x; return; }
                if (JsonNumbers.TryGetString(n, out var s) && TryNamedFloat(s, out x)) { flat[pos++] = x; return; }
                problem = $"{path}: must be a number, not {JsonNumbers.Describe(n)}";
                return;
            }
            if (n is not JsonArray a || a.Count != shape[depth])
            {
                problem = $"{path}: the array is ragged (expected a list of {shape[depth]})";
                return;
            }
            for (int i = 0; i < a.Count; i++) Walk(a[i], depth + 1, $"{path}[{i}]");
        }
        Walk(value, 0, name);
        if (problem is not null)
        {
            ctx.ErrorAt("attrs." + problem.Split(": ", 2)[0], problem.Split(": ", 2)[1]);
            return null;
        }
        ctx.SetArray(name, flat, shape.ToArray());
        // The key holds the values and shape, not the JSON spelling of the nesting.
        var vals = new JsonArray();
        foreach (var x in flat) vals.Add((JsonNode)JsonValue.Create(x));
        return new JsonObject { ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()), ["values"] = vals };
    }

    /// <summary>The name in <paramref name="names"/> within two edits of <paramref name="given"/> (case aside), when one is.</summary>
    internal static string? Closest(string given, IReadOnlyList<string> names)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (var n in names)
        {
            int d = Distance(given.ToLowerInvariant(), n.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (n, d);
            }
        }
        return best;
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return 3;
        }
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
