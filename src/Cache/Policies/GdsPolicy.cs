namespace PodCache.Cache.Policies;

/// <summary>
/// Greedy-Dual-Size (Cao and Irani 1997): priority <c>H = L + cost / size</c>, recomputed on each insert and read.
/// </summary>
/// <remarks>
/// <para>
/// <c>cost</c> is the measured recompute time in seconds, floored at <see cref="GdsfPolicy.CostFloorSeconds"/>;
/// <c>size</c> is in bytes (at least 1). How often an entry was read does not matter, only that it was read since
/// <c>L</c> last rose: <c>L</c> starts at 0 and rises to the priority of a removed entry whenever that entry was
/// the lowest-priority one (an eviction, or an expiry that would have been one). Equal priorities go to the least
/// recently touched entry first. All operations are O(log n).
/// </para>
/// </remarks>
public sealed class GdsPolicy : PriorityPolicy
{
    /// <summary>Creates the policy.</summary>
    public GdsPolicy()
        : base("gds")
    {
    }

    /// <inheritdoc/>
    private protected override double Weight(long sizeBytes, double costSeconds) => GdsfPolicy.CostPerByte(sizeBytes, costSeconds);

    // Only that the entry was touched since L last rose matters, not how often.
    /// <inheritdoc/>
    private protected override double NextFrequency(double frequency) => frequency;

    /// <inheritdoc/>
    private protected override double Priority(double weight, double frequency) => Inflation + weight;
}
