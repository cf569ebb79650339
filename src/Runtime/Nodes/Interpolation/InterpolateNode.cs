namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// <c>interpolators.Interpolate</c>: evaluates its source at the request (a <c>data.Array</c> answers with its own
/// covering points) and resamples the result onto the request's coordinates by its <c>interpolation</c> definition
/// (<see cref="InterpolationDefinition"/>, <see cref="GridResampler"/>, SEMANTICS §10).
/// </summary>
/// <remarks>
/// Request dims that the source output lacks are dropped from the output, not broadcast: PODPAC's
/// <c>Interpolate._eval</c> removes them (<c>coordinates.udrop(extra_dims)</c>) before building the output. A source
/// output with a dim that the request lacks cannot be placed and is an error. An empty source output gives NaN on
/// the request grid, as PODPAC's size-0 shortcut does.
/// </remarks>
internal sealed class InterpolateNode : Node
{
    public static NodeType Type { get; } = new(
        "interpolators.Interpolate",
        ["core.interpolation.interpolation.Interpolate", "interpolation.interpolation.Interpolate"],
        1,
        [
            InterpolationDefinition.Attr(),
            new AttrSpec("source_id", AttrType.String, ""),
        ],
        InputSpec.Named("source"),
        // The selection step picks source points against the whole request, so a sub-grid can select differently.
        extentDependent: true,
        ctx => InterpolationDefinition.Parse(ctx) is { } d && !ctx.HasErrors ? new InterpolateNode(d) : null);

    private readonly InterpolationDefinition _definition;

    private InterpolateNode(InterpolationDefinition definition) => _definition = definition;

