namespace PodCache.Cache.Policies;

/// <summary>
/// Greedy-Dual-Size-Frequency (Cherkasova 1998): priority <c>H = L + hits × cost / size</c>, recomputed on each
/// insert and read.
/// </summary>
/// <remarks>
/// <para>
/// <c>hits</c> counts the entry's insert and reads; <c>cost</c> is the measured recompute time in seconds, floored
/// at <see cref="CostFloorSeconds"/> so that entries measured as free are still ordered by size and frequency;
/// <c>size</c> is in bytes (at least 1). <c>L</c> starts at 0 and rises to the priority of a removed entry
/// whenever that entry was the lowest-priority one (an eviction, or an expiry that would have been one), so
/// entries not touched for a long time are eventually overtaken. Equal priorities go to the least recently
/// touched entry first.
/// </para>
/// <para>
/// Textbook arithmetic in linear space: when <c>L</c> has grown far beyond an entry's <c>hits × cost / size</c>,
/// doubles can no longer tell such entries apart and they fall back to recency order. The hit count is not
/// decayed; see <see cref="CostAwarePolicy"/> for a variant that decays it. All operations are O(log n).
/// </para>
/// </remarks>
public sealed class GdsfPolicy : PriorityPolicy
{
    /// <summary>The least cost, in seconds, an entry is charged (1e-6).</summary>
    public const double CostFloorSeconds = 1e-6;

    /// <summary>Creates the policy.</summary>
    public GdsfPolicy()
        : base("gdsf")
    {
    }

    /// <inheritdoc/>
    private protected override double Weight(long sizeBytes, double costSeconds) => CostPerByte(sizeBytes, costSeconds);

    /// <inheritdoc/>
    private protected override double Priority(double weight, double frequency) => Inflation + (frequency * weight);

    internal static double CostPerByte(long sizeBytes, double costSeconds)
    {
        // NaN or negative measurements count as the floor; an infinite one as the largest finite cost.
        var cost = costSeconds >= CostFloorSeconds ? Math.Min(costSeconds, double.MaxValue) : CostFloorSeconds;
        return cost / Math.Max(sizeBytes, 1);
    }
}
