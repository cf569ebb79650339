using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/PodCache.Benchmarks -- --filter '*'
// or a subset, e.g. --filter '*RamHit*'. Results land in BenchmarkDotNet.Artifacts/.
BenchmarkSwitcher.FromAssembly(typeof(PodCache.Benchmarks.BenchConfig).Assembly).Run(args, new PodCache.Benchmarks.BenchConfig());
