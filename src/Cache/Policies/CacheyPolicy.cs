using System.Runtime.InteropServices;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// The score of the Python library cachey (dask/cachey), reproduced for comparison: on every touch an entry's
/// score becomes <c>cost / size × Σ (1 + ε)^tᵢ</c>, the sum running over all its touches tᵢ, with
/// <c>ε = ln 2 / halflife</c> and <c>t</c> the number of touches the policy has seen; the lowest score is evicted.
/// </summary>
/// <remarks>
/// <para>
/// As in cachey's <c>Scorer</c>, a running <c>base</c> starts at 1; a touch adds <c>base</c> to the key's
/// accumulated weight, sets the score to <c>cost/size × weight</c>, then multiplies <c>base</c> by <c>1 + ε</c>.
/// Recent touches therefore weigh more: a touch <c>halflife</c> touches ago counts about half as much as one now.
/// Like cachey, a key's accumulated weight is remembered after the key is removed, so a key that
/// comes back continues where it left off; memory grows with the number of distinct keys ever inserted. A score
/// changes only when its entry is touched. <c>cost</c> is the recompute time in seconds (cachey's memoizer
/// divides it by a further constant 1e9, which changes no order); NaN or negative costs count as 0; <c>size</c> is
/// in bytes, at least 1.
/// </para>
/// <para>
/// Overflow, reproduced faithfully: <c>base</c> grows as <c>(1 + ε)^t</c> and becomes +∞ after about
/// <c>709.8 / ln(1 + ε)</c> touches (about 1.02 million with the default halflife of 1000); a much-touched key's
/// accumulated weight, a sum of such terms, reaches +∞ a few thousand touches earlier. From then on every touched
/// entry scores +∞ (or NaN when its cost is 0, since 0 × ∞ is NaN) and <c>base</c> stays +∞: cachey does not
/// rescale, and neither does this class. Entries last touched before the overflow keep their finite scores and
/// are evicted first; after them the order carries no information about cost, size or frequency. Among equal
/// scores (all the +∞ ones) this class evicts the least recently touched first, where cachey's heap picks
/// arbitrarily; NaN is ordered below every number, so such entries go first. The policy keeps working in the
/// sense that it always names a live entry.
/// </para>
/// <para>
/// Not reproduced: cachey's admission test (<c>put</c> refuses an entry that scores below the current minimum
/// when the cache is full; PodCache tiers always admit) and touches on cache misses (cachey's <c>get</c> touches a
/// known key even when it is absent; PodCache tiers report only hits, and <see cref="OnAccess"/> ignores keys
/// not tracked). All operations are O(log n).
/// </para>
/// </remarks>
public sealed class CacheyPolicy : PriorityPolicy
{
    private readonly Dictionary<Key, double> _history = [];
    private readonly double _multiplier;
    private double _base = 1;

    /// <summary>Creates the policy.</summary>
    /// <param name="halflife">cachey's <c>halflife</c>, in touches (default 1000, cachey's default).</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite number greater than zero.</exception>
    public CacheyPolicy(double halflife = 1000)
        : base("cachey")
    {
        if (!double.IsFinite(halflife) || halflife <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halflife), halflife, "The halflife must be a finite number of touches greater than zero.");
        }
        Halflife = halflife;
        _multiplier = 1 + (Math.Log(2) / halflife);
    }

    /// <summary>The half-life in touches.</summary>
    public double Halflife { get; }

    /// <inheritdoc/>
    public override void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        var costPerByte = Weight(sizeBytes, costSeconds);
        var score = Priority(costPerByte, Touch(key));
        // Like cachey, a re-insert re-scores with the new cost but keeps the cost per byte later reads score with.
        if (Entries.TryGet(key, out var entry))
        {
            Entries.Update(entry, score);
        }
        else
        {
            Entries.Add(key, costPerByte, 0, score);
        }
    }

    /// <inheritdoc/>
    private protected override void OnAccess(ScoredEntry entry, DateTimeOffset now) =>
        Entries.Update(entry, Priority(entry.Weight, Touch(entry.Key)));

    /// <inheritdoc/>
    private protected override double Weight(long sizeBytes, double costSeconds) =>
        (costSeconds > 0 ? costSeconds : 0) / Math.Max(sizeBytes, 1);

    /// <inheritdoc/>
    private protected override double Priority(double weight, double frequency) => weight * frequency;

    /// <summary>Adds the running base to the key's accumulated weight and returns that weight.</summary>
    private double Touch(Key key)
    {
        ref var weight = ref CollectionsMarshal.GetValueRefOrAddDefault(_history, key, out _);
        weight += _base;
        _base *= _multiplier;
        return weight;
    }
}
