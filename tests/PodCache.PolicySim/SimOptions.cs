using System.Globalization;
using PodCache.Cache.Policies;

namespace PodCache.PolicySim;

/// <summary>The parsed command line.</summary>
internal sealed class SimOptions
{
    public const string Usage = """
        Usage:
          PodCache.PolicySim --trace FILE --format adaptsize|gcc|scarab [--budget-percent P[,P...] | --budget BYTES[,BYTES...]]
                             [--policies NAME,...] [--json | --markdown]
          PodCache.PolicySim --format synthetic [--seed N] [generator settings] [budgets] [--json | --markdown]
          PodCache.PolicySim --print-synthetic N [--seed N] [generator settings]
          PodCache.PolicySim --summary [--policies NAME,...] [--json]
          PodCache.PolicySim --self-test

        Budgets default to 0.1,1,5,20 percent of the trace's working-set bytes. Traces without sizes give every
        object one byte, so --budget 100000 holds 100,000 entries. A relative --trace not found from the current
        directory is looked up among the bundled traces (adapt_size_request.trace.xz, address_penalties_gcc.trace.xz,
        scarab-recs.trace.xz).

        Policies: cost-aware (PodCache's default), lru, lfu, cachey, gds, gdsf, w-tinylfu, and bound (belady when all
        sizes and costs are equal, else fluid-bound; either can be named).

        --summary runs every policy on the three bundled traces and the synthetic one (seed 1) at the default budgets
        and prints, per cell, cost-aware's cost saved against the best baseline and the bound; then the cells where
        it trails a baseline and how many cells reach 90% of the bound.

        The cost-aware row uses CostAwarePolicyOptions' defaults unless tuned with --cost-aware-half-life-touches N,
        --cost-aware-half-life-per-entry N, --cost-aware-half-life-seconds S|none, --cost-aware-cost-floor SECONDS,
        --cost-aware-history CELLS (for experiments).

        Every policy is driven as RamTier drives it: hits are counted per entry and told to the policy when the entry
        comes up as victim. --eager-reads tells the policy of every hit when it happens instead (for comparison).

        Generator settings (synthetic): --requests N (1000000) --objects N (100000) --zipf A (0.9) --drift P (0.001)
          --size-cost-correlation R (0.5) --one-hit-fraction F (0.25) --ttl-fraction F (0.1)
        """;

    public static readonly double[] DefaultBudgetPercents = [0.1, 1, 5, 20];

    public string? TracePath { get; private set; }

    public TraceFormat? Format { get; private set; }

    public long Seed { get; private set; } = 1;

    public List<double> BudgetPercents { get; } = [];

    public List<long> BudgetBytes { get; } = [];

    public List<string> Policies { get; } = [];

    public bool Json { get; private set; }

    public bool Markdown { get; private set; }

    public bool SelfTest { get; private set; }

    public bool Summary { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Tell the policy of every hit when it happens, not when the entry comes up as victim.</summary>
    public bool EagerReads { get; private set; }

    public int? PrintSynthetic { get; private set; }

    public SyntheticWorkload Synthetic { get; private set; } = new();

    /// <summary>Settings for the cost-aware row when any <c>--cost-aware-*</c> flag is given; else null (the defaults).</summary>
    public CostAwarePolicyOptions? CostAware { get; private set; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> with a message for the user.</summary>
    public static SimOptions Parse(string[] args)
    {
        var o = new SimOptions();
        var synthetic = new Dictionary<string, double>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--trace":
                    o.TracePath = Value(args, ref i);
                    break;
                case "--format":
                    o.Format = Value(args, ref i).ToLowerInvariant() switch
                    {
                        "adaptsize" or "adapt_size" => TraceFormat.AdaptSize,
                        "gcc" => TraceFormat.Gcc,
                        "scarab" => TraceFormat.Scarab,
                        "synthetic" => TraceFormat.Synthetic,
                        var f => throw new FormatException($"Unknown --format '{f}': use adaptsize, gcc, scarab or synthetic."),
                    };
                    break;
                case "--seed":
                    o.Seed = ParseLong(arg, Value(args, ref i));
                    break;
                case "--budget-percent":
                    foreach (var p in List(args, ref i))
                    {
                        var percent = ParseDouble(arg, p);
                        if (!(percent is > 0 and <= 100))
                        {
                            throw new FormatException("--budget-percent takes percentages in (0, 100].");
                        }
                        o.BudgetPercents.Add(percent);
                    }
                    break;
                case "--budget":
                    foreach (var b in List(args, ref i))
                    {
                        var bytes = ParseLong(arg, b);
                        if (bytes <= 0)
                        {
                            throw new FormatException("--budget takes a positive number of bytes.");
                        }
                        o.BudgetBytes.Add(bytes);
                    }
                    break;
                case "--policies":
                    foreach (var p in List(args, ref i))
                    {
                        var name = p.ToLowerInvariant();
                        if (!Harness.PolicyNames.Contains(name) && name is not BeladyBound.Name and not FluidBound.Name)
                        {
                            throw new FormatException(
                                $"Unknown policy '{p}': use {string.Join(", ", Harness.PolicyNames)}, {BeladyBound.Name} or {FluidBound.Name}.");
                        }
                        o.Policies.Add(name);
                    }
                    break;
                case "--json":
                    o.Json = true;
                    break;
                case "--markdown":
                    o.Markdown = true;
                    break;
                case "--self-test":
                    o.SelfTest = true;
                    break;
                case "--summary":
                    o.Summary = true;
                    break;
                case "--print-synthetic":
                    var count = ParseLong(arg, Value(args, ref i));
                    o.PrintSynthetic = count is >= 0 and <= int.MaxValue
                        ? (int)count
                        : throw new FormatException("--print-synthetic takes a count of requests.");
                    break;
                case "--cost-aware-half-life-touches":
                    Tune(o, arg, Value(args, ref i), (c, v) => c.HalfLifeTouches = ParseDouble(arg, v));
                    break;
                case "--cost-aware-half-life-seconds":
                    Tune(o, arg, Value(args, ref i), (c, v) => c.HalfLifeTime =
                        v.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : TimeSpan.FromSeconds(ParseDouble(arg, v)));
                    break;
                case "--cost-aware-half-life-per-entry":
                    Tune(o, arg, Value(args, ref i), (c, v) => c.HalfLifeTouchesPerEntry = ParseDouble(arg, v));
                    break;
                case "--cost-aware-history":
                    Tune(o, arg, Value(args, ref i), (c, v) => c.HistoryCellsPerEntry = ParseDouble(arg, v));
                    break;
                case "--cost-aware-cost-floor":
                    Tune(o, arg, Value(args, ref i), (c, v) => c.CostFloorSeconds = ParseDouble(arg, v));
                    break;
                case "--eager-reads":
                    o.EagerReads = true;
                    break;
                case "--help" or "-h":
                    o.Help = true;
                    break;
                case "--requests" or "--objects" or "--zipf" or "--drift" or "--size-cost-correlation"
                    or "--one-hit-fraction" or "--ttl-fraction":
                    synthetic[arg] = ParseDouble(arg, Value(args, ref i));
                    break;
                default:
                    throw new FormatException($"Unknown argument '{arg}'.");
            }
        }
        o.Synthetic = Configure(synthetic);
        o.Check();
        return o;
    }

