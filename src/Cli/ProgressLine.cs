namespace PodCache.Cli;

/// <summary>
/// A one-line progress display on a terminal's stderr for runs that take a while: nothing for fast runs (the first
/// update waits half a second) and nothing when stderr is redirected, so scripts and tests see clean output.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly TextWriter _err;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private bool _shown;
    private long _lastDraw;

    /// <summary>A progress line on <paramref name="err"/> (tests give a writer and a clock; the CLI uses <see cref="ForTerminal"/>).</summary>
    internal ProgressLine(TextWriter err, TimeProvider? time = null)
    {
        _err = err;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>A progress line when stderr is an interactive terminal and not disabled; null otherwise.</summary>
    public static ProgressLine? ForTerminal(TextWriter stderr, bool disabled) =>
        !disabled && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? new ProgressLine(stderr) : null;

    public void Update(int done, int total)
    {
        long ms = (long)_time.GetElapsedTime(_started).TotalMilliseconds;
        if (ms < 500 || (ms - Interlocked.Read(ref _lastDraw) < 100 && done < total))
        {
            return;
        }
        lock (_gate)
        {
            _lastDraw = ms;
            _shown = true;
            int width = 30;
            int filled = total == 0 ? width : (int)((long)done * width / total);
            _err.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} nodes  {ms / 1000.0:F1} s ");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_shown)
            {
                _err.Write("\r" + new string(' ', 60) + "\r");
            }
        }
    }
}
