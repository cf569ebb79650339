using PodCache.Runtime.Execution;

namespace PodCache.Server;

/// <summary>
/// The server's in-flight memory budget: the sum of the <see cref="RunMemoryEstimate"/>s of the runs computing at
/// once stays within <see cref="MaxBytes"/>. A run that does not fit now is refused at once (503 with Retry-After, so
/// the client backs off instead of the server queueing requests that each hold their body and connection); a run
/// larger than the whole budget is refused for good (413). Runs that need nothing beyond what RAM already holds
/// (estimate 0) always pass.
/// </summary>
public sealed class InFlightBudget : IRunAdmission
{
    private readonly Lock _lock = new();
    private long _inFlight;
    private long _admitted, _rejected, _tooLarge, _peak, _releasedSinceCollect, _collections;

    /// <summary>A budget of <paramref name="maxBytes"/>.</summary>
    public InFlightBudget(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        MaxBytes = maxBytes;
    }

    /// <summary>
    /// The default budget: a quarter of the memory this process may use (physical memory, or the container's limit),
    /// at most 4 GiB — 4 GiB on a 24 GiB machine, leaving the rest to the RAM tier, the runtime and other processes.
    /// </summary>
    public static long DefaultMaxBytes()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available <= 0 ? 4L << 30 : Math.Clamp(available / 4, 64L << 20, 4L << 30);
    }

    /// <summary>The budget in bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes held by runs computing now.</summary>
    public long InFlightBytes => Interlocked.Read(ref _inFlight);

    /// <inheritdoc/>
    /// <exception cref="RunNotAdmittedException">The run does not fit now, or never.</exception>
    public IDisposable Admit(RunMemoryEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        long bytes = estimate.Bytes;
        lock (_lock)
        {
            if (bytes > MaxBytes)
            {
                _tooLarge++;
                throw new RunNotAdmittedException(estimate, _inFlight, MaxBytes);
            }
            if (bytes > MaxBytes - _inFlight)
            {
                _rejected++;
                throw new RunNotAdmittedException(estimate, _inFlight, MaxBytes);
            }
            _inFlight += bytes;
            _admitted++;
            _peak = Math.Max(_peak, _inFlight);
        }
        return new Ticket(this, bytes);
    }

    /// <summary>The <c>admission</c> object of <c>/v1/stats</c>.</summary>
    public System.Text.Json.Nodes.JsonObject Stats()
    {
        lock (_lock)
        {
            return new System.Text.Json.Nodes.JsonObject
            {
                ["maxInFlightBytes"] = MaxBytes,
                ["inFlightBytes"] = _inFlight,
                ["peakInFlightBytes"] = _peak,
                ["admitted"] = _admitted,
                ["rejected"] = _rejected,
                ["tooLarge"] = _tooLarge,
                ["collections"] = _collections,
            };
        }
    }

    private void Release(long bytes)
    {
        bool collect;
        lock (_lock)
        {
            _inFlight -= bytes;
            _releasedSinceCollect += bytes;
            collect = _releasedSinceCollect >= MaxBytes / 2;
            if (collect)
            {
                _releasedSinceCollect = 0;
                _collections++;
            }
        }
        if (collect)
        {
            // The arrays of finished runs are garbage the GC does not hurry to free (its budgets know nothing of this
            // one): without this, garbage of several budgets' worth piles up before a full collection and the
            // process's resident memory grows far past the budget. One background full collection per half budget
            // of finished runs is cheap next to computing those cells (float64 arrays hold no references to mark).
            GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        }
    }

    private sealed class Ticket(InFlightBudget budget, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) budget.Release(bytes);
        }
    }
}
