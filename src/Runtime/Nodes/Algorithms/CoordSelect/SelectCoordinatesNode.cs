namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// <c>algorithm.SelectCoordinates</c> (SEMANTICS §11): replaces a request dim with fixed coordinates —
/// <c>[v]</c>: that value; <c>[a, b]</c>: the coordinates <c>coordinates_source</c> holds within [a, b];
/// <c>[a, b, step]</c>: a uniform axis. <c>[a, a]</c> gives two copies of a, as PODPAC does.
/// </summary>
internal sealed class SelectCoordinatesNode : CoordinateModifierNode
{
    private const string Forms = "[] (unchanged), [value], [start, stop] or [start, stop, step]";

    private readonly Dictionary<string, CoordItem[]> _rules;
    private readonly Dictionary<string, Coordinates1D> _available;

    private SelectCoordinatesNode(Dictionary<string, CoordItem[]> rules, Dictionary<string, Coordinates1D> available, bool substitute)
        : base(substitute)
    {
        _rules = rules;
        _available = available;
    }

    public static NodeType Type { get; } = new(
        "algorithm.SelectCoordinates",
        ["core.algorithm.coord_select.SelectCoordinates", "algorithm.coord_select.SelectCoordinates"],
        1,
        [.. DimAttrSpecs, new AttrSpec("substitute_eval_coords", AttrType.Bool, false)],
        InputSpec.Named("source").WithOptional("coordinates_source"),
        // The output lies on the selected coordinates whatever the request's extent in those dims, so it cannot be
        // sliced by a sub-grid of the request.
        extentDependent: true,
        Build);

    private static SelectCoordinatesNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var rules = new Dictionary<string, CoordItem[]>(StringComparer.Ordinal);
        var available = new Dictionary<string, Coordinates1D>(StringComparer.Ordinal);
        foreach (var dim in DimAttrs)
        {
            var items = ReadItems(ctx, dim, 3, Parse, Forms);
            if (items is null)
            {
                return null;
            }
            if (items.Length == 0)
            {
                continue;
            }
            if (items.Length >= 2 && items[0].Kind != items[1].Kind)
            {
                ctx.Error(dim, "start and stop must both be numbers or both ISO datetimes");
                return null;
            }
            if (items.Length == 2 && !SameValue(items[0], items[1]))
            {
                if (AvailableAxis(ctx, dim) is not { } axis)
                {
                    return null;
                }
                available[dim] = axis;
            }
            rules[dim] = items;
        }
        return new SelectCoordinatesNode(rules, available, ctx.GetBool("substitute_eval_coords"));
    }

    private static bool Parse(System.Text.Json.Nodes.JsonNode? node, int index, int count, out CoordItem item, out string error) =>
        index == 2 ? CoordItem.TryParseDelta(node, out item, out error) : CoordItem.TryParseValue(node, out item, out error);

    // PODPAC compares the raw attr items (selection[0] == selection[1]), so "2020-01-01" and "2020-01-01T00" differ.
    private static bool SameValue(CoordItem a, CoordItem b) =>
        a.Kind == b.Kind && a.Number.Equals(b.Number) && a.Time == b.Time && a.Unit == b.Unit;

    /// <inheritdoc/>
    private protected override Coordinates1D Modify(Coordinates request, Coordinates1D axis)
    {
        if (!_rules.TryGetValue(axis.Name, out var items))
        {
            return axis;
        }
        string dim = axis.Name;
        if (items.Length == 1 || (items.Length == 2 && SameValue(items[0], items[1])))
        {
            var values = new double[items.Length];
            TimeUnit? unit = null;
            for (int i = 0; i < values.Length; i++)
            {
                (values[i], unit) = items[i].AsPoint(dim, axis.IsTime);
            }
            return new ArrayCoordinates1D(dim, values, unit);
        }
        if (items.Length == 2)
        {
            var available = _available[dim];
            AxisValues.CheckCompatible(available, axis);
            var lo = items[0].AsPoint(dim, available.IsTime);
            var hi = items[1].AsPoint(dim, available.IsTime);
            var points = new List<double>();
            SelectWithin(available, Comparable(lo), Comparable(hi), points);
            return new ArrayCoordinates1D(dim, [.. points], available.Unit);
        }
        var start = items[0].AsPoint(dim, axis.IsTime);
        var stop = items[1].AsPoint(dim, axis.IsTime);
        if (start.Unit is null)
        {
            if (items[2].Kind != CoordItemKind.Number)
            {
                throw new NodeEvaluationException($"'{dim}' is numeric, so its step must be a number");
            }
            try
            {
                return UniformCoordinates1D.FromStep(dim, start.Value, stop.Value, items[2].Number);
            }
            catch (ArgumentException ex)
            {
                throw new NodeEvaluationException($"'{dim}': {ex.Message}");
            }
        }
        var (pts, u) = Uniform(dim, start, stop, items[2]);
        return pts.Length == 1
            ? new ArrayCoordinates1D(dim, pts, u)
            : UniformCoordinates1D.FromStep(dim, pts[0], pts[^1], pts[1] - pts[0], u);
    }
}
