using System.Diagnostics;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// PodCache's default policy: keeps what is expensive to recompute, small, often used and recently used.
/// </summary>
/// <remarks>
/// <para>
/// It is Greedy-Dual-Size-Frequency whose frequency decays exponentially, which is cachey's score (cost/size
/// times accumulated, ever-growing touch weights) made numerically stable and given GDSF's aging. Every quantity
/// is kept as a base-2 logarithm in a reference frame that grows by one unit per half-life, so past touches
/// never need rescaling one by one:
/// </para>
/// <list type="bullet">
/// <item><description><c>τ</c>, the clock, counts half-lives: it grows by
/// <c>1/max(HalfLifeTouches, HalfLifeTouchesPerEntry·entries)</c> on every touch (insert or read of any entry) and by
/// <c>Δt/HalfLifeTime</c> as <c>now</c> advances. A tier that tells reads late and in batches (the RAM tier tells an
/// entry's reads when it comes up as victim) moves the clock when it tells them, by all of them at once, and the batch
/// counts as that many touches at the clock's new value.</description></item>
/// <item><description><c>W = log2(max(cost, CostFloorSeconds) / max(size, 1))</c>, cost in recompute seconds,
/// size in bytes.</description></item>
/// <item><description><c>F = log2 Σ 2^τᵢ</c> over the entry's touches τᵢ, updated as
/// <c>F ← log2(2^F + 2^τ)</c>: a hit counts fully now and half as much a half-life later.</description></item>
/// <item><description>Priority <c>H = log2(2^L + 2^(W + F))</c>, computed when the entry is touched; the lowest
/// is evicted first, ties going to the least recently touched.</description></item>
/// <item><description><c>L</c>, the inflation value, rises to the priority of a removed entry whenever that entry
/// was the lowest-priority one (an eviction, or an expiry that would have been one); deleting any other entry
/// leaves it alone. New and touched entries start above every past victim, so an entry that was popular long
/// ago but is no longer touched sinks below newcomers and leaves: the cache never freezes.</description></item>
/// <item><description>An entry that leaves (evicted, expired or deleted) leaves its <c>F</c> in a frequency history, a
/// count-min sketch sized from the number of entries held (<see cref="CostAwarePolicyOptions.HistoryCellsPerEntry"/>).
/// When the key is inserted again its <c>F</c> starts from what the history remembers, decayed like any other touch,
/// instead of from one touch: a result that keeps coming back earns its place, where one-off results (the bulk of
/// a tier's misses) still start as newcomers and leave first. This is the part of TinyLFU's admission filter that
/// fits a tier that always stores what it computed.</description></item>
/// </list>
/// <para>
/// In the ordinary (linear) frame at clock τ this is <c>2^(H−τ) = ℓ + cost/size × Σ 2^−(τ−τᵢ)</c>, i.e. GDSF with an
/// exponentially decayed frequency. Logarithms grow only linearly with the number of touches (cachey's raw
/// weights grow exponentially and overflow after about a million touches); when the clock passes 2^20
/// half-lives, every stored value is shifted down by the same amount so precision stays fine for ever.
/// </para>
/// <para>All operations are O(log n); the history adds O(1) work to inserts and removals (reads do not touch it) and
/// memory proportional to the most entries held. Time comes only from the <c>now</c> arguments; clocks that step back are
/// treated as standing still.</para>
/// </remarks>
public sealed class CostAwarePolicy : PriorityPolicy
{
    // Far below where a double's resolution of log2 values matters (2^20 leaves ~2^-32 of resolution), and rare
    // enough that the O(n) shift is free when amortised.
    // 2^12 rather than more: the frequency history keeps single-precision values, whose resolution at 2^12 is
    // 2^-11 half-lives.
    internal const double RenormaliseAbove = 1 << 12;

    private readonly double _halfLifeTouches;
    private readonly double _halfLifePerEntry;
    private readonly double _perSecond;
    private readonly double _costFloorSeconds;
    private readonly FrequencyHistory? _history;
    private double _clock;
    private DateTimeOffset _lastNow;
    private bool _seenNow;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">Half-lives and cost floor; the documented defaults when null. Copied.</param>
    public CostAwarePolicy(CostAwarePolicyOptions? options = null)
        : base("cost-aware", inflation: double.NegativeInfinity)
    {
        options ??= new CostAwarePolicyOptions();
        _halfLifeTouches = options.HalfLifeTouches;
        _halfLifePerEntry = options.HalfLifeTouchesPerEntry;
        _perSecond = options.HalfLifeTime is { } t ? 1 / t.TotalSeconds : 0;
        _costFloorSeconds = options.CostFloorSeconds;
        _history = options.HistoryCellsPerEntry > 0 ? new FrequencyHistory(options.HistoryCellsPerEntry) : null;
    }

