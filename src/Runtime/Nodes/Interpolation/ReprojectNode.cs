using PodCache.Runtime.Nodes.Sources;

namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// <c>algorithm.Reproject</c> (PODPAC's <c>core.algorithm.reprojection.Reproject</c>): evaluates its source on its
/// own <c>coordinates</c> rather than the request's and interpolates that result onto the request, as
/// <see cref="InterpolateNode"/> does. Typical use: a coarse or averaged source bilinearly resampled, or a source
/// evaluated in another CRS.
/// </summary>
/// <remarks>
/// The source is asked for, as PODPAC's <c>Reproject._source_eval</c> builds it: the reprojection coordinates
/// (restricted to <c>reproject_dims</c> when given) selected outward against the request's bounds in the
/// reprojection CRS (<c>intersect(request, outer=True)</c>), followed by the request's other dims, all in the
/// reprojection CRS. The output lies on the request's coordinates.
/// </remarks>
internal sealed class ReprojectNode : Node
{
    public static NodeType Type { get; } = new(
        "algorithm.Reproject",
        ["core.algorithm.reprojection.Reproject", "algorithm.reprojection.Reproject"],
        1,
        [
            new AttrSpec("coordinates", AttrType.Coordinates, required: true),
            InterpolationDefinition.Attr(),
            new AttrSpec("reproject_dims", AttrType.Dims, null),
            new AttrSpec("source_id", AttrType.String, ""),
        ],
        InputSpec.Named("source"),
        // The outward selection of the reprojection coordinates depends on the request's bounds.
        extentDependent: true,
        Build);

    private readonly Coordinates _coordinates;
    private readonly IReadOnlyList<string>? _reprojectDims;
    private readonly InterpolationDefinition _interpolation;

    private ReprojectNode(Coordinates coordinates, IReadOnlyList<string>? reprojectDims, InterpolationDefinition interpolation)
    {
        _coordinates = coordinates;
        _reprojectDims = reprojectDims;
        _interpolation = interpolation;
    }

    private static ReprojectNode? Build(NodeBuildContext ctx)
    {
        var interpolation = InterpolationDefinition.Parse(ctx);
        if (ctx.HasErrors || interpolation is null)
        {
            return null;
        }
        var coords = ctx.GetCoordinates("coordinates");
        var dims = ctx.GetStrings("reproject_dims");
        if (dims is not null)
        {
            // PODPAC drops the reprojection coordinates' other dims: coordinates.drop([d not in reproject_dims]).
            coords = new Coordinates(coords.Axes.Where(a => dims.Contains(a.Name)), coords.Crs);
        }
        if (coords.Crs is { } crs && !SpatialReference.TryParse(crs, out _, out var error))
        {
            ctx.ErrorAt("attrs.coordinates.crs", error!);
            return null;
        }
        return new ReprojectNode(coords, dims, interpolation);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(slots);
        var eval = SourceCoordinates(request);
        var d = new Dictionary<string, Coordinates>(slots.Count);
        foreach (var s in slots)
        {
            d[s] = eval;
        }
        return d;
    }

    /// <summary>The coordinates the source is evaluated at for <paramref name="request"/> (see the class remarks).</summary>
    internal Coordinates SourceCoordinates(Coordinates request)
    {
        string crs = _coordinates.Crs;
        // intersect(): the request in the reprojection CRS, then each reprojection dim selected outward against the
        // request's bounds in that dim; a dim the request lacks is kept whole.
        var local = SourceRequest.For(request, crs).Request;
        var axes = new List<Coordinates1D>(_coordinates.Rank + request.Rank);
        foreach (var axis in _coordinates.Axes)
        {
            axes.Add(local.Contains(axis.Name) ? axis.Select(Selection.Outer(axis, local[axis.Name])) : axis);
        }
        // The request's other dims follow (drop(reproject_dims or the reprojection dims)), carried into the
        // reprojection CRS: a lat or lon among them is transformed with its partner, other dims are unchanged.
        var replaced = _reprojectDims ?? _coordinates.Dims;
        var extra = request.Axes.Where(a => !replaced.Contains(a.Name)).ToArray();
        if (extra.Any(a => a.Name is "lat" or "lon") && CoordinateTransform.Needed(request.Crs, crs))
        {
            var moved = SourceRequest.For(new Coordinates(extra, request.Crs), crs);
            if (moved.Stacked)
            {
                throw new NodeEvaluationException(
                    $"the request's lat/lon, which are not reprojection dims, do not stay a grid in {crs}");
            }
            extra = moved.Request.Axes.ToArray();
        }
        foreach (var axis in extra)
        {
            if (axes.Any(a => a.Name == axis.Name))
            {
                throw new NodeEvaluationException(
                    $"the request's dim '{axis.Name}' is also a reprojection dim outside reproject_dims; PODPAC cannot merge them either");
            }
            axes.Add(axis);
        }
        return new Coordinates(axes, crs);
    }

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context) =>
        InterpolateNode.Resample(context.Input("source"), context.Request, _interpolation);
}
