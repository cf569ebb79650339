using System.Diagnostics;
using System.Globalization;

namespace PodCache.Cli;

/// <summary>
/// Phase marks of one command, printed to stderr at exit when <c>PODCACHE_TIMINGS=1</c>: where a short command's
/// time goes (runtime start, parsing, opening the cache, the run, saving the manifest, the output). Off, a mark costs
/// one static read.
/// </summary>
internal static class StartupTimings
{
    private static readonly bool On = Environment.GetEnvironmentVariable("PODCACHE_TIMINGS") == "1";
    private static readonly List<(string Phase, long Timestamp, long Jitted, TimeSpan JitTime)> Marks = [];

    /// <summary>Records that <paramref name="phase"/> has just ended.</summary>
    public static void Mark(string phase)
    {
        if (!On) return;
        lock (Marks) Marks.Add((phase, Stopwatch.GetTimestamp(), System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime()));
    }

    /// <summary>Writes each phase's duration, the first measured from the process's start.</summary>
    public static void Write(TextWriter stderr)
    {
        if (!On) return;
        long now = Stopwatch.GetTimestamp();
        var start = Process.GetCurrentProcess().StartTime;
        // The process start as a Stopwatch timestamp: now minus the wall time since the start.
        long origin = now - (long)((DateTime.Now - start).TotalSeconds * Stopwatch.Frequency);
        long previous = origin;
        long jitted = 0;
        var jitTime = TimeSpan.Zero;
        lock (Marks)
        {
            foreach (var (phase, t, j, jt) in Marks)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"timing: {phase,-28} {Stopwatch.GetElapsedTime(previous, t).TotalMilliseconds,8:F1} ms  (JIT: {j - jitted,4} methods, {(jt - jitTime).TotalMilliseconds,6:F1} ms)"));
                (previous, jitted, jitTime) = (t, j, jt);
            }
        }
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timing: {"total",-28} {Stopwatch.GetElapsedTime(origin, now).TotalMilliseconds,8:F1} ms"));
    }
}
