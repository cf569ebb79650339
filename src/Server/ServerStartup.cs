using Microsoft.Extensions.Hosting;

namespace PodCache.Server;

/// <summary>
/// Creates the server's singletons that must exist before the first request: the metric instruments (so the first
/// scrape already lists every metric) and the shutdown deadline (so it sees the stop request however early it comes).
/// </summary>
internal sealed class ServerStartup(ServerMetrics metrics, RunDeadline deadline) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(metrics);
        GC.KeepAlive(deadline);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
