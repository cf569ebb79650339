using PodCache.Runtime.Nodes.Algorithms;
using PodCache.Runtime.Nodes.Sources;

namespace PodCache.Runtime.Nodes;

/// <summary>Node types by canonical name and alias.</summary>
public sealed class NodeRegistry
{
    private readonly Dictionary<string, NodeType> _byName = new(StringComparer.Ordinal);
    private readonly List<NodeType> _types = [];
    private readonly Dictionary<string, UnsupportedNodeType> _unsupportedByName = new(StringComparer.Ordinal);

    /// <summary>The registry of PodCache's built-in nodes.</summary>
    public static NodeRegistry Default { get; } = CreateDefault();

    /// <summary>Every registered type.</summary>
    public IReadOnlyList<NodeType> Types => _types;

    /// <summary>A new registry holding the built-in nodes; add your own types to it.</summary>
    public static NodeRegistry CreateDefault()
    {
        var r = new NodeRegistry();
        foreach (var t in BuiltInNodes.All)
        {
            r.Register(t);
        }
        foreach (var u in UnsupportedNodes.All)
        {
            r.RegisterUnsupported(u);
        }
        return r;
    }

    /// <summary>Adds a type under its name and aliases.</summary>
    /// <exception cref="ArgumentException">A name is taken.</exception>
    public void Register(NodeType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        foreach (var n in type.Aliases.Prepend(type.Name))
        {
            if (_byName.ContainsKey(n))
            {
                throw new ArgumentException($"node name '{n}' is already registered", nameof(type));
            }
        }
        foreach (var n in type.Aliases.Prepend(type.Name))
        {
            _byName[n] = type;
        }
        _types.Add(type);
    }

    /// <summary>
    /// Records a PODPAC type PodCache knows but does not run, so a pipeline naming it is told why. A type
    /// <see cref="Register">registered</see> under one of its names wins.
    /// </summary>
    /// <exception cref="ArgumentException">A name is already known as unsupported.</exception>
    public void RegisterUnsupported(UnsupportedNodeType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        foreach (var n in type.Aliases.Prepend(type.Name))
        {
            if (_unsupportedByName.ContainsKey(n))
            {
                throw new ArgumentException($"node name '{n}' is already registered as unsupported", nameof(type));
            }
        }
        foreach (var n in type.Aliases.Prepend(type.Name))
        {
            _unsupportedByName[n] = type;
        }
    }

    /// <summary>Finds a known-but-unsupported type by name (any spelling PODPAC loads), unless a runnable type has that name.</summary>
    public bool TryGetUnsupported(string name, out UnsupportedNodeType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryResolve(name, out _))
        {
            type = null!;
            return false;
        }
        if (_unsupportedByName.TryGetValue(name, out type!))
        {
            return true;
        }
        foreach (var other in PodpacNames.SpellingsOf(name))
        {
            if (_unsupportedByName.TryGetValue(other, out type!))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every known-but-unsupported type (each once).</summary>
    public IEnumerable<UnsupportedNodeType> UnsupportedTypes => _unsupportedByName.Values.Distinct();

    /// <summary>
    /// Finds a type by canonical name or alias, or by any other spelling PODPAC 4 loads for the same class (it imports
    /// <c>podpac.MODULE</c> and takes the class from it, so <c>core.compositor.OrderedCompositor</c> and
    /// <c>core.compositor.ordered_compositor.OrderedCompositor</c> both mean <c>compositor.OrderedCompositor</c>).
    /// </summary>
    public bool TryResolve(string name, out NodeType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out type!))
        {
            return true;
        }
        foreach (var other in PodpacNames.SpellingsOf(name))
        {
            if (_byName.TryGetValue(other, out type!))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Names close to <paramref name="name"/>, for "did you mean" messages.</summary>
    public IEnumerable<string> Suggest(string name)
    {
        string last = name[(name.LastIndexOf('.') + 1)..];
        return _types.Where(t => t.Name.EndsWith("." + last, StringComparison.OrdinalIgnoreCase)
                                 || t.Name.Contains(last, StringComparison.OrdinalIgnoreCase)
                                 || AttrValidator.Closest(last, [t.Name[(t.Name.LastIndexOf('.') + 1)..]]) is not null)
            .Select(t => t.Name).Take(3);
    }
}
