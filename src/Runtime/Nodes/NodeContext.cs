namespace PodCache.Runtime.Nodes;

/// <summary>What a node sees while it computes: the request, the inputs computed so far, cancellation.</summary>
public sealed class NodeContext
{
    private readonly IReadOnlyDictionary<string, DataArray> _inputs;

    /// <summary>Creates a context.</summary>
    public NodeContext(Coordinates request, IReadOnlyDictionary<string, DataArray> inputs, IReadOnlyList<string> slots,
        string nodeRef = "", CancellationToken cancellationToken = default, PodCache.Runtime.Sources.IO.SourceServices? sources = null,
        PodCache.Runtime.Sources.IO.SourceActivity? activity = null, string? sourceVersion = null)
    {
        Sources = sources;
        Activity = activity;
        SourceVersion = sourceVersion;
        Request = request;
        _inputs = inputs;
        Slots = slots;
        NodeRef = nodeRef;
        CancellationToken = cancellationToken;
    }

    /// <summary>The coordinates this node was asked for.</summary>
    public Coordinates Request { get; }

    /// <summary>All input slots of the node, in definition order (<c>sources[0]</c>, <c>sources[1]</c>, ... for lists).</summary>
    public IReadOnlyList<string> Slots { get; }

    /// <summary>The node's ref, for messages.</summary>
    public string NodeRef { get; }

    /// <summary>Honoured between chunks of long computations.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Source I/O, versions and the block cache; null when the runner has none (files are then read directly).</summary>
    public PodCache.Runtime.Sources.IO.SourceServices? Sources { get; }

    /// <summary>This run's source counters, or null.</summary>
    public PodCache.Runtime.Sources.IO.SourceActivity? Activity { get; }

    /// <summary>The version token this node's key was computed with (<see cref="Node.ResolveSourceVersionAsync"/>), or null.</summary>
    public string? SourceVersion { get; }

    /// <summary>True when <paramref name="slot"/> has been computed.</summary>
    public bool Has(string slot) => _inputs.ContainsKey(slot);

    /// <summary>The computed input in <paramref name="slot"/>.</summary>
    /// <exception cref="KeyNotFoundException">The slot has not been computed.</exception>
    public DataArray Input(string slot) =>
        _inputs.TryGetValue(slot, out var a) ? a : throw new KeyNotFoundException($"input '{slot}' has not been computed");
}
