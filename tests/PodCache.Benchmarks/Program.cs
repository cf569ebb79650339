using BenchmarkDotNet.Running;
using PodCache.Benchmarks;

// Run with: dotnet run -c Release --project tests/PodCache.Benchmarks -- --filter '*'
// or a subset, e.g. --filter '*RamHit*'. Results land in BenchmarkDotNet.Artifacts/.
// `--quick NAME[,NAME...] [ITERATIONS] [Param=Value...]` times benchmark methods with a stopwatch (for profiling
// sessions and quick ratio checks, not for reporting); see QuickRun.
// `--ratios [--cli PODCACHE.DLL --empty EMPTYAPP.DLL]` runs the issue 17 regression guard (Ratios.cs; ratios.sh builds both).
if (args.Length > 0 && args[0] == "--ratios")
{
    return Ratios.Run(args);
}
if (args.Length >= 2 && args[0] == "--quick")
{
    try
    {
        await QuickRun.RunAsync(args[1..]);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
return 0;
