namespace PodCache.Benchmarks;

/// <summary>
/// Runs two pieces of work at the same time: one on the calling thread, one on a dedicated thread started once.
/// Unlike <c>Parallel.Invoke</c>, the second piece never runs inline on the caller when the thread pool is slow to
/// pick it up, so a "2 threads" benchmark really has two threads reading at once.
/// </summary>
public sealed class TwoThreads : IDisposable
{
    private readonly Barrier _barrier = new(2);
    private readonly Thread _thread;
    private Action? _work;
    private bool _stop;

    public TwoThreads()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "bench-second" };
        _thread.Start();
    }

    private void Loop()
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stop) return;
            _work!();
            _barrier.SignalAndWait();
        }
    }

    /// <summary>Runs <paramref name="mine"/> here and <paramref name="other"/> on the second thread; returns when both are done.</summary>
    public void Run(Func<int> mine, Action other, out int result)
    {
        _work = other;
        _barrier.SignalAndWait();
        result = mine();
        _barrier.SignalAndWait();
    }

    public void Dispose()
    {
        _stop = true;
        _barrier.SignalAndWait();
        _thread.Join();
        _barrier.Dispose();
    }
}