    /// <inheritdoc/>
    private protected override double FirstFrequencyOf(Key key) =>
        _history is null ? _clock : LogSum2(_history.Estimate(key), _clock);

    /// <inheritdoc/>
    private protected override void Removed(ScoredEntry entry)
    {
        if (_history is not null)
        {
            _history.EnsureCapacity(Entries.Count + 1);
            _history.Record(entry.Key, entry.Frequency);
        }
    }

    /// <inheritdoc/>
    private protected override double FirstFrequency => _clock;

    // An access only raises the priority (frequency and inflation never fall): the heap re-keys lazily.
    /// <inheritdoc/>
    private protected override bool ReadsOnlyRaisePriority => true;

    /// <inheritdoc/>
    private protected override double NextFrequency(double frequency) => LogSum2(frequency, _clock);

    /// <inheritdoc/>
    /// <remarks>
    /// In one step: the clock moves on by all the reads, and the reads count as <paramref name="reads"/> touches at the
    /// clock's new value (<c>log2(n · 2^clock)</c>), which overstates them by at most the clock's advance over the batch.
    /// </remarks>
    private protected override void OnAccesses(ScoredEntry entry, int reads, DateTimeOffset now)
    {
        if (reads > 1)
        {
            _clock += (reads - 1) / Math.Max(_halfLifeTouches, _halfLifePerEntry * Entries.Count);
        }
        Advance(now);
        SetFrequency(entry, LogSum2(entry.Frequency, _clock + Math.Log2(reads)));
    }

    /// <inheritdoc/>
    private protected override double Priority(double weight, double frequency) => LogSum2(Inflation, weight + frequency);

    /// <inheritdoc/>
    private protected override double Weight(long sizeBytes, double costSeconds)
    {
        // NaN or negative measurements count as free; an infinite one as the largest finite cost.
        var cost = costSeconds >= _costFloorSeconds ? Math.Min(costSeconds, double.MaxValue) : _costFloorSeconds;
        return Math.Log2(cost) - Math.Log2(Math.Max(sizeBytes, 1));
    }

    /// <inheritdoc/>
    private protected override void Advance(DateTimeOffset now)
    {
        // The frequency half-life scales with how many entries the tier holds: with a fixed short half-life, recency
        // swamps cost and frequency once the tier holds more entries than the half-life (it drifts towards LRU).
        _clock += 1 / Math.Max(_halfLifeTouches, _halfLifePerEntry * Entries.Count);
        if (_perSecond > 0)
        {
            if (!_seenNow)
            {
                _seenNow = true;
                _lastNow = now;
            }
            else if (now > _lastNow)
            {
                _clock += (now - _lastNow).TotalSeconds * _perSecond;
                _lastNow = now;
            }
        }
        if (_clock > RenormaliseAbove)
        {
            Renormalise();
        }
    }

    private void Renormalise()
    {
        // Subtracting one constant from every log value is multiplying every linear value by 2^-shift: the order
        // is unchanged up to rounding, and the heap is rebuilt in case rounding created ties.
        var shift = _clock;
        _clock = 0;
        Inflation -= shift;
        foreach (var entry in Entries.Entries)
        {
            entry.Frequency -= shift;
            entry.Priority -= shift;
            entry.PendingPriority -= shift;
        }
        Entries.Reheapify();
        _history?.Shift(shift);
    }

    /// <summary><c>log2(2^a + 2^b)</c> without leaving log space.</summary>
    private static double LogSum2(double a, double b)
    {
        var hi = Math.Max(a, b);
        var lo = Math.Min(a, b);
        if (double.IsNegativeInfinity(lo))
        {
            return hi;
        }
        Debug.Assert(double.IsFinite(hi) && double.IsFinite(lo));
        return hi + Math.Log2(1 + double.Exp2(lo - hi));
    }
}
