using Microsoft.Extensions.Hosting;

namespace PodCache.Server;

/// <summary>
/// When runs in flight must give up: some time after the server is asked to stop (SIGTERM, Ctrl-C), so a run that
/// finishes soon still gets its answer, and one that would not finish is cancelled (503) before the host's shutdown
/// timeout aborts its connection.
/// </summary>
internal sealed class RunDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationTokenRegistration _registration;

    public RunDeadline(IHostApplicationLifetime lifetime, ServerOptions options)
    {
        var grace = options.ShutdownTimeout * 0.8;
        _registration = lifetime.ApplicationStopping.Register(() => _cts.CancelAfter(grace));
    }

    /// <summary>Cancelled once the grace period after the stop request has passed.</summary>
    public CancellationToken Token => _cts.Token;

    /// <inheritdoc/>
    public void Dispose()
    {
        _registration.Dispose();
        _cts.Dispose();
    }
}
