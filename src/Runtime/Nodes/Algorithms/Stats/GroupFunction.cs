namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// The <c>reduce_fn</c> of PODPAC's <c>GroupReduce</c> and <c>ResampleReduce</c>: xarray's groupby/resample
/// reductions over <c>time</c>, NaN-skipping where xarray skips (SEMANTICS §12).
/// </summary>
internal enum GroupFunction
{
    /// <summary>1 when every value is non-zero (NaN counts as non-zero, as numpy's <c>all</c>), else 0.</summary>
    All,

    /// <summary>1 when some value is non-zero (NaN counts), else 0.</summary>
    Any,

    /// <summary>The number of non-NaN values (±inf counted).</summary>
    Count,

    /// <summary>NaN-skipping maximum.</summary>
    Max,

    /// <summary>NaN-skipping mean.</summary>
    Mean,

    /// <summary>NaN-skipping median.</summary>
    Median,

    /// <summary>NaN-skipping minimum.</summary>
    Min,

    /// <summary>NaN-skipping product; all-NaN gives 1.</summary>
    Prod,

    /// <summary>NaN-skipping population standard deviation (ddof = 0).</summary>
    Std,

    /// <summary>NaN-skipping sum; all-NaN gives 0.</summary>
    Sum,

    /// <summary>NaN-skipping population variance (ddof = 0).</summary>
    Var,
}