    private static void Tune(SimOptions o, string name, string value, Action<CostAwarePolicyOptions, string> set)
    {
        o.CostAware ??= new CostAwarePolicyOptions();
        try
        {
            set(o.CostAware, value);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"{name}: {e.Message}");
        }
    }

    private void Check()
    {
        if (Help || SelfTest)
        {
            return;
        }
        if (Synthetic.Validate() is { } problem)
        {
            throw new FormatException(problem);
        }
        if (PrintSynthetic is not null)
        {
            return;
        }
        if (Summary)
        {
            if (Markdown || TracePath is not null || Format is not null || BudgetBytes.Count > 0 || BudgetPercents.Count > 0)
            {
                throw new FormatException("--summary takes no --trace, --format, budgets or --markdown: it runs the standard cells.");
            }
            if (Policies.Count > 0 && !Policies.Contains(EvictionPolicies.Default))
            {
                throw new FormatException("--summary compares cost-aware with the other rows: --policies must include it.");
            }
            return;
        }
        if (Format is null)
        {
            throw new FormatException("--format is required.");
        }
        if (Format != TraceFormat.Synthetic && TracePath is null)
        {
            throw new FormatException("--trace FILE is required for this format.");
        }
        if (Json && Markdown)
        {
            throw new FormatException("Choose one of --json and --markdown.");
        }
        if (BudgetPercents.Count > 0 && BudgetBytes.Count > 0)
        {
            throw new FormatException("Give budgets either as --budget-percent or as --budget, not both.");
        }
        if (BudgetPercents.Count == 0 && BudgetBytes.Count == 0)
        {
            BudgetPercents.AddRange(DefaultBudgetPercents);
        }
        if (Policies.Count == 0)
        {
            Policies.AddRange(Harness.PolicyNames);
        }
    }

    private static SyntheticWorkload Configure(Dictionary<string, double> s)
    {
        var d = new SyntheticWorkload();
        return d with
        {
            Requests = s.TryGetValue("--requests", out var requests) ? Whole("--requests", requests) : d.Requests,
            Objects = s.TryGetValue("--objects", out var objects) ? Whole("--objects", objects) : d.Objects,
            ZipfExponent = s.GetValueOrDefault("--zipf", d.ZipfExponent),
            DriftPerRequest = s.GetValueOrDefault("--drift", d.DriftPerRequest),
            SizeCostCorrelation = s.GetValueOrDefault("--size-cost-correlation", d.SizeCostCorrelation),
            OneHitFraction = s.GetValueOrDefault("--one-hit-fraction", d.OneHitFraction),
            TtlFraction = s.GetValueOrDefault("--ttl-fraction", d.TtlFraction),
        };
    }

    private static int Whole(string name, double value) =>
        value is >= 1 and <= int.MaxValue && Math.Floor(value) == value
            ? (int)value
            : throw new FormatException($"{name} takes a positive whole number.");

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new FormatException($"{args[i - 1]} needs a value.");

    private static string[] List(string[] args, ref int i) =>
        Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static long ParseLong(string name, string text) =>
        long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{name}: '{text}' is not an integer.");

    private static double ParseDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new FormatException($"{name}: '{text}' is not a number.");
}
