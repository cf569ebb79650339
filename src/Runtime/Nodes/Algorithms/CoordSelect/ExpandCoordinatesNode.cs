namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// <c>algorithm.ExpandCoordinates</c> (SEMANTICS §11): each request value x of a dim with a list attr becomes a
/// window — <c>[d0, d1]</c>: the coordinates <c>coordinates_source</c> holds within [x+d0, x+d1];
/// <c>[d0, d1, step]</c>: x+d0, x+d0+step, … up to x+d1 — and the windows are concatenated in request order,
/// duplicates kept. <c>bounds_only</c> makes one window from the first value + d0 to the last value + d1.
/// </summary>
internal sealed class ExpandCoordinatesNode : CoordinateModifierNode
{
    private const string Forms = "[] (unchanged), [start_offset, end_offset] or [start_offset, end_offset, step]";

    private readonly Dictionary<string, CoordItem[]> _rules;
    private readonly Dictionary<string, Coordinates1D> _available;
    private readonly bool _boundsOnly;

    private ExpandCoordinatesNode(Dictionary<string, CoordItem[]> rules, Dictionary<string, Coordinates1D> available, bool boundsOnly)
        : base(substitute: false)
    {
        _rules = rules;
        _available = available;
        _boundsOnly = boundsOnly;
    }

    public static NodeType Type { get; } = new(
        "algorithm.ExpandCoordinates",
        ["core.algorithm.coord_select.ExpandCoordinates", "algorithm.coord_select.ExpandCoordinates"],
        1,
        [.. DimAttrSpecs, new AttrSpec("bounds_only", AttrType.Bool, false)],
        InputSpec.Named("source").WithOptional("coordinates_source"),
        // The source is asked for windows around every request value, and the output lies on those windows, not on
        // the request: a slice of a larger result is not the result for the smaller request.
        extentDependent: true,
        Build);

    private static ExpandCoordinatesNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var rules = new Dictionary<string, CoordItem[]>(StringComparer.Ordinal);
        var available = new Dictionary<string, Coordinates1D>(StringComparer.Ordinal);
        bool boundsOnly = ctx.GetBool("bounds_only");
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
            if (items.Length == 1)
            {
                ctx.Error(dim, $"has 1 item; {Forms}");
                return null;
            }
            if (items.Length == 2)
            {
                if (boundsOnly)
                {
                    // PODPAC passes the two bounds to select() as separate arguments and fails with an IndexError.
                    ctx.Error(dim, "with bounds_only the list needs a step: [start_offset, end_offset, step] (PODPAC fails on two items)");
                    return null;
                }
                if (AvailableAxis(ctx, dim) is not { } axis)
                {
                    return null;
                }
                available[dim] = axis;
            }
            rules[dim] = items;
        }
        return new ExpandCoordinatesNode(rules, available, boundsOnly);
    }

    private static bool Parse(System.Text.Json.Nodes.JsonNode? node, int index, int count, out CoordItem item, out string error) =>
        CoordItem.TryParseDelta(node, out item, out error);

    /// <inheritdoc/>
    private protected override Coordinates1D Modify(Coordinates request, Coordinates1D axis)
    {
        if (!_rules.TryGetValue(axis.Name, out var items))
        {
            return axis;
        }
        var points = new List<double>();
        TimeUnit? unit;
        var pts = axis.Points;
        if (items.Length == 2)
        {
            var available = _available[axis.Name];
            AxisValues.CheckCompatible(available, axis);
            foreach (var x in pts)
            {
                SelectWithin(available, Comparable(items[0].AddTo(axis, x)), Comparable(items[1].AddTo(axis, x)), points);
            }
            unit = available.Unit;
        }
        else
        {
            unit = axis.Unit;
            if (_boundsOnly)
            {
                (var p, unit) = Uniform(axis.Name, items[0].AddTo(axis, pts[0]), items[1].AddTo(axis, pts[^1]), items[2]);
                points.AddRange(p);
            }
            else
            {
                foreach (var x in pts)
                {
                    // One window per request value, each counted as if the rest were as long, then the running total.
                    (var p, unit) = Uniform(axis.Name, items[0].AddTo(axis, x), items[1].AddTo(axis, x), items[2], pts.Length);
                    CheckPoints(axis.Name, points.Count + p.Length);
                    points.AddRange(p);
                }
            }
        }
        return new ArrayCoordinates1D(axis.Name, [.. points], unit);
    }
}
