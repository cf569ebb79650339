using PodCache.Cache.Policies;

namespace PodCache.PolicySim;

/// <summary>Runs the default policy, the baselines and the offline bound on one trace at one budget.</summary>
internal static class Harness
{
    /// <summary>The name of the offline bound's row, whichever bound applies to the trace.</summary>
    public const string Bound = "bound";

    /// <summary>Every row, in report order: the default policy first, the bound last.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } =
        [EvictionPolicies.Default, "lru", "lfu", "cachey", "gds", "gdsf", "w-tinylfu", Bound];

    /// <summary>
    /// Runs <paramref name="policies"/> (names from <see cref="PolicyNames"/>, or <c>belady</c> /
    /// <c>fluid-bound</c> to force one bound) in parallel; results come back in the order asked.
    /// </summary>
    /// <param name="trace">The trace.</param>
    /// <param name="budgetBytes">The budget.</param>
    /// <param name="policies">Row names.</param>
    /// <param name="costAware">Settings for the <c>cost-aware</c> row; null for the defaults PodCache ships.</param>
    /// <param name="eagerReads">Tell policies of every hit at once (see <see cref="PolicySimulator"/>).</param>
    public static SimResult[] Run(Trace trace, long budgetBytes, IReadOnlyList<string> policies, CostAwarePolicyOptions? costAware = null,
        bool eagerReads = false)
    {
        var results = new SimResult[policies.Count];
        Parallel.For(0, policies.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = RunOne(trace, budgetBytes, policies[i], costAware, eagerReads));
        return results;
    }

    public static SimResult RunOne(Trace trace, long budgetBytes, string policy, CostAwarePolicyOptions? costAware = null,
        bool eagerReads = false) => policy switch
    {
        Bound when trace.UniformSize && trace.UniformCost => BeladyBound.Run(trace, budgetBytes),
        Bound => FluidBound.Run(trace, budgetBytes),
        BeladyBound.Name when trace.UniformSize && trace.UniformCost => BeladyBound.Run(trace, budgetBytes),
        BeladyBound.Name => throw new ArgumentException(
            "belady is the bound only for traces whose objects all have the same size and cost; use fluid-bound."),
        FluidBound.Name => FluidBound.Run(trace, budgetBytes),
        EvictionPolicies.Default when costAware is not null => PolicySimulator.Run(trace, new CostAwarePolicy(costAware), budgetBytes, eagerReads),
        "w-tinylfu" => PolicySimulator.Run(trace, new WTinyLfuPolicy(budgetBytes, ExpectedEntries(trace, budgetBytes)), budgetBytes, eagerReads),
        _ => PolicySimulator.Run(trace, EvictionPolicies.Create(policy), budgetBytes, eagerReads),
    };

    /// <summary>Entries the budget holds at the trace's mean object size; sizes W-TinyLFU's sketch.</summary>
    private static long ExpectedEntries(Trace trace, long budgetBytes)
    {
        var mean = (double)trace.WorkingSetBytes / trace.ObjectCount;
        return Math.Max(1, (long)(budgetBytes / mean));
    }
}
