using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Runtime.Nodes;

namespace PodCache.Runtime.Pipelines;

/// <summary>One node of a parsed pipeline: its ref, type, validated attrs, inputs and cache settings.</summary>
public sealed class PipelineNode
{
    internal PipelineNode(string nodeRef, NodeType type, Node implementation, JsonObject attrs,
        IReadOnlyList<PipelineInput> inputs, EntryOptions cache, JsonObject definition)
    {
        Ref = nodeRef;
        Type = type;
        Implementation = implementation;
        Attrs = attrs;
        Inputs = inputs;
        Cache = cache;
        Definition = definition;
        Slots = inputs.SelectMany(i => i.Slots).ToArray();
    }

    /// <summary>The files and URLs the node reads, as its factory declared them.</summary>
    public IReadOnlyList<PodCache.Runtime.Sources.SourceReference> Sources { get; internal init; } = [];

    /// <summary>The attr a failed source read is reported at: the first declared source's, else <c>source</c>.</summary>
    internal string SourceAttr => Sources.Count > 0 ? Sources[0].Attr : "source";

    /// <summary>The node's ref (a local label; not part of any key).</summary>
    public string Ref { get; }

    /// <summary>The node type.</summary>
    public NodeType Type { get; }

    /// <summary>The configured implementation.</summary>
    public Node Implementation { get; }

    /// <summary>Attrs with defaults filled in and values normalised (the attrs of the NodeKey).</summary>
    public JsonObject Attrs { get; }

    /// <summary>The RFC 8785 canonical text of <see cref="Attrs"/>, computed once.</summary>
    public string CanonicalAttrs => _canonicalAttrs ??= PodCache.Cache.Keys.CanonicalJson.Serialize(Attrs);

    private string? _canonicalAttrs;

    /// <summary>The constant parts of this node's key object, built on first use (see <c>NodeKeys</c>).</summary>
    internal Execution.NodeKeyTemplate? KeyTemplate { get; set; }

    /// <summary>The inputs as written: a name with one ref or a list of refs.</summary>
    public IReadOnlyList<PipelineInput> Inputs { get; }

    /// <summary>Every input slot (<c>A</c>, <c>sources[0]</c>, ...) in definition order.</summary>
    public IReadOnlyList<string> Slots { get; }

    /// <summary>The node's cache settings (the pipeline's <c>cache</c> key).</summary>
    public EntryOptions Cache { get; }

    /// <summary>The node's definition as given in the pipeline JSON.</summary>
    public JsonObject Definition { get; }

    /// <summary>The ref feeding <paramref name="slot"/>.</summary>
    public string RefOf(string slot)
    {
        foreach (var input in Inputs)
        {
            for (int i = 0; i < input.Slots.Count; i++)
            {
                if (input.Slots[i] == slot) return input.Refs[i];
            }
        }
        throw new KeyNotFoundException($"node '{Ref}' has no input slot '{slot}'");
    }

    /// <summary>The index of <paramref name="slot"/> in <see cref="Slots"/>, or -1.</summary>
    internal int SlotIndex(string slot)
    {
        var slots = Slots;
        if (slots.Count <= 8)
        {
            for (int i = 0; i < slots.Count; i++)
            {
                if (string.Equals(slots[i], slot, StringComparison.Ordinal)) return i;
            }
            return -1;
        }
        // A wide fan-in: a table, built once per (immutable) node and published whole; a race builds it twice, harmlessly.
        var index = Volatile.Read(ref _slotIndex);
        if (index is null)
        {
            index = BuildSlotIndex(slots);
            Volatile.Write(ref _slotIndex, index);
        }
        return index.TryGetValue(slot, out int found) ? found : -1;
    }

    private Dictionary<string, int>? _slotIndex;

    private static Dictionary<string, int> BuildSlotIndex(IReadOnlyList<string> slots)
    {
        var index = new Dictionary<string, int>(slots.Count, StringComparer.Ordinal);
        for (int i = 0; i < slots.Count; i++)
        {
            index.TryAdd(slots[i], i);
        }
        return index;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Ref} ({Type.Name})";
}
