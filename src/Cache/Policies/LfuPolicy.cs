namespace PodCache.Cache.Policies;

/// <summary>
/// Least frequently used first, with dynamic aging (LFU-DA): priority <c>K = L + hits</c>, where <c>hits</c> counts
/// the entry's insert and reads and <c>K</c> is recomputed on each of them.
/// </summary>
/// <remarks>
/// <para>
/// <c>L</c> starts at 0 and rises to the priority of a removed entry whenever that entry was the lowest-priority
/// one (an eviction, or an expiry that would have been one). A newcomer therefore starts at <c>L + 1</c>, just
/// above the last victim, and an entry with many old hits but no recent ones is overtaken as <c>L</c> climbs past
/// its count, instead of staying for ever as in plain LFU. Aging is by this inflation only; counts are never
/// halved. Equal priorities go to the least recently touched entry first. Sizes and costs are ignored.
/// </para>
/// <para>All operations are O(log n). Priorities are integers held exactly in a double up to 2^53.</para>
/// </remarks>
public sealed class LfuPolicy : PriorityPolicy
{
    /// <summary>Creates the policy.</summary>
    public LfuPolicy()
        : base("lfu")
    {
    }

    /// <inheritdoc/>
    private protected override double Weight(long sizeBytes, double costSeconds) => 1;

    /// <inheritdoc/>
    private protected override double Priority(double weight, double frequency) => Inflation + frequency;
}
