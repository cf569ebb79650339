namespace PodCache.Runtime.Nodes;

/// <summary>
/// A PODPAC node type PodCache knows by name but does not run (a datalib node that needs an account or a service
/// PodCache does not reach, a Python-only source): a pipeline naming it fails with <see cref="Reason"/> at the node's
/// <c>node</c> path, not with "unknown node type". A type registered under the same name wins over this entry.
/// </summary>
public sealed class UnsupportedNodeType
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">PODPAC's long name, e.g. <c>datalib.smap_egi.SMAP</c>.</param>
    /// <param name="aliases">Other names pipelines use for it, e.g. <c>datalib.SMAP</c>.</param>
    /// <param name="description">What the node is, e.g. "SMAP soil moisture through NASA's EGI subsetting service".</param>
    /// <param name="reason">Why PodCache does not run it, e.g. "it needs a NASA Earthdata login".</param>
    public UnsupportedNodeType(string name, IReadOnlyList<string> aliases, string description, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(aliases);
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Name = name;
        Aliases = aliases;
        Description = description;
        Reason = reason;
    }

    /// <summary>PODPAC's long name.</summary>
    public string Name { get; }

    /// <summary>The other names that mean it.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>What the node is.</summary>
    public string Description { get; }

    /// <summary>Why PodCache does not run it.</summary>
    public string Reason { get; }

    /// <summary>The pipeline error for a node of this type named <paramref name="spelling"/>.</summary>
    public string Message(string spelling) =>
        $"'{spelling}' is PODPAC's {Name} ({Description}); PodCache does not support it: {Reason}";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
