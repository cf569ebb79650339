namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>The statistic a <see cref="ReduceNode"/> computes over the reduced dims (SEMANTICS §7).</summary>
internal enum ReductionKind
{
    /// <summary>NaN-skipping minimum; all-NaN gives NaN.</summary>
    Min,

    /// <summary>NaN-skipping maximum; all-NaN gives NaN.</summary>
    Max,

    /// <summary>NaN-skipping sum; all-NaN gives 0.</summary>
    Sum,

    /// <summary>The number of finite values (±inf and NaN are not counted).</summary>
    Count,

    /// <summary>NaN-skipping mean; all-NaN gives NaN.</summary>
    Mean,

    /// <summary>NaN-skipping population variance (ddof = 0); all-NaN gives NaN.</summary>
    Variance,

    /// <summary>The square root of <see cref="Variance"/>.</summary>
    StandardDeviation,

    /// <summary>NaN-skipping median (mean of the two middle values for an even count); all-NaN gives NaN.</summary>
    Median,
}
