using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PodCache.Cluster;

namespace PodCache.Server;

/// <summary>
/// A cluster member's membership as a hosted service of the server it runs in: once the server listens (so its own URL
/// can be advertised for the side channel), the member joins; when the host is asked to stop, the member leaves
/// gracefully (its shards handed off) while the server still answers, then the server stops. Registered by
/// <c>AddPodCacheClusterMember</c>.
/// </summary>
public sealed class ClusterMembershipService : IHostedLifecycleService
{
    /// <summary>How long leaving may take before the server stops anyway.</summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(30);

    private readonly ClusterRunService _service;
    private readonly ClusterOptions _options;
    private readonly IServer _server;
    private readonly EntryDataClient _entries;
    private readonly ILoggerFactory? _akkaLog;
    private readonly ILogger _logger;

    /// <summary>Creates the service (the container does, through <c>AddPodCacheClusterMember</c>).</summary>
    public ClusterMembershipService(ClusterRunService service, ClusterOptions options, IServer server, EntryDataClient entries,
        ILoggerFactory? akkaLog, ILogger<ClusterMembershipService> logger)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _server = server ?? throw new ArgumentNullException(nameof(server));
        _entries = entries ?? throw new ArgumentNullException(nameof(entries));
        _akkaLog = akkaLog;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The URL the other members fetch values from this one at; set once the member has joined.</summary>
    public Uri? Advertised { get; private set; }

    /// <summary>True when leaving took longer than <see cref="LeaveTimeout"/> and the server stopped anyway.</summary>
    public bool LeaveTimedOut { get; private set; }

    /// <inheritdoc/>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var bound = new Uri(_server.Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        bool any = bound.Host is "0.0.0.0" or "[::]" or "::";
        Advertised = _options.HttpBaseUrl ?? (any ? new UriBuilder(bound) { Host = _options.Host }.Uri : bound);
        await _service.JoinAsync(Advertised, _entries, _akkaLog, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A member the cluster downed has nothing to hand off. The host's own shutdown timeout is for requests in
        // flight; leaving has its own, so a slow handoff is not cut short by it.
        if (_service.Member is not { } member || member.WhenTerminated.IsCompleted)
        {
            return;
        }
        using var leave = new CancellationTokenSource(LeaveTimeout);
        try
        {
            await _service.LeaveAsync(leave.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LeaveTimedOut = true;
            _logger.LogWarning("leaving the cluster took over {Seconds} s; stopping anyway", LeaveTimeout.TotalSeconds);
        }
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
