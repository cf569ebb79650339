using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// PODPAC's <c>ModifyCoordinates</c> (SEMANTICS §11): builds a new request one dim at a time, evaluates
/// <c>source</c> there and returns that result unchanged, or, with <c>substitute_eval_coords</c>, with the request's
/// coordinates put back positionally.
/// </summary>
/// <remarks>
/// Input <c>coordinates_source</c>, where a node takes it, is never evaluated: only the coordinates its sources hold are
/// read, when the pipeline is built (<see cref="NodeBuildContext.FindCoordinates"/>).
/// </remarks>
internal abstract class CoordinateModifierNode : Node
{
    /// <summary>The dims whose list attrs say how to modify them, in PODPAC's attr order.</summary>
    protected static readonly string[] DimAttrs = ["lat", "lon", "time", "alt"];

    private readonly bool _substitute;

    private protected CoordinateModifierNode(bool substitute) => _substitute = substitute;

    /// <summary>The lat/lon/time/alt list attrs, each defaulting to [] (the dim unchanged).</summary>
    protected static IEnumerable<AttrSpec> DimAttrSpecs => DimAttrs.Select(d => new AttrSpec(d, AttrType.Any, new JsonArray()));

    /// <summary>The new axis for <paramref name="axis"/> of <paramref name="request"/>.</summary>
    /// <exception cref="NodeEvaluationException">The attrs do not fit the request.</exception>
    private protected abstract Coordinates1D Modify(Coordinates request, Coordinates1D axis);

