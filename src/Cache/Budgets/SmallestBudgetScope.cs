namespace PodCache.Cache.Budgets;

/// <summary>Several budgets at once (a machine's RAM and a cluster member's share): the smallest limit applies.</summary>
public sealed class SmallestBudgetScope : IBudgetScope
{
    private readonly IBudgetScope[] _scopes;

    /// <summary>Combines <paramref name="scopes"/>.</summary>
    /// <exception cref="ArgumentException">None given.</exception>
    public SmallestBudgetScope(params IBudgetScope[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Length == 0 || scopes.Any(s => s is null))
        {
            throw new ArgumentException("Give at least one budget scope, and no null.", nameof(scopes));
        }
        _scopes = scopes;
    }

    /// <summary>The scope of <paramref name="a"/> and <paramref name="b"/>, either of which may be null; null when both are.</summary>
    public static IBudgetScope? Of(IBudgetScope? a, IBudgetScope? b) =>
        a is null ? b : b is null ? a : new SmallestBudgetScope(a, b);

    /// <inheritdoc/>
    public long CurrentLimit()
    {
        long limit = long.MaxValue;
        foreach (var s in _scopes)
        {
            limit = Math.Min(limit, s.CurrentLimit());
        }
        return limit;
    }
}
