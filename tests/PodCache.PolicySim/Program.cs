using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PodCache.PolicySim;

/// <summary>Entry point: parses the command line, loads or generates the trace, runs and prints.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        SimOptions options;
        try
        {
            options = SimOptions.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(SimOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(SimOptions.Usage);
            return 0;
        }
        try
        {
            if (options.SelfTest)
            {
                return SelfTest.Run(Console.Out);
            }
            if (options.Summary)
            {
                return Summary.Run(options, Console.Out);
            }
            if (options.PrintSynthetic is { } count)
            {
                PrintSynthetic(options, count);
                return 0;
            }
            return Simulate(options);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>Finds a trace: as given, else among the traces copied next to the executable.</summary>
    public static string ResolveTrace(string path)
    {
        if (File.Exists(path) || Path.IsPathRooted(path))
        {
            return path;
        }
        var bundled = Path.Combine(BundledTraces, path);
        return File.Exists(bundled) ? bundled : path;
    }

    public static string BundledTraces => Path.Combine(AppContext.BaseDirectory, "traces");

    private static int Simulate(SimOptions options)
    {
        var load = Stopwatch.StartNew();
        var trace = options.Format == TraceFormat.Synthetic
            ? options.Synthetic.Build(options.Seed)
            : TraceReader.Read(ResolveTrace(options.TracePath!), options.Format!.Value);
        load.Stop();
        if (options.Format == TraceFormat.Synthetic && options.TracePath is not null)
        {
            Console.Error.WriteLine("--trace is ignored for --format synthetic: the trace is generated from --seed and the generator settings.");
        }
        if (options.Policies.Contains(BeladyBound.Name) && !(trace.UniformSize && trace.UniformCost))
        {
            Console.Error.WriteLine($"{BeladyBound.Name} is the bound only for traces whose objects all have the same size and cost; use {FluidBound.Name} or {Harness.Bound}.");
            return 2;
        }
        var budgets = options.BudgetBytes.Count > 0
            ? options.BudgetBytes.Select(b => (Bytes: b, Percent: (double?)null)).ToList()
            : options.BudgetPercents.Select(p => (Bytes: BudgetOf(trace, p), Percent: (double?)p)).ToList();

        var rows = new List<(long Bytes, double? Percent, SimResult[] Results)>();
        foreach (var (bytes, percent) in budgets)
        {
            rows.Add((bytes, percent, Harness.Run(trace, bytes, options.Policies, options.CostAware, options.EagerReads)));
        }

        if (options.Json)
        {
            WriteJson(trace, options, rows);
        }
        else if (options.Markdown)
        {
            WriteMarkdown(trace, rows);
        }
        else
        {
            WriteTable(trace, options, load.Elapsed, rows);
        }
        return 0;
    }

    /// <summary><paramref name="percent"/>% of the trace's working-set bytes, at least one byte.</summary>
    public static long BudgetOf(Trace trace, double percent) =>
        Math.Max(1, (long)Math.Round(trace.WorkingSetBytes * percent / 100));

    private static void WriteTable(Trace trace, SimOptions options, TimeSpan load, List<(long Bytes, double? Percent, SimResult[] Results)> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv,
            "{0}: {1:N0} requests, {2:N0} objects, working set {3:N0} bytes, {4} sizes, {5} costs{6}; loaded in {7:F1} s",
            trace.Name, trace.RequestCount, trace.ObjectCount, trace.WorkingSetBytes,
            trace.UniformSize ? "uniform" : "varying", trace.UniformCost ? "uniform" : "varying",
            trace.TtlTicks is null ? "" : ", some TTLs", load.TotalSeconds));
        if (options.Format == TraceFormat.Synthetic)
        {
            Console.WriteLine(options.Synthetic.Describe(options.Seed));
        }
        foreach (var (bytes, percent, results) in rows)
        {
            Console.WriteLine();
            Console.WriteLine(percent is { } p
                ? string.Format(inv, "budget {0:N0} bytes ({1}% of the working set)", bytes, p)
                : string.Format(inv, "budget {0:N0} bytes", bytes));
            Console.WriteLine(string.Format(inv, "{0,-12} {1,11} {2,11} {3,11} {4,9}", "policy", "object-hit", "byte-hit", "cost-saved", "seconds"));
            foreach (var r in results)
            {
                Console.WriteLine(string.Format(inv, "{0,-12} {1,10:F2}% {2,10:F2}% {3,10:F2}% {4,9:F2}",
                    r.Policy, 100 * r.ObjectHitRatio, 100 * r.ByteHitRatio, 100 * r.CostSavedRatio, r.Elapsed.TotalSeconds));
            }
        }
    }

    private static void WriteMarkdown(Trace trace, List<(long Bytes, double? Percent, SimResult[] Results)> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var (bytes, percent, results) in rows)
        {
            var bound = results.FirstOrDefault(r => r.Policy is BeladyBound.Name or FluidBound.Name);
            foreach (var r in results)
            {
                var ofBound = bound is null || bound.SavedCost == 0 ? "" : string.Format(inv, "{0:F1}%", 100 * r.SavedCost / bound.SavedCost);
                Console.WriteLine(string.Format(inv, "| {0} | {1} | {2} | {3:F2}% | {4:F2}% | {5:F2}% | {6} |",
                    trace.Name, percent is { } p ? string.Format(inv, "{0}% ({1:N0} B)", p, bytes) : bytes.ToString("N0", inv),
                    r.Policy, 100 * r.ObjectHitRatio, 100 * r.ByteHitRatio, 100 * r.CostSavedRatio, ofBound));
            }
        }
    }

    private static void WriteJson(Trace trace, SimOptions options, List<(long Bytes, double? Percent, SimResult[] Results)> rows)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var (bytes, percent, results) in rows)
            {
                foreach (var r in results)
                {
                    json.WriteStartObject();
                    json.WriteString("policy", r.Policy);
                    json.WriteNumber("objectHitRatio", r.ObjectHitRatio);
                    json.WriteNumber("byteHitRatio", r.ByteHitRatio);
                    json.WriteNumber("costSavedRatio", r.CostSavedRatio);
                    json.WriteString("trace", trace.Name);
                    json.WriteString("format", options.Format!.Value.ToString().ToLowerInvariant());
                    json.WriteNumber("budgetBytes", bytes);
                    if (percent is { } p)
                    {
                        json.WriteNumber("budgetPercent", p);
                    }
                    json.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
        }
        stdout.WriteByte((byte)'\n');
    }

    private static void PrintSynthetic(SimOptions options, int count)
    {
        var inv = CultureInfo.InvariantCulture;
        var workload = options.Synthetic;
        var limited = workload with { Requests = Math.Max(1, Math.Min(count, workload.Requests)) };
        var output = Console.Out;
        output.WriteLine("# " + limited.Describe(options.Seed));
        output.WriteLine("# seconds id size_bytes cost_seconds ttl_seconds");
        if (count == 0)
        {
            return;
        }
        limited.Generate(options.Seed, (seconds, id, size, cost, ttl) =>
            output.WriteLine(string.Format(inv, "{0:R} {1} {2} {3:R} {4:R}", seconds, id, size, cost, ttl)));
    }
}
