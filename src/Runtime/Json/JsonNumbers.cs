using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Json;

/// <summary>Reads numbers from JSON nodes whatever CLR type backs them.</summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }
        if (v.TryGetValue<double>(out value)) return true;
        if (v.TryGetValue<long>(out var l)) { value = l; return true; }
        if (v.TryGetValue<int>(out var i)) { value = i; return true; }
        if (v.TryGetValue<float>(out var f)) { value = f; return true; }
        if (v.TryGetValue<decimal>(out var m)) { value = (double)m; return true; }
        if (v.TryGetValue<JsonElement>(out var el) && el.ValueKind == JsonValueKind.Number)
        {
            value = el.GetDouble();
            return true;
        }
        return false;
    }

    public static bool IsNumber(JsonNode? node) => TryGetDouble(node, out _);

    public static bool TryGetString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }
        return false;
    }

    /// <summary>Text for error messages: the node's JSON, shortened.</summary>
    public static string Describe(JsonNode? node)
    {
        if (node is null) return "null";
        string s;
        try
        {
            s = node.ToJsonString(WriteOptions);
        }
        catch (ArgumentException)
        {
            s = node.GetValueKind().ToString();
        }
        return s.Length > 60 ? s[..57] + "..." : s;
    }

    /// <summary>Options that write NaN and infinities as PODPAC's named tokens (quoted).</summary>
    public static readonly JsonSerializerOptions WriteOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
