using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Compositors;

/// <summary>
/// <c>compositor.TileCompositor</c> (SEMANTICS §14): every source is evaluated at the request and the results are
/// merged in source order as xarray's <c>combine_first</c> does: aligned by label with an outer join, a cell taking
/// the first source's value where that is not NaN. The output lies on the union of the sources' coordinates, not on
/// the request.
/// </summary>
/// <remarks>
/// Per dim the union keeps an axis unchanged when both sides hold exactly the same points (pandas returns an equal
/// index as it is) and otherwise sorts the distinct points ascending. A dim only one side has is broadcast over.
/// Unlike <see cref="OrderedCompositorNode"/> there is no positional copy and no early stop, and ±inf is a value.
/// </remarks>
internal sealed class TileCompositorNode : CompositorNode
{
    private TileCompositorNode(CompositorAttrs attrs)
        : base(attrs)
    {
    }

    public static NodeType Type { get; } = new(
        "compositor.TileCompositor",
        [
            "core.compositor.tile_compositor.TileCompositor", "compositor.tile_compositor.TileCompositor",
            // PODPAC 2 and 3 split the class into TileCompositorRaw (no interpolation) and an interpolating
            // TileCompositor; PODPAC 4's TileCompositor is the raw one, so the old raw names mean exactly this node.
            "compositor.TileCompositorRaw", "core.compositor.tile_compositor.TileCompositorRaw",
            "compositor.tile_compositor.TileCompositorRaw",
        ],
        // 2: the output's bounds are the union of the sources' (PODPAC's), not the first source's.
        2,
        CompositorAttrSpecs,
        InputSpec.Sources,
        // A cell's value is the first non-NaN source value at that label, and the output's labels are the union of
        // the sources'. Sources that are themselves extent-independent answer on the request's own grid, so the
        // union is that grid and a slice of a larger result equals the smaller one; a source that returns its own
        // points (data.Array) is extent-dependent and already makes the subgraph unsliceable.
        extentDependent: false,
        Build);

    private static TileCompositorNode? Build(NodeBuildContext ctx) => ReadAttrs(ctx) is { } attrs ? new TileCompositorNode(attrs) : null;

    /// <inheritdoc/>
    /// <remarks>With <c>source_coordinates</c>, which sources run depends on the request, so they are asked for through <see cref="NextInput"/>.</remarks>
    public override IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => Select is null ? slots : [];

