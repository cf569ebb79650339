using System.Globalization;

namespace PodCache.PolicySim;

/// <summary>
/// <c>--self-test</c>: checks the harness against the reference hit ratios for the scarab-recs trace at 100,000
/// entries (LRU 75.91%, Belady 79.25%, to two decimals; LRU told of every hit as it happens) and that the synthetic generator is a function of its
/// seed. Exit code 0 when everything matches.
/// </summary>
internal static class SelfTest
{
    public const long ScarabEntries = 100_000;
    public const double ScarabLruPercent = 75.91;
    public const double ScarabBeladyPercent = 79.25;

    public static int Run(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var failures = 0;
        var path = Path.Combine(Program.BundledTraces, "scarab-recs.trace.xz");
        var trace = TraceReader.Read(path, TraceFormat.Scarab);
        // The published ratio is exact LRU: every hit told to the policy when it happens.
        var results = Harness.Run(trace, ScarabEntries * TraceReader.UniformSize, ["lru", BeladyBound.Name], eagerReads: true);
        failures += Check(output, "scarab-recs lru at 100,000 entries", results[0].ObjectHitRatio, ScarabLruPercent);
        failures += Check(output, "scarab-recs belady at 100,000 entries", results[1].ObjectHitRatio, ScarabBeladyPercent);

        var workload = new SyntheticWorkload { Requests = 50_000, Objects = 5_000 };
        var first = Fingerprint(workload, 7);
        var again = Fingerprint(workload, 7);
        var other = Fingerprint(workload, 8);
        var deterministic = first == again && first != other;
        output.WriteLine(string.Format(inv, "{0} synthetic seed 7 twice: {1:x16} {2:x16}; seed 8: {3:x16}",
            deterministic ? "ok  " : "FAIL", first, again, other));
        failures += deterministic ? 0 : 1;

        output.WriteLine(failures == 0 ? "self-test passed" : $"self-test FAILED ({failures})");
        return failures == 0 ? 0 : 1;
    }

    private static int Check(TextWriter output, string what, double ratio, double expectedPercent)
    {
        var percent = Math.Round(100 * ratio, 2, MidpointRounding.AwayFromZero);
        var ok = percent == expectedPercent;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} {1}: {2:F2}% (expected {3:F2}%)",
            ok ? "ok  " : "FAIL", what, percent, expectedPercent));
        return ok ? 0 : 1;
    }

    private static ulong Fingerprint(SyntheticWorkload workload, long seed)
    {
        ulong hash = 14695981039346656037UL;
        workload.Generate(seed, (seconds, id, size, cost, ttl) =>
        {
            foreach (var v in new[] { BitConverter.DoubleToUInt64Bits(seconds), (ulong)id, (ulong)size,
                BitConverter.DoubleToUInt64Bits(cost), BitConverter.DoubleToUInt64Bits(ttl) })
            {
                hash = (hash ^ v) * 1099511628211UL;
            }
        });
        return hash;
    }
}
