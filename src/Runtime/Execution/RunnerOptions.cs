namespace PodCache.Runtime.Execution;

/// <summary>Settings of a <see cref="PipelineRunner"/>; validated when set.</summary>
public sealed class RunnerOptions
{
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>How many nodes compute at once (default: the processor count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>The clock for run ids and timings; the system clock by default.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Called with (done, total) as nodes finish; for progress displays.</summary>
    public Action<int, int>? Progress { get; set; }
}
