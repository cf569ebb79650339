using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PodCache.Cache.Configuration;
using PodCache.Cluster;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary>
/// <c>podcache serve [--http-port P] [--bind ADDRESS] [--api-token TOKEN] [--max-body-bytes N] [--max-inflight-bytes N] [--no-save-runs]
/// [--cache-dir DIR] [--config FILE] [--data-root DIR ...] [--cluster-port Q --seed HOST:PORT ...]</c>: the HTTP server,
/// until SIGTERM or Ctrl-C. Pipelines read files only under the data roots (the working directory by default).
/// </summary>
internal static class ServeCommand
{
    /// <summary>The environment variable that holds the API token when <c>--api-token</c> is not given.</summary>
    public const string TokenVariable = "PODCACHE_API_TOKEN";

    public static async Task<int> ExecuteAsync(CommandArgs a, TextWriter stdout, CancellationToken cancellationToken)
    {
        var config = CliConfiguration.Load(a);
        var options = ParseOptions(a, config.Document);
        StderrLoggerFactory.Json = options.LogFormat == "json";
        if (ClusterSettings.Requested(config.Document.Section("cluster"), a.GetAll))
        {
            return await ServeClusterAsync(a, config, options, stdout, cancellationToken).ConfigureAwait(false);
        }

        await using var service = new LocalRunService(CacheSession.Open(config, null, sources: CacheSession.ServerSources(config, a.GetAll("data-root"))),
            saveRuns: !a.Flag("no-save-runs"), admission: new InFlightBudget(options.MaxInFlightBytes), recentRunsMaxBytes: options.RecentRunsMaxBytes);
        await using var server = await PodCacheServer.StartAsync(options, service, CacheSession.Codecs(), logToConsole: true,
            cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync(
            $"podcache serve: listening on {server.BaseAddress.ToString().TrimEnd('/')} (single server; {Describe(service.Stack, options)})")
            .ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);

        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync("podcache serve: stopped").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The listen options: the configuration's <c>server</c> section, in which <c>--http-port</c>, <c>--bind</c>,
    /// <c>--max-body-bytes</c> and <c>--max-inflight-bytes</c> are overrides (flags win); the token from
    /// <c>--api-token</c> or <c>PODCACHE_API_TOKEN</c>.
    /// </summary>
    internal static ServerOptions ParseOptions(CommandArgs a, ConfigurationDocument document) =>
        ServerOptions.Read(document, a.Get("api-token") ?? Environment.GetEnvironmentVariable(TokenVariable));

    /// <summary>
    /// The cluster member's settings: the document's <c>cluster</c> section, then the cluster flags. A flag's problem
    /// names the flag; a section's problem gets the file or variable it came from.
    /// </summary>
    internal static ClusterOptions ClusterOptionsOf(ConfigurationDocument document, Func<string, IReadOnlyList<string>> flag)
    {
        try
        {
            return ClusterSettings.Build(document.Section("cluster"), flag);
        }
        catch (ConfigurationException ex)
        {
            throw ex.Message.StartsWith("--", StringComparison.Ordinal) ? ex : document.Fail([ex.Message]);
        }
    }

    /// <summary>
    /// A cluster member: the HTTP server starts first (so its URL can be advertised for the side channel; <c>/healthz</c>
    /// answers 503 until the member is Up), then the member joins. SIGTERM leaves the cluster gracefully (shards handed
    /// off) before the server stops; a member downed by the cluster exits with 1 so a supervisor restarts it.
    /// </summary>
    private static async Task<int> ServeClusterAsync(CommandArgs a, PodCache.Runtime.Hosting.PodCacheOptions config, ServerOptions options,
        TextWriter stdout, CancellationToken cancellationToken)
    {
        var clusterOptions = ClusterOptionsOf(config.Document, a.GetAll);
        await using var service = ClusterRunService.Open(config, clusterOptions, saveRuns: !a.Flag("no-save-runs"), StderrLoggerFactory.Instance,
            a.GetAll("data-root"), new InFlightBudget(options.MaxInFlightBytes), options.RecentRunsMaxBytes);
        // Joining and leaving are the server's hosted ClusterMembershipService: it joins once the server listens.
        await using var server = await PodCacheServer.StartAsync(options, service, CacheSession.Codecs(), logToConsole: true,
            cancellationToken, services => services.AddPodCacheClusterMember(service, clusterOptions, StderrLoggerFactory.Instance)).ConfigureAwait(false);
        var membership = server.Services.GetRequiredService<ClusterMembershipService>();
        var advertised = membership.Advertised!;
        var member = service.Member!;
        string seeds = clusterOptions.Seeds.Count == 0 ? "a new cluster" : "seeds " + string.Join(", ", clusterOptions.Seeds);
        await stdout.WriteLineAsync(
            $"podcache serve: listening on {server.BaseAddress.ToString().TrimEnd('/')} (cluster member {member.Address}, joining {seeds}; " +
            $"advertised {advertised.ToString().TrimEnd('/')}; {Describe(service.Stack, options)})")
            .ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);

        var stopRequested = server.WaitForShutdownAsync(cancellationToken);
        var finished = await Task.WhenAny(stopRequested, member.WhenTerminated).ConfigureAwait(false);
        if (finished != stopRequested)
        {
            // SIGTERM also reaches Akka's own shutdown hook, which may stop the actor system (leaving the cluster
            // gracefully) just before the host reports the stop: that is a requested stop, not a downing.
            await Task.WhenAny(stopRequested, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        }
        if (!stopRequested.IsCompleted)
        {
            await stdout.WriteLineAsync("podcache serve: this member was removed from the cluster (downed); exiting").ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        await stdout.WriteLineAsync("podcache serve: leaving the cluster").ConfigureAwait(false);
        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        // The membership service leaves (shards handed off) before the server stops answering.
        await server.StopAsync().ConfigureAwait(false);
        if (membership.LeaveTimedOut)
        {
            await stdout.WriteLineAsync($"podcache serve: leaving took over {ClusterMembershipService.LeaveTimeout.TotalSeconds:0} s; stopping anyway").ConfigureAwait(false);
        }
        await stdout.WriteLineAsync("podcache serve: stopped").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>The tiers and cache directory a server runs on, and whether it wants a token (its first line).</summary>
    private static string Describe(PodCache.Cache.CacheStack stack, ServerOptions options) =>
        $"tiers {string.Join(" + ", stack.Cache.Tiers.Select(t => t.Name))}" +
        (stack.Disk is not null ? $", cache directory {stack.Disk.Root}" : "") +
        $"; in-flight budget {ByteSize.Format(options.MaxInFlightBytes)}" +
        (options.ApiToken is null ? "" : "; API token required");
}
