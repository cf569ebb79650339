using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace PodCache.Benchmarks;

/// <summary>
/// <c>--quick NAME[,NAME...] [ITERATIONS] [Param=Value...]</c>: times benchmark methods with a stopwatch, without
/// BenchmarkDotNet. A NAME is <c>Method</c> (the first class with that [Benchmark]) or <c>Class.Method</c> (any public
/// method, such as a helper that splits a benchmark's cost); <c>Param=Value</c>
/// sets a <c>[Params]</c> property (e.g. <c>Threads=2</c>). With several names, the methods run interleaved, one
/// invocation each per round, and the median per-operation time of each is printed with its ratio to the first —
/// a ratio from one run, e.g. <c>--quick RamHitBenchmarks.FastConcurrentLru,RamHitBenchmarks.PodCacheRamLru 20 Threads=2</c>.
/// </summary>
internal static class QuickRun
{
    private sealed record Target(string Name, object Instance, MethodInfo Method, MethodInfo? IterationSetup, int OpsPerInvoke);

    public static async Task RunAsync(string[] args)
    {
        var names = args[0].Split(',', StringSplitOptions.RemoveEmptyEntries);
        int iterations = 6;
        var parameters = new List<(string Name, string Value)>();
        foreach (var a in args[1..])
        {
            if (a.Split('=', 2) is [var n, var v])
            {
                parameters.Add((n, v));
            }
            else
            {
                iterations = int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                    ? count
                    : throw new ArgumentException($"--quick: '{a}' is neither an iteration count nor Param=Value");
            }
        }
        // One instance per class, shared by its methods, so a class's GlobalSetup runs once.
        var instances = new Dictionary<Type, object>();
        var targets = names.Select(name => Resolve(name, parameters, instances)).ToList();
        var times = targets.Select(_ => new List<double>()).ToList();
        var cpuTimes = targets.Select(_ => new List<double>()).ToList();
        var allocated = targets.Select(_ => new List<double>()).ToList();
        var collections = targets.Select(_ => new long[3]).ToList();
        var paused = targets.Select(_ => TimeSpan.Zero).ToList();
        for (int i = 0; i < iterations; i++)
        {
            for (int t = 0; t < targets.Count; t++)
            {
                var target = targets[t];
                target.IterationSetup?.Invoke(target.Instance, null);
                // Every thread's allocations (a run's pumps are pool threads), precise: the count is exact.
                long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
                var pause0 = GC.GetTotalPauseDuration();
                var cpu0 = ThreadCpuClock.Nanoseconds();
                var sw = Stopwatch.StartNew();
                var r = target.Method.Invoke(target.Instance, null);
                if (r is Task task) await task;
                sw.Stop();
                var cpu = ThreadCpuClock.Nanoseconds() - cpu0;
                allocated[t].Add(GC.GetTotalAllocatedBytes(precise: true) - bytes0);
                collections[t][0] += GC.CollectionCount(0) - gen0;
                collections[t][1] += GC.CollectionCount(1) - gen1;
                collections[t][2] += GC.CollectionCount(2) - gen2;
                paused[t] += GC.GetTotalPauseDuration() - pause0;
                times[t].Add(sw.Elapsed.TotalMilliseconds);
                if (cpu is { } c)
                {
                    cpuTimes[t].Add(c / 1e6);
                }
                Console.WriteLine(target.OpsPerInvoke > 1
                    ? $"{target.Name}: {sw.Elapsed.TotalMilliseconds:F2} ms ({sw.Elapsed.TotalNanoseconds / target.OpsPerInvoke:F1} ns/op; this thread's CPU {cpu / 1e6:F2} ms)"
                    : $"{target.Name}: {sw.Elapsed.TotalMilliseconds:F2} ms (this thread's CPU {cpu / 1e6:F2} ms)");
            }
        }
        if (targets.Count > 1)
        {
            Summarise("wall clock", times);
            if (cpuTimes[0].Count > 0)
            {
                // Only the calling thread's CPU: the right measure for one thread, a partial one for several.
                Summarise("calling thread's CPU time (not waiting for a core)", cpuTimes);
            }
            Console.WriteLine("median allocated per invocation, all threads:");
            for (int t = 0; t < targets.Count; t++)
            {
                // Collections of each generation (a gen1 collection counts as gen0 too), per invocation.
                var c = collections[t];
                Console.WriteLine(FormattableString.Invariant(
                    $"  {targets[t].Name}: {Median(allocated[t]) / 1024:F1} KB; GCs per invocation gen0 {(double)c[0] / iterations:F2}, gen1 {(double)c[1] / iterations:F2}, gen2 {(double)c[2] / iterations:F2}; GC pauses {paused[t].TotalMilliseconds / iterations:F3} ms"));
            }
        }

        void Summarise(string what, List<List<double>> ms)
        {
            var medians = ms.Select(Median).ToList();
            Console.WriteLine($"median of each, {what} (ratio to the first):");
            for (int t = 0; t < targets.Count; t++)
            {
                var perOp = medians[t] * 1e6 / targets[t].OpsPerInvoke;
                Console.WriteLine($"  {targets[t].Name}: {perOp:F1} ns/op, {medians[t] / medians[0] * targets[0].OpsPerInvoke / targets[t].OpsPerInvoke:F2}x");
            }
        }
    }

    private static Target Resolve(string name, List<(string Name, string Value)> parameters, Dictionary<Type, object> instances)
    {
        var dot = name.LastIndexOf('.');
        var typeName = dot < 0 ? null : name[..dot];
        var methodName = dot < 0 ? name : name[(dot + 1)..];
        var type = typeof(QuickRun).Assembly.GetTypes().FirstOrDefault(t => !t.IsAbstract && t.IsPublic
            && (typeName is null || t.Name == typeName || t.FullName == typeName)
            && t.GetMethod(methodName) is { } m && (typeName is not null || m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            ?? throw new ArgumentException($"--quick: no benchmark method '{name}' (give Method or Class.Method, comma-separated; no wildcards)");
        var method = type.GetMethod(methodName)!;
        if (!instances.TryGetValue(type, out var instance))
        {
            instance = Activator.CreateInstance(type)!;
            // Every [Params] property gets its first value unless given, as BenchmarkDotNet never runs with none.
            foreach (var p in type.GetProperties())
            {
                if (p.GetCustomAttribute<ParamsAttribute>() is not { } values)
                {
                    continue;
                }
                var given = parameters.FirstOrDefault(x => x.Name == p.Name).Value;
                p.SetValue(instance, given is null
                    ? values.Values[0]
                    : Convert.ChangeType(given, p.PropertyType, CultureInfo.InvariantCulture));
            }
            Find<GlobalSetupAttribute>(type)?.Invoke(instance, null);
            instances[type] = instance;
        }
        // A helper without [Benchmark] (e.g. ExecutorBenchmarks.KeysOnly, which splits a benchmark's cost) is one op.
        int ops = method.GetCustomAttribute<BenchmarkAttribute>()?.OperationsPerInvoke ?? 1;
        return new Target($"{type.Name}.{methodName}", instance, method, Find<IterationSetupAttribute>(type), Math.Max(ops, 1));
    }

    private static MethodInfo? Find<T>(Type type) where T : Attribute =>
        type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<T>() is not null);

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
