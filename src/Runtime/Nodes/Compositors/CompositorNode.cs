namespace PodCache.Runtime.Nodes.Compositors;

/// <summary>
/// What PODPAC's compositors share (<c>BaseCompositor</c>): the <c>dims</c> attr, which drops the request's other dims
/// before the sources are asked, and <c>source_coordinates</c>, which picks the sources a request evaluates.
/// </summary>
internal abstract class CompositorNode : Node
{
    private readonly string[] _dims;

    private protected CompositorNode(CompositorAttrs attrs)
    {
        _dims = attrs.Dims;
        Select = attrs.Select;
    }

    /// <summary>The attrs every compositor takes: <c>dims</c> ([]) and <c>source_coordinates</c> (null).</summary>
    private protected static AttrSpec[] CompositorAttrSpecs =>
    [
        new AttrSpec("dims", AttrType.StringList, new System.Text.Json.Nodes.JsonArray()),
        new AttrSpec("source_coordinates", AttrType.NullableCoordinates, null),
    ];

    /// <summary>The <c>source_coordinates</c> attr, or null when every source runs.</summary>
    private protected SourceCoordinates? Select { get; }

    /// <summary>The <c>dims</c> and <c>source_coordinates</c> attrs, read and checked; null when either is wrong (reported to <paramref name="ctx"/>).</summary>
    private protected static CompositorAttrs? ReadAttrs(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var select = SourceCoordinates.Read(ctx);
        if (ctx.HasErrors)
        {
            return null;
        }
        var dims = ctx.GetStrings("dims") ?? [];
        foreach (var d in dims)
        {
            if (!Coordinates.KnownDims.Contains(d))
            {
                ctx.Error("dims", $"'{d}' is not a dim; dims are {string.Join(", ", Coordinates.KnownDims)}");
                return null;
            }
        }
        return new CompositorAttrs([.. dims], select);
    }

    /// <summary>The request without the dims that <c>dims</c> leaves out (all of it when <c>dims</c> is empty).</summary>
    private protected Coordinates Effective(Coordinates request)
    {
        if (_dims.Length == 0)
        {
            return request;
        }
        var extra = request.Dims.Where(d => Array.IndexOf(_dims, d) < 0).ToArray();
        return extra.Length == 0 ? request : request.Drop(extra);
    }

    /// <summary>The sources a request evaluates, in priority order: those <c>source_coordinates</c> selects, else all.</summary>
    private protected IReadOnlyList<string> Selected(NodeContext context) =>
        Select?.Selected(Effective(context.Request), context.Slots) ?? context.Slots;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots) =>
        base.PlanInputs(Effective(request), slots);
}

/// <summary>A compositor's checked <c>dims</c> and <c>source_coordinates</c>.</summary>
internal sealed record CompositorAttrs(string[] Dims, SourceCoordinates? Select);
