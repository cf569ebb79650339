using System.Globalization;

namespace PodCache.PolicySim;

/// <summary>
/// A seeded generator of pipeline-cache workloads: node results requested with Zipf popularity that drifts,
/// lognormal sizes and recompute costs correlated in log space, one-hit intermediate results that are never asked
/// for again, and a fraction of results that expire. The same seed and settings give the same trace.
/// </summary>
internal sealed record SyntheticWorkload
{
    /// <summary>Number of requests.</summary>
    public int Requests { get; init; } = 1_000_000;

    /// <summary>Distinct reusable results (one-hit intermediates come on top).</summary>
    public int Objects { get; init; } = 100_000;

    /// <summary>Zipf exponent of the popularity ranks.</summary>
    public double ZipfExponent { get; init; } = 0.9;

    /// <summary>
    /// Popularity drift: per request, the probability that a Zipf-drawn rank trades places with a uniformly drawn
    /// one, so popular results fade and obscure ones become popular.
    /// </summary>
    public double DriftPerRequest { get; init; } = 0.001;

    /// <summary>Median result size in bytes, and the standard deviation of its natural logarithm.</summary>
    public double SizeMedianBytes { get; init; } = 256 * 1024;

    public double SizeSigma { get; init; } = 1.5;

    /// <summary>Median recompute cost in seconds, and the standard deviation of its natural logarithm.</summary>
    public double CostMedianSeconds { get; init; } = 1;

    public double CostSigma { get; init; } = 1.5;

    /// <summary>Correlation of log size and log cost, in [-1, 1].</summary>
    public double SizeCostCorrelation { get; init; } = 0.5;

    /// <summary>Fraction of requests that are for a fresh one-hit intermediate result.</summary>
    public double OneHitFraction { get; init; } = 0.25;

    /// <summary>Fraction of results that carry a time-to-live; its median, in seconds (lognormal, σ = 1).</summary>
    public double TtlFraction { get; init; } = 0.1;

    public double TtlMedianSeconds { get; init; } = 3600;

    /// <summary>Mean seconds between requests (exponential inter-arrival times).</summary>
    public double MeanInterarrivalSeconds { get; init; } = 0.1;

    public string Describe(long seed) => string.Create(CultureInfo.InvariantCulture,
        $"synthetic(seed={seed}, requests={Requests}, objects={Objects}, zipf={ZipfExponent}, drift={DriftPerRequest}, " +
        $"size-cost-correlation={SizeCostCorrelation}, one-hit={OneHitFraction}, ttl-fraction={TtlFraction})");

    /// <summary>Checks the settings; null when valid, else what is wrong.</summary>
    public string? Validate()
    {
        if (Requests <= 0 || Objects <= 0)
        {
            return "--requests and --objects must be positive.";
        }
        if (!(ZipfExponent >= 0) || !double.IsFinite(ZipfExponent))
        {
            return "--zipf must be a finite number >= 0.";
        }
        if (!(SizeCostCorrelation is >= -1 and <= 1))
        {
            return "--size-cost-correlation must be in [-1, 1].";
        }
        foreach (var (name, value) in new[] { ("--drift", DriftPerRequest), ("--one-hit-fraction", OneHitFraction), ("--ttl-fraction", TtlFraction) })
        {
            if (!(value is >= 0 and <= 1))
            {
                return $"{name} must be in [0, 1].";
            }
        }
        return null;
    }

    /// <summary>Calls <paramref name="emit"/> for every request: seconds since start, object id, size, cost, TTL seconds (0: none).</summary>
    public void Generate(long seed, Action<double, long, long, double, double> emit)
    {
        var random = new Xoshiro256(seed);
        var sizes = new long[Objects];
        var costs = new double[Objects];
        var ttls = new double[Objects];
        for (var o = 0; o < Objects; o++)
        {
            (sizes[o], costs[o], ttls[o]) = DrawResult(random);
        }
        var cdf = ZipfCdf(Objects, ZipfExponent);
        var rankToObject = new int[Objects];
        for (var r = 0; r < Objects; r++)
        {
            rankToObject[r] = r;
        }
        // Ranks start in a random order so object numbers say nothing about popularity.
        for (var r = Objects - 1; r > 0; r--)
        {
            var other = random.NextInt(r + 1);
            (rankToObject[r], rankToObject[other]) = (rankToObject[other], rankToObject[r]);
        }

        double seconds = 0;
        long nextOneHit = Objects;
        for (var i = 0; i < Requests; i++)
        {
            seconds += random.NextExponential(MeanInterarrivalSeconds);
            if (random.NextDouble() < DriftPerRequest)
            {
                var a = SampleRank(cdf, random);
                var b = random.NextInt(Objects);
                (rankToObject[a], rankToObject[b]) = (rankToObject[b], rankToObject[a]);
            }
            if (random.NextDouble() < OneHitFraction)
            {
                var (size, cost, ttl) = DrawResult(random);
                emit(seconds, nextOneHit++, size, cost, ttl);
                continue;
            }
            var o = rankToObject[SampleRank(cdf, random)];
            emit(seconds, o, sizes[o], costs[o], ttls[o]);
        }
    }

    public Trace Build(long seed)
    {
        var builder = new TraceBuilder(string.Create(CultureInfo.InvariantCulture, $"synthetic(seed={seed})"));
        Generate(seed, (seconds, id, size, cost, ttl) =>
            builder.Add(id, size, cost, (long)(seconds * TimeSpan.TicksPerSecond), (long)(ttl * TimeSpan.TicksPerSecond)));
        return builder.Build();
    }

    private (long Size, double Cost, double Ttl) DrawResult(Xoshiro256 random)
    {
        var zSize = random.NextNormal();
        var zCost = (SizeCostCorrelation * zSize) + (Math.Sqrt(1 - (SizeCostCorrelation * SizeCostCorrelation)) * random.NextNormal());
        var size = (long)Math.Clamp(SizeMedianBytes * Math.Exp(SizeSigma * zSize), 64, 1L << 32);
        var cost = CostMedianSeconds * Math.Exp(CostSigma * zCost);
        var ttl = random.NextDouble() < TtlFraction ? TtlMedianSeconds * Math.Exp(random.NextNormal()) : 0;
        return (size, cost, ttl);
    }

    private static double[] ZipfCdf(int n, double exponent)
    {
        var cdf = new double[n];
        double sum = 0;
        for (var r = 0; r < n; r++)
        {
            sum += Math.Pow(r + 1, -exponent);
            cdf[r] = sum;
        }
        for (var r = 0; r < n; r++)
        {
            cdf[r] /= sum;
        }
        return cdf;
    }

    private static int SampleRank(double[] cdf, Xoshiro256 random)
    {
        var index = Array.BinarySearch(cdf, random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, cdf.Length - 1);
    }
}
