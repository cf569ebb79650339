using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.Array</c>: an in-pipeline N-d array on its own coordinates. As in PODPAC 4 it does not interpolate: it
/// returns its own points that cover the request (SEMANTICS §4), on its own coordinates.
/// </summary>
internal sealed class ArrayNode : Node
{
    private readonly Coordinates _coords;
    private readonly double[] _values;

    private readonly IReadOnlyDictionary<string, string> _attrs;

    // Bounds in the Array's CRS would mislabel an output carried into another CRS, so that output goes without them.
    private readonly IReadOnlyDictionary<string, string>? _transformedAttrs;

    private ArrayNode(Coordinates coords, double[] values)
    {
        _coords = coords;
        _values = values;
        // PODPAC's interpolation selector decides uniformity on the whole axis, and the output shows only part of
        // it, where a few uneven points can look evenly spaced.
        var uneven = Interpolation.GridResampler.UnevenDims(coords.Axes);
        var attrs = new Dictionary<string, string>
        {
            // PODPAC's DataSource output carries the whole dataset's bounds, which nearest's respect_bounds uses.
            [Interpolation.StackedNearest.BoundsAttr] = Interpolation.StackedNearest.FormatBounds(coords.Axes),
        };
        if (uneven.Length > 0)
        {
            attrs[Interpolation.GridResampler.UnevenAttr] = string.Join(",", uneven);
        }
        _attrs = attrs;
        _transformedAttrs = uneven.Length == 0 ? null : new Dictionary<string, string> { [Interpolation.GridResampler.UnevenAttr] = string.Join(",", uneven) };
    }

    /// <inheritdoc/>
    public override Coordinates? NativeCoordinates => _coords;

    public static NodeType Type { get; } = new(
        "data.Array",
        ["core.data.array_source.Array", "data.array_source.Array"],
        1,
        [
            new AttrSpec("source", AttrType.NumberArray, required: true),
            new AttrSpec("coordinates", AttrType.Coordinates, required: true),
            new AttrSpec("nan_val", AttrType.Number, JsonValue.Create(double.NaN)),
            new AttrSpec("nan_vals", AttrType.NumberList, new JsonArray()),
            new AttrSpec("boundary", AttrType.Object, new JsonObject()),
            new AttrSpec("coordinate_index_type", AttrType.Choice, "numpy", choices: ["numpy"]),
        ],
        InputSpec.None,
        extentDependent: true,
        Build);

    private static ArrayNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var coords = ctx.GetCoordinates("coordinates");
        var (values, shape) = ctx.GetArray("source");
        if (!shape.SequenceEqual(coords.Shape))
        {
            ctx.Error("source", $"has shape [{string.Join(", ", shape)}] but the coordinates have shape [{string.Join(", ", coords.Shape)}]");
            return null;
        }
        if (ctx.Attrs["boundary"] is JsonObject b && b.Count > 0)
        {
            ctx.Error("boundary", "non-empty boundaries are not supported");
            return null;
        }
        var nanVals = ctx.GetDoubles("nan_vals");
        double nanVal = ctx.GetDouble("nan_val");
        if (nanVals.Length > 0)
        {
            // PODPAC: data[isin(data, nan_vals)] = nan_val (a NaN cell is not "in" nan_vals).
            values = (double[])values.Clone();
            foreach (ref var v in values.AsSpan())
            {
                if (Array.IndexOf(nanVals, v) >= 0) v = nanVal;
            }
        }
        return new ArrayNode(coords, values);
    }

    /// <inheritdoc/>
    public override Coordinates? OwnCoordinates => _coords;

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        var selected = new int[_coords.Rank][];
        var axes = new Coordinates1D[_coords.Rank];
        foreach (var axis in _coords.Axes)
        {
            if (!request.Contains(axis.Name))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{axis.Name}' dim, which the Array's source has (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        // As PODPAC's DataSource.eval: the request's other dims dropped, then transformed into the Array's CRS; the
        // selected points are transformed back to the request's CRS.
        var local = SourceRequest.For(request.Select(request.Dims.Where(_coords.Contains)), _coords.Crs).Request;
        for (int d = 0; d < _coords.Rank; d++)
        {
            var axis = _coords.Axes[d];
            selected[d] = Selection.Outer(axis, local[axis.Name]);
            axes[d] = axis.Select(selected[d]);
        }
        var outCoords = SourceRequest.Back(new Coordinates(axes, _coords.Crs), request.Crs);
        var result = new double[outCoords.Size];
        if (result.Length > 0)
        {
            Gather(_values, DataArray.StridesOf(_coords.Shape), selected, result);
        }
        var attrs = CoordinateTransform.Needed(_coords.Crs, request.Crs) ? _transformedAttrs : _attrs;
        return new DataArray(outCoords, result, attrs).TransposeToRequest(request);
    }

    /// <summary>Copies the cells at the cross product of <paramref name="selected"/> indices, row-major.</summary>
    internal static void Gather(double[] src, long[] strides, int[][] selected, double[] dst)
    {
        int rank = selected.Length;
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        var idx = new int[rank];
        int d = 0;
        int last = rank - 1;
        var inner = selected[last];
        while (true)
        {
            long off = 0;
            for (int i = 0; i < last; i++) off += selected[i][idx[i]] * strides[i];
            for (int j = 0; j < inner.Length; j++) dst[d++] = src[off + inner[j] * strides[last]];
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < selected[k].Length) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
    }
}
