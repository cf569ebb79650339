using System.Text;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes;

/// <summary>
/// What a registry runs, for people and programs (<c>podcache nodes</c>): each type's name, the other names PODPAC
/// writes for it, its version (part of every NodeKey), inputs and attrs with their types, defaults and choices; and
/// the PODPAC nodes it knows but does not run, with the reason.
/// </summary>
public static class NodeCatalog
{
    /// <summary>The catalogue as JSON. A non-finite default is written as the string PODPAC's JSON uses ("NaN").</summary>
    public static JsonObject ToJson(NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var nodes = new JsonArray();
        foreach (var t in registry.Types.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            nodes.Add((JsonNode)Describe(t));
        }
        var unsupported = new JsonArray();
        foreach (var u in registry.UnsupportedTypes.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            unsupported.Add((JsonNode)new JsonObject
            {
                ["node"] = u.Name,
                ["aliases"] = new JsonArray(u.Aliases.Select(a => (JsonNode)a).ToArray()),
                ["description"] = u.Description,
                ["reason"] = u.Reason,
            });
        }
        var podpac = new JsonArray();
        foreach (var r in PodpacStatus(registry))
        {
            var o = new JsonObject { ["class"] = r.PodpacClass, ["spellings"] = r.Spellings, ["status"] = StateText(r.State) };
            if (r.PodCacheName is { } n)
            {
                o["node"] = n;
            }
            if (r.Reason is { } reason)
            {
                o["reason"] = reason;
            }
            podpac.Add((JsonNode)o);
        }
        return new JsonObject { ["nodes"] = nodes, ["unsupported"] = unsupported, ["podpac"] = podpac };
    }

    /// <summary>
    /// Every class PODPAC 4.0.0 loads from a pipeline's <c>"node"</c> (<see cref="PodpacNames.Classes"/>) with what
    /// <paramref name="registry"/> does with it: runs it (under which name), refuses it (with the reason), or does not
    /// implement it yet. Datalib nodes, which PODPAC loads through plugins, are in docs/datalib.md.
    /// </summary>
    public static IReadOnlyList<PodpacNodeStatus> PodpacStatus(NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var rows = new List<PodpacNodeStatus>();
        foreach (string cls in PodpacNames.Classes.Order(StringComparer.Ordinal))
        {
            int spellings = PodpacNames.SpellingsOf(cls).Count;
            if (registry.TryResolve(cls, out var type))
            {
                rows.Add(new PodpacNodeStatus(cls, spellings, PodpacNodeState.Runs, type.Name, null));
            }
            else if (registry.TryGetUnsupported(cls, out var refused))
            {
                rows.Add(new PodpacNodeStatus(cls, spellings, PodpacNodeState.Refused, null, refused.Reason));
            }
            else
            {
                rows.Add(new PodpacNodeStatus(cls, spellings, PodpacNodeState.NotYet, null, null));
            }
        }
        return rows;
    }

    /// <summary><see cref="PodpacStatus"/> as a Markdown table (docs/podpac-nodes.md is this, checked by a test).</summary>
    public static string PodpacStatusMarkdown(NodeRegistry registry)
    {
        var rows = PodpacStatus(registry);
        var sb = new StringBuilder();
        sb.AppendLine("| PODPAC 4 class | spellings | status | PodCache node or reason |").AppendLine("|---|---|---|---|");
        foreach (var r in rows)
        {
            string what = r.State switch
            {
                PodpacNodeState.Runs => $"`{r.PodCacheName}`",
                PodpacNodeState.Refused => r.Reason!.Replace("|", "\\|", StringComparison.Ordinal),
                _ => "PodCache does not implement it yet",
            };
            sb.AppendLine($"| `{r.PodpacClass}` | {r.Spellings} | {StateText(r.State)} | {what} |");
        }
        sb.AppendLine().AppendLine($"{rows.Count(r => r.State == PodpacNodeState.Runs)} run, {rows.Count(r => r.State == PodpacNodeState.Refused)} refused with a reason, "
                                  + $"{rows.Count(r => r.State == PodpacNodeState.NotYet)} not implemented yet, of {rows.Count} classes.");
        return sb.ToString();
    }

    /// <summary>The word a table shows for a state.</summary>
    public static string StateText(PodpacNodeState state) => state switch
    {
        PodpacNodeState.Runs => "runs",
        PodpacNodeState.Refused => "refused",
        _ => "not yet",
    };

