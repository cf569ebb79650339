using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Columns;

namespace PodCache.Benchmarks;

/// <summary>
/// Short but repeatable in-process runs (a 2-core machine, a suite that must finish in minutes): 3 warm-ups, 8 iterations,
/// memory diagnoser, ratios to the baseline of each class.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        // In-process: no separate build of the solution per run (the benchmarks measure this build, as it is).
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1)
            .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(BaselineRatioColumn.RatioMean);
        WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
