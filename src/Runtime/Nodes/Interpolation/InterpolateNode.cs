namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// <c>interpolators.Interpolate</c> with <c>interpolation: "nearest"</c>: evaluates its source at the request (a
/// <c>data.Array</c> answers with its own covering points) and resamples the result onto the request's coordinates,
/// per dim, with PODPAC 4's two-step nearest rule (<see cref="NearestNeighbor"/>, SEMANTICS §4).
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
            new AttrSpec("interpolation", AttrType.Choice, "nearest", choices: ["nearest"]),
            new AttrSpec("source_id", AttrType.String, ""),
        ],
        InputSpec.Named("source"),
        // The selection step picks source points against the whole request, so a sub-grid can select differently.
        extentDependent: true,
        ctx => ctx.HasErrors ? null : new InterpolateNode());

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        var source = context.Input("source");
        if (!CrsNames.AreEquivalent(request.Crs, source.Coordinates.Crs))
        {
            throw new NodeEvaluationException(
                $"the source output's CRS '{source.Coordinates.Crs}' differs from the request's '{request.Crs}'; CRS transforms are not supported");
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
        if (source.Length == 0)
        {
            return DataArray.Filled(outCoords, double.NaN);
        }
        var aligned = source.TransposeToRequest(request);
        var indices = new int[outCoords.Rank][];
        for (int k = 0; k < indices.Length; k++)
        {
            indices[k] = NearestNeighbor.Indices(aligned.Coordinates.Axes[k], outCoords.Axes[k]);
        }
        var result = GC.AllocateUninitializedArray<double>(checked((int)outCoords.Size));
        Gather(aligned.Data, DataArray.StridesOf(aligned.Shape), indices, result);
        return new DataArray(outCoords, result);
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
