using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes;

/// <summary>One attr of a node type: its name, JSON type, default and whether it is required.</summary>
public sealed class AttrSpec
{
    /// <summary>Creates an attr spec.</summary>
    public AttrSpec(string name, AttrType type, JsonNode? defaultValue = null, bool required = false, IReadOnlyList<string>? choices = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        Default = defaultValue;
        Required = required;
        Choices = choices;
    }

    /// <summary>The attr name as in PODPAC.</summary>
    public string Name { get; }

    /// <summary>The accepted JSON type.</summary>
    public AttrType Type { get; }

    /// <summary>The default when omitted (null means JSON null).</summary>
    public JsonNode? Default { get; }

    /// <summary>True when the attr must be given.</summary>
    public bool Required { get; }

    /// <summary>The allowed strings for <see cref="AttrType.Choice"/>.</summary>
    public IReadOnlyList<string>? Choices { get; }
}
