namespace PodCache.Runtime.Nodes;

/// <summary>
/// A configured node instance: plans what it needs from its inputs and computes its output.
/// Implementations are immutable and thread-safe; one instance may evaluate many requests at once.
/// </summary>
// Public methods of every node type stay visible to reflection in a trimmed or native build: planning asks whether a
// type overrides PlanInputs (Plan.PlansOwnInputs).
[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods)]
public abstract class Node
{
    /// <summary>
    /// The coordinates each input slot is asked for when this node is asked for <paramref name="request"/>.
    /// The default asks every input for the request itself.
    /// </summary>
    /// <exception cref="NodeEvaluationException">The request cannot be served by this node.</exception>
    public virtual IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var d = new Dictionary<string, Coordinates>(slots.Count);
        foreach (var s in slots)
        {
            d[s] = request;
        }
        return d;
    }

    /// <summary>
    /// As <see cref="PlanInputs(Coordinates, IReadOnlyList{string})"/>, also given the node that feeds each slot, for a
    /// node whose needs depend on what an input holds: Interpolate reads as far into a data source's own
    /// coordinates as PODPAC's selector does (<see cref="NativeCoordinates"/>). The default ignores the inputs.
    /// </summary>
    /// <exception cref="NodeEvaluationException">The request cannot be served by this node.</exception>
    public virtual IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots, Func<string, Node> inputs) =>
        PlanInputs(request, slots);

    /// <summary>
    /// The coordinates of everything a data source holds, when it knows them without reading its data (PODPAC's
    /// <c>find_coordinates</c>): an in-pipeline array's, or a local file's from its header
    /// (<see cref="PrepareNativeCoordinatesAsync"/>); null otherwise.
    /// </summary>
    public virtual Coordinates? NativeCoordinates => null;

    /// <summary>
    /// The input slots that must be ready before <see cref="Evaluate"/> runs. Default: all. A compositor lists only its
    /// first source and asks for more through <see cref="NextInput"/>.
    /// </summary>
    public virtual IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => slots;

    /// <summary>
    /// Given the inputs computed so far, another slot that must be computed before <see cref="Evaluate"/>, or null
    /// when the node can produce its output now.
    /// </summary>
    public virtual string? NextInput(NodeContext context) => null;

    /// <summary>Computes the output for <see cref="NodeContext.Request"/> from the inputs in <paramref name="context"/>.</summary>
    /// <exception cref="NodeEvaluationException">The inputs or request do not fit the node.</exception>
    public abstract DataArray Evaluate(NodeContext context);

    /// <summary>
    /// Computes the output asynchronously; what the executor calls. Nodes that wait for I/O (remote sources) override
    /// it so no pool thread is blocked per fetch; the default runs <see cref="Evaluate"/>.
    /// </summary>
    /// <exception cref="NodeEvaluationException">The inputs or request do not fit the node.</exception>
    /// <exception cref="PodCache.Runtime.Sources.IO.SourceException">A source could not be read.</exception>
    public virtual ValueTask<DataArray> EvaluateAsync(NodeContext context) => ValueTask.FromResult(Evaluate(context));

    /// <summary>
    /// The coordinates a data source holds, known without reading it (<c>data.Array</c>'s <c>coordinates</c> attr), as
    /// PODPAC's <c>find_coordinates</c> reports them to coordinate algorithms; null for every other node.
    /// </summary>
    public virtual Coordinates? OwnCoordinates => null;

    /// <summary>
    /// A token naming the version of the external data this node reads (file length + mtime, ETag, forecast issue),
    /// resolved at plan time and folded into the NodeKey; null for nodes that read nothing external.
    /// </summary>
    public virtual string? ResolveSourceVersion() => null;

    /// <summary>
    /// The version token, resolved through <paramref name="sources"/> (remote sources revalidate at most every
    /// <c>sources.revalidateAfter</c>); what the runner calls before it computes keys. The default is
    /// <see cref="ResolveSourceVersion"/>.
    /// </summary>
    /// <exception cref="PodCache.Runtime.Sources.IO.SourceException">The source's version cannot be had.</exception>
    public virtual ValueTask<string?> ResolveSourceVersionAsync(PodCache.Runtime.Sources.IO.SourceServices? sources, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ResolveSourceVersion());

    /// <summary>
    /// Learns what <see cref="NativeCoordinates"/> reports, for a data source that must look at its data to know it (a
    /// GeoTIFF's header). The runner calls it for every source node once the version tokens are known
    /// (<paramref name="versionToken"/> is this node's), before it plans the request. The default does nothing.
    /// A source that cannot be read here reports no coordinates; its evaluation then reports why.
    /// </summary>
    public virtual ValueTask PrepareNativeCoordinatesAsync(string? versionToken, PodCache.Runtime.Sources.IO.SourceServices? sources,
        CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// True when which external data the node reads depends on the request (a tile set: the tiles a request touches,
    /// so their versions). The runner then works out the coordinates this node will be asked for before keys exist and
    /// resolves the version through <see cref="ResolveRequestSourceVersionAsync"/>.
    /// </summary>
    public virtual bool SourceVersionDependsOnRequest => false;

    /// <summary>
    /// The version token of what this node reads when it is asked for each of <paramref name="requests"/> in one run
    /// (every evaluation of one ref in a run shares one NodeKey, so one token covers them all). Only called when
    /// <see cref="SourceVersionDependsOnRequest"/>; the default ignores the requests.
    /// </summary>
    /// <exception cref="PodCache.Runtime.Sources.IO.SourceException">A source's version cannot be had.</exception>
    public virtual ValueTask<string?> ResolveRequestSourceVersionAsync(IReadOnlyList<Coordinates> requests, PodCache.Runtime.Sources.IO.SourceServices? sources,
        CancellationToken cancellationToken) => ResolveSourceVersionAsync(sources, cancellationToken);

    /// <summary>
    /// For <c>podcache plan</c>: the blocks a run at <paramref name="request"/> would find cached and would fetch, or
    /// null for nodes that read no remote source. May read (and cache) the source's header.
    /// </summary>
    public virtual ValueTask<PodCache.Runtime.Sources.IO.SourceReadPlan?> PlanSourceReadAsync(Coordinates request, string? versionToken,
        PodCache.Runtime.Sources.IO.SourceServices? sources, CancellationToken cancellationToken) =>
        ValueTask.FromResult<PodCache.Runtime.Sources.IO.SourceReadPlan?>(null);
}
