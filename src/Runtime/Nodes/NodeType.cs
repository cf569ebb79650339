namespace PodCache.Runtime.Nodes;

/// <summary>
/// A registered node type: canonical name, PODPAC aliases, implementation version, attrs, inputs, whether its value at
/// a point depends on the extent of the request, and a factory.
/// </summary>
public sealed class NodeType
{
    /// <summary>Creates a node type.</summary>
    public NodeType(string name, IReadOnlyList<string> aliases, int version, IReadOnlyList<AttrSpec> attrs, InputSpec inputs,
        bool extentDependent, Func<NodeBuildContext, Node?> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Name = name;
        Aliases = aliases;
        Version = version;
        Attrs = [.. attrs, .. CommonAttrs];
        Inputs = inputs;
        ExtentDependent = extentDependent;
        Factory = factory;
    }

    /// <summary>Attrs every PODPAC node accepts.</summary>
    internal static IReadOnlyList<AttrSpec> CommonAttrs { get; } =
    [
        new("xarray_floating_point_correction", AttrType.Bool, false),
        new("units", AttrType.NullableString, null),
    ];

    /// <summary>The canonical name, e.g. <c>algorithm.Arithmetic</c>.</summary>
    public string Name { get; }

    /// <summary>Other names that resolve to this type, e.g. <c>core.algorithm.generic.Arithmetic</c>.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The implementation version; bumping it invalidates every cached result of this type and downstream.</summary>
    public int Version { get; }

    /// <summary>The attrs, including the common ones.</summary>
    public IReadOnlyList<AttrSpec> Attrs { get; }

    /// <summary>The inputs.</summary>
    public InputSpec Inputs { get; }

    /// <summary>
    /// True when the value at a point depends on the extent of the request (Arange numbers the grid; Array and
    /// Interpolate select against the whole request). Results of such nodes are never sliced for a sub-grid.
    /// </summary>
    public bool ExtentDependent { get; }

    /// <summary>Builds an instance from validated attrs; reports problems to the context and returns null on error.</summary>
    public Func<NodeBuildContext, Node?> Factory { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
