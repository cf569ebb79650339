namespace PodCache.Cache.Budgets;

/// <summary>
/// A budget shared beyond one tier instance (a machine's RAM over its processes, a cluster's tier over its members).
/// A tier asks it, before admitting bytes, how many bytes it may hold now.
/// </summary>
public interface IBudgetScope
{
    /// <summary>The most bytes the asking tier may hold right now (its own configured maximum is applied separately).</summary>
    long CurrentLimit();
}
