using PodCache.Runtime.Execution;

namespace PodCache.Server;

/// <summary>
/// A run the in-flight budget cannot take: now (503 with Retry-After: runs in progress hold the budget) or ever
/// (413: its estimate alone exceeds the budget).
/// </summary>
internal sealed class RunNotAdmittedException : Exception
{
    public RunNotAdmittedException(RunMemoryEstimate estimate, long inFlightBytes, long maxInFlightBytes)
        : base(Describe(estimate, inFlightBytes, maxInFlightBytes))
    {
        Estimate = estimate;
        InFlightBytes = inFlightBytes;
        MaxInFlightBytes = maxInFlightBytes;
    }

    public RunNotAdmittedException() : base("the run was not admitted")
    {
        Estimate = new RunMemoryEstimate(0, 0, 0);
    }

    public RunNotAdmittedException(string message) : base(message)
    {
        Estimate = new RunMemoryEstimate(0, 0, 0);
    }

    public RunNotAdmittedException(string message, Exception inner) : base(message, inner)
    {
        Estimate = new RunMemoryEstimate(0, 0, 0);
    }

    /// <summary>The run's estimate.</summary>
    public RunMemoryEstimate Estimate { get; }

    /// <summary>Bytes held by admitted runs when this one asked.</summary>
    public long InFlightBytes { get; }

    /// <summary>The budget.</summary>
    public long MaxInFlightBytes { get; }

    /// <summary>True when the run can never be admitted (413); false when it may be later (503).</summary>
    public bool TooLarge => Estimate.Bytes > MaxInFlightBytes;

    private static string Describe(RunMemoryEstimate e, long inFlight, long max)
    {
        string need = $"this run needs an estimated {e.Bytes:N0} bytes ({e.Cells:N0} float64 cells of output and working copies over " +
            $"{e.Nodes} node(s) to compute or load)";
        return e.Bytes > max
            ? $"{need}, more than the server's whole in-flight budget of {max:N0} bytes (server.maxInFlightBytes, --max-inflight-bytes); " +
              "request fewer cells"
            : $"{need}; runs in progress hold {inFlight:N0} of the server's in-flight budget of {max:N0} bytes; retry shortly";
    }
}
