using System.Diagnostics;

namespace PodCache.Cache.Index;

/// <summary>A process on this machine: its pid plus start time, so a reused pid is not mistaken for the old process.</summary>
/// <param name="Pid">The OS process id.</param>
/// <param name="StartTicks">The process start time in UTC ticks.</param>
public readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = FromProcess(Environment.ProcessId) ?? new ProcessIdentity(Environment.ProcessId, 0);

    /// <summary>The identity of a running process, or null when there is none with that pid.</summary>
    public static ProcessIdentity? Of(int pid) => FromProcess(pid);

    private static ProcessIdentity? FromProcess(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return new ProcessIdentity(pid, p.StartTime.ToUniversalTime().Ticks);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>True when this process still runs (same pid, same start time).</summary>
    public bool IsAlive
    {
        get
        {
            if (Pid == Environment.ProcessId) return StartTicks == Current.StartTicks;
            var now = FromProcess(Pid);
            // Start times read through /proc can differ by rounding; allow a small tolerance.
            return now is { } n && Math.Abs(n.StartTicks - StartTicks) < TimeSpan.TicksPerSecond;
        }
    }
}