    /// <inheritdoc/>
    public override string? NextInput(NodeContext context) =>
        Select is null ? null : Selected(context).FirstOrDefault(s => !context.Has(s));

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var selected = Selected(context);
        if (selected.Count == 0)
        {
            // PODPAC: no source selected gives NaN on the request.
            var request = Effective(context.Request);
            var nan = GC.AllocateUninitializedArray<double>(checked((int)request.Size));
            nan.AsSpan().Fill(double.NaN);
            return new DataArray(request, nan);
        }
        var result = context.Input(selected[0]);
        for (int i = 1; i < selected.Count; i++)
        {
            result = CombineFirst(result, context.Input(selected[i]));
        }
        return result;
    }

    /// <summary>xarray's <c>first.combine_first(second)</c>: an outer join by label, <paramref name="first"/> winning where not NaN.</summary>
    internal static DataArray CombineFirst(DataArray first, DataArray second)
    {
        var dims = first.Dims.Concat(second.Dims.Where(d => !first.Coordinates.Contains(d))).ToArray();
        var axes = new Coordinates1D[dims.Length];
        // For each output dim, the index along it into each side (-1: that label is missing; null: the side lacks the dim).
        var firstIndex = new int[dims.Length][];
        var secondIndex = new int[dims.Length][];
        for (int k = 0; k < dims.Length; k++)
        {
            var a = first.Coordinates.Contains(dims[k]) ? first.Coordinates[dims[k]] : null;
            var b = second.Coordinates.Contains(dims[k]) ? second.Coordinates[dims[k]] : null;
            axes[k] = a is null ? b! : b is null ? a : Union(a, b);
            firstIndex[k] = a is null ? null! : IndexInto(axes[k], a);
            secondIndex[k] = b is null ? null! : IndexInto(axes[k], b);
        }
        var coords = new Coordinates(axes, first.Coordinates.Crs);
        var firstStrides = StridesIn(first, dims);
        var secondStrides = StridesIn(second, dims);
        var shape = coords.Shape;
        var values = GC.AllocateUninitializedArray<double>(checked((int)coords.Size));
        var idx = new int[dims.Length];
        var fa = first.Values;
        var sa = second.Values;
        for (int n = 0; n < values.Length; n++)
        {
            double v = Lookup(fa, firstIndex, firstStrides, idx);
            values[n] = double.IsNaN(v) ? Lookup(sa, secondIndex, secondStrides, idx) : v;
            for (int k = dims.Length - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
        return new DataArray(coords, values, MergedAttrs(first, second));
    }

    /// <summary>
    /// The first's attrs, with <c>bounds</c> as PODPAC's TileCompositor merges them: the union for each dim both
    /// sides bound, dims bound on one side only dropped.
    /// </summary>
    private static IReadOnlyDictionary<string, string> MergedAttrs(DataArray first, DataArray second)
    {
        const string key = Interpolation.StackedNearest.BoundsAttr;
        if (!first.Attrs.TryGetValue(key, out var a))
        {
            return first.Attrs;
        }
        var attrs = new Dictionary<string, string>(first.Attrs);
        attrs.Remove(key);
        if (second.Attrs.TryGetValue(key, out var b) && JsonNode.Parse(a) is JsonObject fa && JsonNode.Parse(b) is JsonObject fb)
        {
            var merged = new JsonObject();
            foreach (var (dim, range) in fa)
            {
                if (fb[dim] is JsonArray other && range is JsonArray mine)
                {
                    merged[dim] = new JsonArray(Math.Min(mine[0]!.GetValue<double>(), other[0]!.GetValue<double>()),
                        Math.Max(mine[1]!.GetValue<double>(), other[1]!.GetValue<double>()));
                }
            }
            if (merged.Count > 0)
            {
                attrs[key] = merged.ToJsonString();
            }
        }
        return attrs;
    }

    private static double Lookup(ReadOnlySpan<double> data, int[][] index, long[] strides, int[] idx)
    {
        long off = 0;
        for (int k = 0; k < idx.Length; k++)
        {
            if (index[k] is { } map)
            {
                int i = map[idx[k]];
                if (i < 0)
                {
                    return double.NaN;
                }
                off += i * strides[k];
            }
        }
        return data[(int)off];
    }

    /// <summary>The row-major stride of each of <paramref name="dims"/> in <paramref name="array"/> (0 where it lacks the dim).</summary>
    private static long[] StridesIn(DataArray array, string[] dims)
    {
        var shape = array.Shape;
        var own = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            own[i] = s;
            s *= shape[i];
        }
        return dims.Select(d => array.Coordinates.IndexOf(d) is var i and >= 0 ? own[i] : 0).ToArray();
    }

    /// <summary>pandas' <c>Index.union</c>: an equal index as it is, otherwise the distinct labels sorted ascending.</summary>
    private static Coordinates1D Union(Coordinates1D a, Coordinates1D b)
    {
        AxisValues.CheckCompatible(a, b);
        if (a.Unit == b.Unit && a.Points.SequenceEqual(b.Points))
        {
            return a;
        }
        var unit = a.Unit is { } ua && b.Unit is { } ub ? TimeUnits.Finer(ua, ub) : (TimeUnit?)null;
        var set = new SortedSet<double>();
        foreach (var axis in (Coordinates1D[])[a, b])
        {
            foreach (var p in axis.Points)
            {
                set.Add(unit is { } u && axis.Unit != u ? TimeUnits.FromTicks(TimeUnits.ToTicks(p, axis.Unit!.Value), u) : p);
            }
        }
        return new ArrayCoordinates1D(a.Name, [.. set], unit);
    }

    /// <summary>For each point of <paramref name="union"/>, its index in <paramref name="axis"/>, or -1.</summary>
    private static int[] IndexInto(Coordinates1D union, Coordinates1D axis)
    {
        var at = new Dictionary<double, int>(axis.Size);
        var pts = axis.Points;
        for (int i = pts.Length - 1; i >= 0; i--)
        {
            // Labels compare on one scale (ticks for time); the first occurrence of a repeated label wins, as pandas' get_indexer.
            at[AxisValues.Comparable(axis, pts[i])] = i;
        }
        var map = new int[union.Size];
        var u = union.Points;
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = at.TryGetValue(AxisValues.Comparable(union, u[i]), out var j) ? j : -1;
        }
        return map;
    }
}