    /// <summary>The coordinates <c>source</c> is evaluated at for <paramref name="request"/>.</summary>
    /// <exception cref="NodeEvaluationException">A dim is left with no points, or the attrs do not fit the request.</exception>
    internal Coordinates ModifiedRequest(Coordinates request)
    {
        var axes = new Coordinates1D[request.Rank];
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = Modify(request, request.Axes[i]);
            if (axes[i].Size == 0)
            {
                throw new NodeEvaluationException($"the modified coordinates do not intersect with the source data (dim '{axes[i].Name}')");
            }
        }
        return new Coordinates(axes, request.Crs);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(slots);
        var modified = ModifiedRequest(request);
        return slots.ToDictionary(s => s, _ => modified);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => ["source"];

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var output = context.Input("source");
        if (!_substitute)
        {
            return output;
        }
        var request = context.Request;
        var axes = output.Coordinates.Axes.ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            if (!request.Contains(axes[i].Name))
            {
                continue;
            }
            var given = request[axes[i].Name];
            if (given.Size != axes[i].Size)
            {
                throw new NodeEvaluationException(
                    $"substitute_eval_coords puts the request's '{given.Name}' coordinates ({given.Size}) on the output's ({axes[i].Size}) by position, so their sizes must match");
            }
            axes[i] = given;
        }
        return new DataArray(new Coordinates(axes, output.Coordinates.Crs), output.Data, output.Attrs);
    }

    /// <summary>Reads item <paramref name="index"/> of a list of <paramref name="count"/>.</summary>
    private protected delegate bool ItemParser(JsonNode? node, int index, int count, out CoordItem item, out string error);

    /// <summary>
    /// Reads the list attr of <paramref name="dim"/>: at most <paramref name="maxItems"/> items, each read by
    /// <paramref name="parse"/>; reports problems at the item's JSON path and returns null.
    /// </summary>
    private protected static CoordItem[]? ReadItems(NodeBuildContext ctx, string dim, int maxItems, ItemParser parse, string forms)
    {
        if (ctx.Attrs[dim] is not JsonArray list)
        {
            ctx.Error(dim, $"must be a list: {forms}");
            return null;
        }
        if (list.Count > maxItems)
        {
            ctx.Error(dim, $"has {list.Count} items; {forms}");
            return null;
        }
        var items = new CoordItem[list.Count];
        for (int i = 0; i < items.Length; i++)
        {
            if (!parse(list[i], i, list.Count, out items[i], out var error))
            {
                ctx.ErrorAt($"attrs.{dim}[{i}]", error);
                return null;
            }
        }
        return items;
    }

    /// <summary>
    /// The <paramref name="dim"/> axis of the one coordinate set <c>coordinates_source</c> (or <c>source</c>) holds,
    /// which PODPAC's two-item forms select from; reports why there is none against attr <paramref name="dim"/>.
    /// </summary>
    private protected static Coordinates1D? AvailableAxis(NodeBuildContext ctx, string dim)
    {
        string slot = ctx.Slots.Contains("coordinates_source") ? "coordinates_source" : "source";
        var found = ctx.FindCoordinates(slot);
        if (found is null)
        {
            ctx.Error(dim, $"a two-item list selects from the coordinates {slot} holds, which PodCache knows only for data.Array sources " +
                "(and nodes over them); give a third item (a step) or make coordinates_source a data.Array");
            return null;
        }
        if (found.Count != 1)
        {
            ctx.Error(dim, $"a two-item list selects from the coordinates {slot} holds, but it reports {found.Count} coordinate sets " +
                "and PODPAC needs exactly one");
            return null;
        }
        if (!found[0].Contains(dim))
        {
            ctx.Error(dim, $"a two-item list selects from the coordinates {slot} holds, which have no '{dim}' dim");
            return null;
        }
        return found[0][dim];
    }

    /// <summary>
    /// The points of <paramref name="available"/> within [<paramref name="lo"/>, <paramref name="hi"/>] (comparable
    /// scale: ticks for time), ends included, in its own order, as PODPAC's <c>Coordinates1d.select</c>.
    /// </summary>
    private protected static void SelectWithin(Coordinates1D available, double lo, double hi, List<double> into)
    {
        foreach (var p in available.Points)
        {
            double c = AxisValues.Comparable(available, p);
            if (c >= lo && c <= hi)
            {
                into.Add(p);
            }
        }
    }

    /// <summary>A point on the comparable scale of <see cref="AxisValues"/> (ticks for time).</summary>
    private protected static double Comparable((double Value, TimeUnit? Unit) p) => p.Unit is { } u ? TimeUnits.ToTicks(p.Value, u) : p.Value;

    /// <summary>
    /// The most points a modified axis may have (2^28, the default limits.maxCellsPerNode): checked before the points
    /// are built, so a window such as <c>[-1, 1e8, 0.5]</c> is refused at once instead of allocating gigabytes.
    /// </summary>
    internal const long MaxModifiedPoints = 1L << 28;

    /// <summary>Refuses an axis of <paramref name="count"/> points when it exceeds <see cref="MaxModifiedPoints"/>.</summary>
    /// <exception cref="NodeEvaluationException">Too many points.</exception>
    private protected static void CheckPoints(string dim, double count)
    {
        if (count > MaxModifiedPoints)
        {
            throw new NodeEvaluationException(
                $"the modified '{dim}' coordinates would have {count:N0} points; at most {MaxModifiedPoints:N0} are allowed");
        }
    }

    /// <summary>The uniform points from <paramref name="start"/> to <paramref name="stop"/> by <paramref name="step"/>, as PODPAC's UniformCoordinates1d.</summary>
    /// <exception cref="NodeEvaluationException">A zero step, a step of the wrong sign, or a month/year step.</exception>
    /// <remarks><paramref name="windows"/>: how many such axes are concatenated (ExpandCoordinates' windows), all counted against the limit.</remarks>
    private protected static (double[] Points, TimeUnit? Unit) Uniform(string dim, (double Value, TimeUnit? Unit) start,
        (double Value, TimeUnit? Unit) stop, CoordItem step, int windows = 1)
    {
        if (start.Unit is not { } u0)
        {
            if (step.Kind != CoordItemKind.Number)
            {
                throw new NodeEvaluationException($"'{dim}' is numeric, so its step must be a number");
            }
            try
            {
                var axis = UniformCoordinates1D.FromStep(dim, start.Value, stop.Value, step.Number);
                CheckPoints(dim, (double)axis.Size * windows);
                return (axis.Points.ToArray(), null);
            }
            catch (ArgumentException ex)
            {
                throw new NodeEvaluationException($"'{dim}': {ex.Message}");
            }
        }
        if (step.Kind != CoordItemKind.Delta)
        {
            throw new NodeEvaluationException($"'{dim}' is time, so its step must be a time delta such as \"1,D\"");
        }
        if (TimeUnits.IsCalendar(step.Unit))
        {
            throw new NodeEvaluationException($"'{dim}': a month or year step is not supported here; give it in days or finer");
        }
        var unit = TimeUnits.Finer(TimeUnits.Finer(u0, stop.Unit!.Value), step.Unit);
        long a = TimeUnits.Convert((long)start.Value, u0, unit);
        long b = TimeUnits.Convert((long)stop.Value, stop.Unit!.Value, unit);
        long s = TimeUnits.Convert(step.Count, step.Unit, unit) - TimeUnits.Convert(0, step.Unit, unit);
        if (s == 0 || (b - a) * (double)s < 0)
        {
            throw new NodeEvaluationException($"'{dim}': the step {step.Count},{TimeUnits.Symbol(step.Unit)} does not lead from start to stop");
        }
        long size = (b - a) / s + 1;
        CheckPoints(dim, (double)size * windows);
        var points = new double[size];
        for (long i = 0; i < size; i++)
        {
            points[i] = a + i * s;
        }
        return (points, unit);
    }
}
