using System.Net;
using PodCache.Cache.Configuration;

namespace PodCache.Server;

/// <summary>How <c>podcache serve</c> listens; validated once, by <see cref="Validate"/>.</summary>
public sealed class ServerOptions
{
    /// <summary>The default body limit: 16 MiB.</summary>
    public const long DefaultMaxBodyBytes = 16L << 20;

    /// <summary>The address to bind (127.0.0.1 by default).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The HTTP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The API token every request must carry; none when null.</summary>
    public string? ApiToken { get; init; }

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>
    /// The in-flight memory budget: the summed <see cref="PodCache.Runtime.Execution.RunMemoryEstimate"/> of the runs
    /// computing at once (<c>server.maxInFlightBytes</c>, <c>--max-inflight-bytes</c>; default
    /// <see cref="InFlightBudget.DefaultMaxBytes"/>).
    /// </summary>
    public long MaxInFlightBytes { get; init; } = InFlightBudget.DefaultMaxBytes();

    /// <summary>The most bytes of run manifests kept in memory for <c>GET /v1/runs/RUNID</c> (<c>server.recentRunsMaxBytes</c>).</summary>
    public long RecentRunsMaxBytes { get; init; } = RecentRuns.DefaultMaxBytes;

    /// <summary>How long shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True when the bind address is a loopback address.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(BindAddress);

    /// <summary>Checks the combination: a non-loopback bind needs a token.</summary>
    /// <exception cref="ConfigurationException">The options cannot be served.</exception>
    public ServerOptions Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ConfigurationException($"--http-port {Port}: a port is 0 (any free port) to 65535");
        }
        if (MaxBodyBytes <= 0)
        {
            throw new ConfigurationException("--max-body-bytes must be positive");
        }
        if (MaxInFlightBytes <= 0)
        {
            throw new ConfigurationException("--max-inflight-bytes (server.maxInFlightBytes) must be positive");
        }
        if (RecentRunsMaxBytes <= 0)
        {
            throw new ConfigurationException("server.recentRunsMaxBytes must be positive");
        }
        if (ApiToken is { Length: 0 })
        {
            throw new ConfigurationException("the API token is empty");
        }
        if (!IsLoopback && ApiToken is null)
        {
            throw new ConfigurationException(
                $"refusing to listen on {BindAddress} without an API token: binding any address other than loopback " +
                "requires --api-token TOKEN or the PODCACHE_API_TOKEN environment variable");
        }
        return this;
    }
}
