using System.Diagnostics;
using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/PodCache.Benchmarks -- --filter '*'
// or a subset, e.g. --filter '*RamHit*'. Results land in BenchmarkDotNet.Artifacts/.
// `--ratios [--cli PODCACHE.DLL --empty EMPTYAPP.DLL]` runs the issue 17 regression guard (Ratios.cs; ratios.sh builds both).
// `--quick NAME [ITERATIONS]` times one benchmark method with a stopwatch (for profiling sessions, not for reporting).
if (args.Length > 0 && args[0] == "--ratios")
{
    return PodCache.Benchmarks.Ratios.Run(args);
}
if (args.Length is 2 or 3 && args[0] == "--quick")
{
    // NAME is a method, or Class.Method when several classes have it.
    string[] parts = args[1].Split('.');
    string methodName = parts[^1];
    var type = typeof(PodCache.Benchmarks.BenchConfig).Assembly.GetTypes()
        .First(t => !t.IsAbstract && t.GetMethod(methodName) is not null && (parts.Length == 1 || t.Name == parts[0]));
    var instance = Activator.CreateInstance(type)!;
    type.GetMethods().FirstOrDefault(m => m.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.GlobalSetupAttribute), false).Length > 0)?.Invoke(instance, null);
    var method = type.GetMethod(methodName)!;
    int iterations = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 6;
    for (int i = 0; i < iterations; i++)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        var r = method.Invoke(instance, null);
        if (r is Task t) await t;
        if (r is Task<string> detail) Console.WriteLine(detail.Result);
        double ms = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"{methodName}: {ms:F2} ms, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0:F0} KB allocated");
    }
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(PodCache.Benchmarks.BenchConfig).Assembly).Run(args, new PodCache.Benchmarks.BenchConfig());
return 0;