    /// <summary>One type as JSON.</summary>
    public static JsonObject Describe(NodeType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var attrs = new JsonArray();
        foreach (var a in type.Attrs.Where(a => !NodeType.CommonAttrs.Any(c => c.Name == a.Name)))
        {
            var o = new JsonObject { ["name"] = a.Name, ["type"] = TypeName(a.Type), ["required"] = a.Required };
            if (!a.Required)
            {
                o["default"] = Safe(a.Default);
            }
            if (a.Choices is { } choices)
            {
                o["choices"] = new JsonArray(choices.Select(c => (JsonNode)c).ToArray());
            }
            attrs.Add((JsonNode)o);
        }
        var json = new JsonObject
        {
            ["node"] = type.Name,
            ["aliases"] = new JsonArray(type.Aliases.Select(a => (JsonNode)a).ToArray()),
            ["version"] = type.Version,
            ["inputs"] = Inputs(type.Inputs),
            ["attrs"] = attrs,
            ["extentDependent"] = type.ExtentDependent,
        };
        if (type.Inputs.Optional.Count > 0)
        {
            json["optionalInputs"] = new JsonArray(type.Inputs.Optional.Select(n => (JsonNode)n).ToArray());
        }
        return json;
    }

    /// <summary>A table for a terminal: one line per type, then one per known-but-unsupported node.</summary>
    public static string ToText(NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var sb = new StringBuilder();
        var types = registry.Types.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        int width = types.Max(t => t.Name.Length) + 2;
        sb.Append("node".PadRight(width)).Append("v  ").Append("inputs".PadRight(22)).AppendLine("attrs (default)");
        foreach (var t in types)
        {
            var attrs = t.Attrs.Where(a => !NodeType.CommonAttrs.Any(c => c.Name == a.Name))
                .Select(a => a.Required ? a.Name + " (required)" : $"{a.Name} ({Show(a.Default)})");
            sb.Append(t.Name.PadRight(width)).Append(t.Version.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(3))
                .Append(InputText(t.Inputs).PadRight(22)).AppendLine(string.Join(", ", attrs));
        }
        sb.AppendLine().AppendLine($"{types.Count} node types run; {registry.UnsupportedTypes.Count()} PODPAC nodes are known and refused (podcache nodes --format json lists them with the reason).");
        return sb.ToString();
    }

    /// <summary>One type for a terminal: names, version, inputs, every attr.</summary>
    public static string ToText(NodeType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var sb = new StringBuilder();
        sb.AppendLine($"{type.Name} (version {type.Version})");
        if (type.Aliases.Count > 0)
        {
            sb.AppendLine("  also: " + string.Join(", ", type.Aliases));
        }
        sb.AppendLine("  inputs: " + InputText(type.Inputs));
        foreach (var a in type.Attrs.Where(a => !NodeType.CommonAttrs.Any(c => c.Name == a.Name)))
        {
            sb.Append($"  {a.Name}: {TypeName(a.Type)}");
            sb.Append(a.Required ? ", required" : $", default {Show(a.Default)}");
            if (a.Choices is { } choices)
            {
                sb.Append(", one of " + string.Join(", ", choices));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static JsonNode Inputs(InputSpec spec) => spec switch
    {
        { SourcesList: true } => new JsonObject { ["sources"] = "list of refs" },
        { AnyNames: true } => new JsonObject { ["any"] = "named freely (identifiers)" },
        _ => new JsonArray(spec.Names.Select(n => (JsonNode)n).ToArray()),
    };

    private static string InputText(InputSpec spec) => spec switch
    {
        { SourcesList: true } => "sources: [refs]",
        { AnyNames: true } => "any names",
        { Names.Count: 0 } => "-",
        _ => string.Join(", ", spec.Names.Concat(spec.Optional.Select(n => $"[{n}]"))),
    };

    private static string TypeName(AttrType t) => t switch
    {
        AttrType.Number => "number",
        AttrType.NullableNumber => "number or null",
        AttrType.Bool => "boolean",
        AttrType.String => "string",
        AttrType.NullableString => "string or null",
        AttrType.Choice => "choice",
        AttrType.StringList => "list of strings",
        AttrType.Dims => "dim or list of dims",
        AttrType.NumberList => "list of numbers",
        AttrType.NumberArray => "nested list of numbers",
        AttrType.Coordinates => "coordinates",
        AttrType.NullableCoordinates => "coordinates or null",
        AttrType.Object => "object",
        _ => "any",
    };

    /// <summary>A default as valid JSON: NaN and the infinities become PODPAC's spellings as strings.</summary>
    private static JsonNode? Safe(JsonNode? value)
    {
        if (value is JsonValue v && v.TryGetValue<double>(out var d) && !double.IsFinite(d))
        {
            return double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        }
        return value?.DeepClone();
    }

    private static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<double>(out var d) && !double.IsFinite(d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity",
        _ => Json.JsonNumbers.Describe(value),
    };
}
