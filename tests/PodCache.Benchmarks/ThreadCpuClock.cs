using System.Runtime.InteropServices;

namespace PodCache.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): on a shared, overloaded machine it leaves out
/// the time the thread waited for a core, which the wall clock counts. Null where the call is not available.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGettime(int clock, out Timespec time);

    /// <summary>Nanoseconds of CPU the calling thread has used, or null off Linux.</summary>
    public static long? Nanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        return ClockGettime(ClockThreadCpuTimeId, out var t) == 0 ? (t.Seconds * 1_000_000_000) + t.Nanoseconds : null;
    }
}
