namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// PODPAC's reductions (<c>algorithm.Min</c>, <c>Max</c>, <c>Sum</c>, <c>Count</c>, <c>Mean</c>, <c>Variance</c>,
/// <c>StandardDeviation</c>, <c>Median</c>, <c>Percentile</c>, <c>Skew</c>, <c>Kurtosis</c>): the source evaluated at the request, reduced NaN-skipping over the
/// request dims named by <c>dims</c> (all of them when null). Names the request lacks are ignored (SEMANTICS §7).
/// </summary>
internal sealed class ReduceNode : Node
{
    private const int MaxDims = 4;

    private readonly ReductionKind _kind;
    private readonly string[]? _dims;
    private readonly double _percentile;

    private ReduceNode(ReductionKind kind, string[]? dims, double percentile)
    {
        _kind = kind;
        _dims = dims;
        _percentile = percentile;
    }

    /// <summary><c>algorithm.Min</c>.</summary>
    public static NodeType MinType { get; } = CreateType(ReductionKind.Min);

    /// <summary><c>algorithm.Max</c>.</summary>
    public static NodeType MaxType { get; } = CreateType(ReductionKind.Max);

    /// <summary><c>algorithm.Sum</c>.</summary>
    public static NodeType SumType { get; } = CreateType(ReductionKind.Sum);

    /// <summary><c>algorithm.Count</c>.</summary>
    public static NodeType CountType { get; } = CreateType(ReductionKind.Count);

    /// <summary><c>algorithm.Mean</c>.</summary>
    public static NodeType MeanType { get; } = CreateType(ReductionKind.Mean);

    /// <summary><c>algorithm.Variance</c>.</summary>
    public static NodeType VarianceType { get; } = CreateType(ReductionKind.Variance);

    /// <summary><c>algorithm.StandardDeviation</c>.</summary>
    public static NodeType StandardDeviationType { get; } = CreateType(ReductionKind.StandardDeviation);

    /// <summary><c>algorithm.Median</c>.</summary>
    public static NodeType MedianType { get; } = CreateType(ReductionKind.Median);

    /// <summary><c>algorithm.Percentile</c>.</summary>
    public static NodeType PercentileType { get; } = CreateType(ReductionKind.Percentile, new AttrSpec("percentile", AttrType.Number, 50.0));

    /// <summary><c>algorithm.Skew</c>.</summary>
    public static NodeType SkewType { get; } = CreateType(ReductionKind.Skew);

    /// <summary><c>algorithm.Kurtosis</c>.</summary>
    public static NodeType KurtosisType { get; } = CreateType(ReductionKind.Kurtosis);

    /// <summary>Every reduction type, for registration.</summary>
    public static IReadOnlyList<NodeType> Types { get; } =
        [MinType, MaxType, SumType, CountType, MeanType, VarianceType, StandardDeviationType, MedianType, PercentileType, SkewType, KurtosisType];

    private static NodeType CreateType(ReductionKind kind, params AttrSpec[] extra)
    {
        string name = kind.ToString();
        return new NodeType(
            "algorithm." + name,
            ["core.algorithm.stats." + name, "algorithm.stats." + name],
            1,
            [new AttrSpec("dims", AttrType.Dims, null), .. extra],
            InputSpec.Named("source"),
            // Extent-dependent: the value at an output point aggregates the source over the *requested* extent of the
            // reduced dims, so a result for a larger request cannot be sliced to answer a smaller one.
            extentDependent: true,
            ctx => Build(ctx, kind));
    }

    private static ReduceNode? Build(NodeBuildContext ctx, ReductionKind kind)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        double percentile = 50;
        if (kind == ReductionKind.Percentile)
        {
            percentile = ctx.GetDouble("percentile");
            // PODPAC accepts any float and numpy raises at evaluation; refusing it here names the attr instead.
            if (!(percentile is >= 0 and <= 100))
            {
                ctx.Error("percentile", $"must be between 0 and 100, not {percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                return null;
            }
        }
        var dims = ctx.GetStrings("dims");
        if (dims is null)
        {
            return new ReduceNode(kind, null, percentile);
        }
        // PODPAC's DimsTrait: a list of 1 to 4 valid dim names.
        if (dims.Count is 0 or > MaxDims)
        {
            ctx.Error("dims", $"must be null, a dim name or a list of 1 to {MaxDims} dim names, not a list of {dims.Count}");
            return null;
        }
        for (int i = 0; i < dims.Count; i++)
        {
            if (!Coordinates.KnownDims.Contains(dims[i]))
            {
                ctx.Error("dims", $"'{dims[i]}' is not a dim; dims are {string.Join(", ", Coordinates.KnownDims)}");
                return null;
            }
            for (int j = 0; j < i; j++)
            {
                if (dims[j] == dims[i])
                {
                    ctx.Error("dims", $"'{dims[i]}' is listed twice");
                    return null;
                }
            }
        }
        return new ReduceNode(kind, [.. dims], percentile);
    }

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        var source = context.Input("source");
        var reduce = new List<string>(request.Rank);
        foreach (var d in _dims ?? request.Dims)
        {
            if (request.Contains(d))
            {
                reduce.Add(d);
            }
        }
        foreach (var d in reduce)
        {
            if (!source.Coordinates.Contains(d))
            {
                throw new NodeEvaluationException(
                    $"cannot reduce over '{d}': the source output has no such dim (its dims: {string.Join(", ", source.Dims)})");
            }
        }
        return Reductions.Reduce(source, reduce, _kind, _percentile);
    }
}
