using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Nodes;

namespace PodCache.Runtime.Pipelines;

/// <summary>
/// Pipeline formats older than PODPAC 2 that PODPAC 4 no longer loads: found before any node is read, and reported as
/// one error that names the format and how to convert it, instead of an error per key of a format the parser does
/// not speak.
/// </summary>
internal static class LegacyForms
{
    /// <summary>The first old format <paramref name="root"/> is written in, or null when it is PODPAC 2 or later.</summary>
    public static PipelineError? Find(JsonObject root, NodeRegistry registry)
    {
        if (root["nodes"] is JsonObject wrapped && !wrapped.ContainsKey("node") && wrapped.Count > 0
            && wrapped.All(kv => kv.Value is JsonObject o && o.ContainsKey("node")))
        {
            string output = root["output"] is JsonObject o2 && JsonNumbers.TryGetString(o2["node"], out var n) ? n
                : wrapped.Last().Key;
            return PipelineError.InPipeline("nodes",
                "this is a pre-1.0 PODPAC pipeline (its nodes under a \"nodes\" key" + (root.ContainsKey("output") ? ", the output under \"output\"" : "")
                + "), which PODPAC 4 no longer loads; move every entry of \"nodes\" to the top level and name the output node with "
                + $"\"podpac_output_node\": {{\"{wrapped.First().Key}\": {{...}}, ..., \"podpac_output_node\": \"{output}\"}}");
        }
        var refs = root.Where(kv => kv.Value is JsonObject).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (r, value) in root)
        {
            if (value is not JsonObject def)
            {
                continue;
            }
            foreach (var key in (ReadOnlySpan<string>)["source", "sources"])
            {
                if (def.ContainsKey(key) && !def.ContainsKey("inputs"))
                {
                    return PipelineError.InPipeline($"{r}.{key}",
                        $"this is a PODPAC 1.x pipeline: node '{r}' names its input{(key == "sources" ? "s" : "")} with a top-level \"{key}\", which "
                        + $"PODPAC 2 and later do not read; move it under \"inputs\": \"{r}\": {{\"node\": ..., \"inputs\": {{\"{key}\": {Show(def[key])}}}}}");
                }
            }
            if (def["inputs"] is JsonObject inputs)
            {
                foreach (var (slot, target) in inputs)
                {
                    var targets = target is JsonArray list ? list.ToList() : new List<JsonNode?> { target };
                    foreach (var t in targets)
                    {
                        if (JsonNumbers.TryGetString(t, out var s) && !refs.Contains(s) && s.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
                            && refs.Contains(s[..dot]))
                        {
                            return PipelineError.InPipeline($"{r}.inputs.{slot}",
                                $"'{s}' is a PODPAC 1.x sub-node reference (attribute '{s[(dot + 1)..]}' of node '{s[..dot]}'), which PODPAC 4 does not "
                                + $"load; give the node that attribute holds an entry of its own and name that entry here");
                        }
                    }
                }
            }
        }
        var bare = new List<(string Ref, string Name, string Full)>();
        foreach (var (r, value) in root)
        {
            if (value is JsonObject def && !def.ContainsKey("plugin") && JsonNumbers.TryGetString(def["node"], out var name)
                && !name.Contains('.', StringComparison.Ordinal) && !registry.TryResolve(name, out _) && !registry.TryGetUnsupported(name, out _)
                && Qualified(name, registry) is { } full)
            {
                bare.Add((r, name, full));
            }
        }
        if (bare.Count > 0)
        {
            var pairs = bare.Select(b => $"{b.Name} -> {b.Full}").Distinct();
            return PipelineError.InPipeline($"{bare[0].Ref}.node",
                $"node types are written as bare class names ({string.Join(", ", bare.Select(b => b.Name).Distinct())}), as PODPAC 1.x pipelines wrote them; "
                + $"PODPAC 4 needs the module: {string.Join(", ", pairs)}");
        }
        return null;
    }

    /// <summary>The PODPAC spelling with a module for a bare class name, when exactly one class has that name.</summary>
    private static string? Qualified(string cls, NodeRegistry registry)
    {
        var types = registry.Types.Where(t => t.Name.EndsWith("." + cls, StringComparison.Ordinal)).Select(t => t.Name).Distinct().ToList();
        if (types.Count == 1)
        {
            return types[0];
        }
        var podpac = PodpacNames.Classes.Where(c => c.EndsWith("." + cls, StringComparison.Ordinal)).ToList();
        return podpac.Count == 1 ? PodpacNames.SpellingsOf(podpac[0]).OrderBy(s => s.Length).First() : null;
    }

    /// <summary>A ref or list of refs as JSON, for the conversion shown; anything else (it may hold NaN) as "...".</summary>
    private static string Show(JsonNode? value) => value switch
    {
        _ when JsonNumbers.TryGetString(value, out var s) => JsonValue.Create(s).ToJsonString(),
        JsonArray a when a.All(x => JsonNumbers.TryGetString(x, out _)) =>
            "[" + string.Join(",", a.Select(x => JsonValue.Create(x!.GetValue<string>()).ToJsonString())) + "]",
        _ => "...",
    };
}
