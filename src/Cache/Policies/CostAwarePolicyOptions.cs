namespace PodCache.Cache.Policies;

/// <summary>Settings of a <see cref="CostAwarePolicy"/>; each is validated when set.</summary>
public sealed class CostAwarePolicyOptions
{
    private double _halfLifeTouches = 1000;
    private TimeSpan? _halfLifeTime = TimeSpan.FromDays(7);
    private double _halfLifePerEntry = 300;
    private double _costFloorSeconds = 1e-6;
    private double _historyCellsPerEntry = 16;

    /// <summary>
    /// After this many touches (inserts and reads of any entry in the tier), one past touch of an entry counts half
    /// as much as a touch now. Default 1000 (cachey's default half-life).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite number greater than zero.</exception>
    public double HalfLifeTouches
    {
        get => _halfLifeTouches;
        set
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The half-life in touches must be a finite number greater than zero.");
            }
            _halfLifeTouches = value;
        }
    }

    /// <summary>
    /// After this much time (taken from the <c>now</c> the tier passes in), one past touch counts half as much
    /// as a touch now, on top of <see cref="HalfLifeTouches"/>. This lets entries that were hot long ago give way
    /// even when the tier is quiet. Default seven days (one hour made the policy drift towards LRU on timestamped
    /// traces in the policy simulator); <see langword="null"/> turns time decay off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan? HalfLifeTime
    {
        get => _halfLifeTime;
        set
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The half-life in time must be positive, or null for none.");
            }
            _halfLifeTime = value;
        }
    }

    /// <summary>
    /// The frequency half-life grows with the tier: it is at least this many touches per entry held
    /// (<c>max(HalfLifeTouches, HalfLifeTouchesPerEntry × entries)</c>). Without it, a tier holding far more entries
    /// than <see cref="HalfLifeTouches"/> forgets frequency faster than entries come round again, and recency swamps
    /// cost and frequency. Default 300 (the best single setting across the simulator's traces); 0 turns it off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double HalfLifeTouchesPerEntry
    {
        get => _halfLifePerEntry;
        set
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "HalfLifeTouchesPerEntry must be a finite number of zero or more.");
            }
            _halfLifePerEntry = value;
        }
    }

    /// <summary>
    /// Recompute costs below this many seconds count as this many, so entries that were measured as free are still
    /// ordered by size, frequency and recency. Default 1e-6 (one microsecond).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite number greater than zero.</exception>
    public double CostFloorSeconds
    {
        get => _costFloorSeconds;
        set
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The cost floor must be a finite number of seconds greater than zero.");
            }
            _costFloorSeconds = value;
        }
    }

    /// <summary>
    /// Width of the frequency history, in sketch columns per entry held (a column is four 4-byte cells, so the default
    /// costs 256 bytes per entry held). The history remembers the decayed frequency of entries that left, so one
    /// that comes back resumes where it was instead of competing with one-off newcomers. Default 16: in the policy
    /// simulator 4 saved clearly less (collisions credit newcomers with others' frequencies) and 64 little more;
    /// 0 turns the history off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double HistoryCellsPerEntry
    {
        get => _historyCellsPerEntry;
        set
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "HistoryCellsPerEntry must be a finite number of zero or more.");
            }
            _historyCellsPerEntry = value;
        }
    }
}
