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

    /// <summary>
    /// numpy's <c>nanpercentile</c> (linear): position p/100·(n−1) in the sorted non-NaN values, interpolated with
    /// numpy's lerp, so an infinity at either neighbour gives NaN; all-NaN gives NaN.
    /// </summary>
    Percentile,

    /// <summary>
    /// Biased sample skewness m3 / m2^1.5 (population moments, scipy's <c>skew</c> with bias=True) of the non-NaN
    /// values; a constant lane, a single value, an infinity or all-NaN gives NaN.
    /// </summary>
    Skew,

    /// <summary>Fisher kurtosis m4 / m2² − 3 with population moments; NaN in the same cases as <see cref="Skew"/>.</summary>
    Kurtosis,
}
