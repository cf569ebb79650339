using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Columns;

namespace PodCache.Benchmarks;

/// <summary>
/// Short but repeatable runs (a 2-core machine, a suite that must finish in minutes): 3 warm-ups, 8 iterations,
/// memory diagnoser, ratios to the baseline of each class.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(BaselineRatioColumn.RatioMean);
        WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