    /// <inheritdoc/>
    /// <remarks>
    /// PODPAC's selector reads from the whole source, and for <c>cubic</c> (two points beyond each request point)
    /// and <c>nearest_preview</c> (one stride past the cut) it reads past the points a source returns for the
    /// request's bounds. Those dims are asked for two request steps more at each end, so the source returns them;
    /// the selection then cuts the output back to what PODPAC reads.
    /// </remarks>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grown = request;
        foreach (var axis in request.Axes)
        {
            if (_definition.For(axis.Name).Method is "cubic" or "nearest_preview")
            {
                grown = grown.With(Grown(axis, 2));
            }
        }
        return base.PlanInputs(grown, slots);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// For a source that knows its own coordinates (data.Array), each dim is asked for the bounds of the request
    /// together with the points PODPAC's selector picks from the whole source, or the whole axis where nothing
    /// selects, so the source returns every point PODPAC reads and the interpolation sees the source's real bounds.
    /// Other sources get the two-step growth of <see cref="PlanInputs(Coordinates, IReadOnlyList{string})"/>.
    /// </remarks>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots, Func<string, Node> inputs)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs("source").NativeCoordinates is not { } native
            || CoordinateTransform.Needed(native.Crs, request.Crs)
            || native.Axes.Any(a => a is StackedCoordinates1D || a.Size == 0)
            || !native.Dims.All(request.Contains))
        {
            return PlanInputs(request, slots);
        }
        var asked = request;
        foreach (var (dims, entry) in GridResampler.Keys(_definition, native.Dims))
        {
            var kind = GridResampler.SelectorFor(dims, entry);
            foreach (var d in dims)
            {
                asked = asked.With(Reach(native[d], request[d], entry.Method, kind));
            }
        }
        return base.PlanInputs(asked, slots);
    }

    /// <summary>
    /// The axis to ask a source for along one dim: from the least to the greatest of the request's points and the
    /// source points PODPAC selects (all of them when <paramref name="kind"/> is null), on their shared scale.
    /// </summary>
    private static Coordinates1D Reach(Coordinates1D native, Coordinates1D request, string method, InterpolatorKind? kind)
    {
        var scale = AxisScale.For(native, request);
        var s = scale.Points(native);
        var r = scale.Points(request);
        double lo = s.Min(), hi = s.Max();
        int[] picked = kind is { } k
            ? GridResampler.Selection(k, method, scale, native, s, request, r, lo, hi).Indices
            : Enumerable.Range(0, s.Length).ToArray();
        double min = r.Min(), max = r.Max();
        foreach (var i in picked)
        {
            min = Math.Min(min, s[i]);
            max = Math.Max(max, s[i]);
        }
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return request;
        }
        return new ArrayCoordinates1D(request.Name, min == max ? [min] : [min, max], scale.Unit);
    }

    /// <summary><paramref name="axis"/> with <paramref name="steps"/> more points at each end, spaced as its end intervals.</summary>
    internal static Coordinates1D Grown(Coordinates1D axis, int steps)
    {
        if (axis.Size < 2 || axis is StackedCoordinates1D)
        {
            return axis;
        }
        if (axis is UniformCoordinates1D u)
        {
            return UniformCoordinates1D.Exact(u.Name, u.Start - steps * u.Step, u.Step, u.Size + 2 * steps, u.Unit);
        }
        var p = axis.Points;
        double first = p[1] - p[0], last = p[^1] - p[^2];
        if (!(first != 0 && last != 0 && double.IsFinite(first) && double.IsFinite(last)))
        {
            return axis;
        }
        var values = new double[p.Length + 2 * steps];
        for (int i = 0; i < steps; i++)
        {
            values[i] = p[0] - (steps - i) * first;
            values[^(i + 1)] = p[^1] + (steps - i) * last;
        }
        p.CopyTo(values.AsSpan(steps));
        return new ArrayCoordinates1D(axis.Name, values, axis.Unit);
    }

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context) => Resample(context.Input("source"), context.Request, _definition);

    /// <summary>
    /// PODPAC's <c>Interpolate._eval</c> after the source was evaluated: <paramref name="source"/> resampled onto
    /// <paramref name="request"/> (its dims that the source has, in request order) by <paramref name="definition"/>.
    /// </summary>
    internal static DataArray Resample(DataArray source, Coordinates request, InterpolationDefinition definition)
    {
        if (source.Coordinates.Axes.OfType<StackedCoordinates1D>().FirstOrDefault() is { } points)
        {
            return StackedNearest.Resample(source, points, request, OneMethod(definition, "scattered source points"));
        }
        foreach (var d in source.Dims)
        {
            if (!request.Contains(d))
            {
                throw new NodeEvaluationException(
                    $"the source output has dim '{d}', which the request lacks (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        var outCoords = new Coordinates(request.Axes.Where(a => source.Coordinates.Contains(a.Name)), request.Crs);
        bool none = definition.Entries.Any(e => e.Method == "none");
        if (source.Length == 0 && !none)
        {
            return DataArray.Filled(outCoords, double.NaN);
        }
        var aligned = source.TransposeToRequest(request);
        // SEMANTICS §15: a source output in another CRS is interpolated there, at the request transformed into it;
        // the output keeps the request's own coordinates.
        var target = outCoords;
        bool stacked = false;
        if (CoordinateTransform.Needed(source.Coordinates.Crs, request.Crs))
        {
            var transformed = Sources.SourceRequest.For(outCoords, source.Coordinates.Crs);
            target = transformed.Request;
            stacked = transformed.Stacked;
        }
        if (!stacked)
        {
            return GridResampler.Resample(aligned, target, outCoords, definition);
        }
        if (source.Length == 0)
        {
            return DataArray.Filled(outCoords, double.NaN);
        }
        string method = OneMethod(definition, "a request whose lat/lon are not a grid in the source's CRS");
        if (method is "linear" or "bilinear")
        {
            return Linear(aligned, target, stacked, outCoords);
        }
        var indices = new int[outCoords.Rank][];
        for (int k = 0; k < indices.Length; k++)
        {
            bool paired = stacked && outCoords.Axes[k].Name is "lat" or "lon";
            indices[k] = NearestNeighbor.Indices(aligned.Coordinates.Axes[k], target.Axes[k], paired);
        }
        var result = GC.AllocateUninitializedArray<double>(checked((int)outCoords.Size));
        if (stacked)
        {
            GatherPaired(aligned.Data, DataArray.StridesOf(aligned.Shape), indices, outCoords, result);
        }
        else
        {
            Gather(aligned.Data, DataArray.StridesOf(aligned.Shape), indices, result);
        }
        return new DataArray(outCoords, result);
    }

    /// <summary>
    /// The method of a definition that is one plain method for every dim (default interpolators, default params),
    /// which is all the paths for <paramref name="what"/> implement.
    /// </summary>
    private static string OneMethod(InterpolationDefinition definition, string what)
    {
        var methods = definition.Entries.Select(e => e.Method).Distinct().ToArray();
        var e = definition.Default;
        if (methods.Length == 1 && e.Method is "nearest" or "linear" or "bilinear"
            && e.Params == NearestParams.Default && e.Interpolators.SequenceEqual(Interpolators.For(e.Method)))
        {
            return e.Method;
        }
        throw new NodeEvaluationException(
            $"for {what} only a plain 'nearest', 'linear' or 'bilinear' interpolation is supported (one method for every dim, default interpolators and params)");
    }

    private static DataArray Linear(DataArray aligned, Coordinates target, bool stacked, Coordinates outCoords)
    {
        int rank = outCoords.Rank;
        var cells = new Multilinear.Cell[rank][];
        var paired = new bool[rank];
        for (int k = 0; k < rank; k++)
        {
            var axis = aligned.Coordinates.Axes[k];
            var want = target[axis.Name];
            paired[k] = stacked && axis.Name is "lat" or "lon";
            AxisValues.CheckCompatible(axis, want);
            var scale = AxisScale.For(axis, want);
            cells[k] = Multilinear.Cells(new ArrayCoordinates1D(axis.Name, scale.Points(axis)), scale.Points(want));
        }
        int ilat = outCoords.IndexOf("lat"), ilon = outCoords.IndexOf("lon");
        var result = GC.AllocateUninitializedArray<double>(checked((int)outCoords.Size));
        Multilinear.Interpolate(aligned.Data, DataArray.StridesOf(aligned.Shape), cells, outCoords.Shape,
            (k, idx) => paired[k] ? Sources.SourceRequest.PointIndex(outCoords, idx[ilat], idx[ilon]) : idx[k], result);
        return new DataArray(outCoords, result);
    }

    /// <summary>
    /// As <see cref="Gather"/>, for a request whose lat and lon became paired points in the source's CRS: their index
    /// lists run over every (lat, lon) cell of the request (<see cref="Sources.SourceRequest.PointIndex"/>).
    /// </summary>
    private static void GatherPaired(double[] src, long[] strides, int[][] indices, Coordinates outCoords, double[] dst)
    {
        int rank = indices.Length;
        int ilat = outCoords.IndexOf("lat"), ilon = outCoords.IndexOf("lon");
        var shape = outCoords.Shape;
        var idx = new int[rank];
        for (int d = 0; d < dst.Length; d++)
        {
            int point = Sources.SourceRequest.PointIndex(outCoords, idx[ilat], idx[ilon]);
            long off = 0;
            bool missing = false;
            for (int k = 0; k < rank; k++)
            {
                int j = k == ilat || k == ilon ? indices[k][point] : indices[k][idx[k]];
                if (j < 0)
                {
                    missing = true;
                    break;
                }
                off += j * strides[k];
            }
            dst[d] = missing ? double.NaN : src[off];
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="dst"/> (row-major over the index lists) with the source cells at the cross product of
    /// <paramref name="indices"/>; a -1 index in any dim gives NaN.
    /// </summary>
    private static void Gather(double[] src, long[] strides, int[][] indices, double[] dst)
    {
        int rank = indices.Length;
        if (dst.Length == 0)
        {
            return;
        }
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        int last = rank - 1;
        var inner = indices[last];
        long innerStride = strides[last];
        var idx = new int[rank];
        int d = 0;
        while (true)
        {
            long off = 0;
            bool missing = false;
            for (int i = 0; i < last; i++)
            {
                int j = indices[i][idx[i]];
                if (j < 0)
                {
                    missing = true;
                    break;
                }
                off += j * strides[i];
            }
            if (missing)
            {
                dst.AsSpan(d, inner.Length).Fill(double.NaN);
                d += inner.Length;
            }
            else
            {
                foreach (var j in inner)
                {
                    dst[d++] = j < 0 ? double.NaN : src[off + j * innerStride];
                }
            }
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < indices[k].Length) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
    }
}
