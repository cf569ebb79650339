using System.Diagnostics;
using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/PodCache.Benchmarks -- --filter '*'
// or a subset, e.g. --filter '*RamHit*'. Results land in BenchmarkDotNet.Artifacts/.
// `--quick NAME [ITERATIONS]` times one benchmark method with a stopwatch (for profiling sessions, not for reporting).
if (args.Length is 2 or 3 && args[0] == "--quick")
{
    var type = typeof(PodCache.Benchmarks.BenchConfig).Assembly.GetTypes().First(t => !t.IsAbstract && t.GetMethod(args[1]) is not null);
    var instance = Activator.CreateInstance(type)!;
    type.GetMethods().FirstOrDefault(m => m.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.GlobalSetupAttribute), false).Length > 0)?.Invoke(instance, null);
    var method = type.GetMethod(args[1])!;
    int iterations = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 6;
    for (int i = 0; i < iterations; i++)
    {
        var sw = Stopwatch.StartNew();
        var r = method.Invoke(instance, null);
        if (r is Task t) await t;
        Console.WriteLine($"{args[1]}: {sw.Elapsed.TotalMilliseconds:F2} ms");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(PodCache.Benchmarks.BenchConfig).Assembly).Run(args, new PodCache.Benchmarks.BenchConfig());
