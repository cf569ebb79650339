namespace PodCache.Cache.Budgets;

/// <summary>The rule every tier applies before admitting bytes: its own maximum, or less when a shared budget says so.</summary>
public static class BudgetLimit
{
    /// <summary>The most bytes a tier with maximum <paramref name="maxBytes"/> may hold now under <paramref name="scope"/>.</summary>
    public static long Of(long maxBytes, IBudgetScope? scope) =>
        scope is null ? maxBytes : Math.Min(maxBytes, Math.Max(0, scope.CurrentLimit()));
}
