using System.Text.Json.Nodes;

namespace PodCache.Cache.Keys;

/// <summary>
/// Builds a key from named parts, like PODPAC's <c>key_spec</c>: the key is the SHA-256 of the canonical JSON
/// object of the parts, so part order does not matter and equal parts give equal keys.
/// </summary>
public sealed class KeyBuilder
{
    private readonly JsonObject _parts = new();

    /// <summary>Adds a string part.</summary>
    public KeyBuilder Add(string name, string value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds a number part.</summary>
    public KeyBuilder Add(string name, double value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds an integer part.</summary>
    public KeyBuilder Add(string name, long value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds a boolean part.</summary>
    public KeyBuilder Add(string name, bool value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds another key (a dependency) as a part.</summary>
    public KeyBuilder Add(string name, Key value) => Set(name, JsonValue.Create(value.ToString()));

    /// <summary>Adds any JSON value as a part; it is deep-copied.</summary>
    public KeyBuilder Add(string name, JsonNode? value) => Set(name, value?.DeepClone());

    private KeyBuilder Set(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_parts.ContainsKey(name))
        {
            throw new ArgumentException($"Key part '{name}' was already added.", nameof(name));
        }
        _parts[name] = value;
        return this;
    }

    /// <summary>The canonical JSON the key hashes.</summary>
    public string ToCanonicalJson() => CanonicalJson.Serialize(_parts);

    /// <summary>The key.</summary>
    public Key Build() => CanonicalJson.Hash(_parts);
}
