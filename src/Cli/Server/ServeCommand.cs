using System.Globalization;
using System.Net;
using PodCache.Cache.Configuration;

namespace PodCache.Cli.Server;

/// <summary>
/// <c>podcache serve [--http-port P] [--bind ADDRESS] [--api-token TOKEN] [--max-body-bytes N] [--no-save-runs]
/// [--cache-dir DIR] [--config FILE] [--cluster-port Q --seed HOST:PORT ...]</c>: the HTTP server, until SIGTERM or
/// Ctrl-C.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The environment variable that holds the API token when <c>--api-token</c> is not given.</summary>
    public const string TokenVariable = "PODCACHE_API_TOKEN";

    private static readonly HashSet<string> Options =
        ["http-port", "bind", "api-token", "max-body-bytes", "cache-dir", "config", "cluster-port", "seed"];

    private static readonly HashSet<string> Flags = ["no-save-runs"];

    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var a = new ArgReader(args, Options, Flags);
        a.NoMorePositionals(0);
        var options = ParseOptions(a);
        CheckClusterOptions(a);

        await using var service = LocalRunService.Open(a.Get("config"), a.Get("cache-dir"), saveRuns: !a.Flag("no-save-runs"));
        await using var server = await PodCacheServer.StartAsync(options, service, CacheSession.Codecs(), logToConsole: true,
            cancellationToken).ConfigureAwait(false);
        var stack = service.Stack;
        string tiers = string.Join(" + ", stack.Cache.Tiers.Select(t => t.Name));
        string where = stack.Disk is not null ? $", cache directory {stack.Disk.Root}" : "";
        await stdout.WriteLineAsync(
            $"podcache serve: listening on {server.BaseAddress.ToString().TrimEnd('/')} (single server; tiers {tiers}{where}" +
            $"{(options.ApiToken is null ? "" : "; API token required")})").ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);

        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync("podcache serve: stopped").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    internal static ServerOptions ParseOptions(ArgReader a)
    {
        int port = a.Get("http-port") is { } p
            ? int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new UsageException($"--http-port '{p}': a port is a number from 0 (any free port) to 65535")
            : 8080;
        var bind = IPAddress.Loopback;
        if (a.Get("bind") is { } b)
        {
            bind = b == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(b, out var ip) ? ip
                : throw new UsageException($"--bind '{b}': give an IP address (127.0.0.1, 0.0.0.0, ::1, ...)");
        }
        long maxBody = ServerOptions.DefaultMaxBodyBytes;
        if (a.Get("max-body-bytes") is { } m && (!ByteSize.TryParse(m, out maxBody, out var error) || maxBody <= 0))
        {
            throw new UsageException($"--max-body-bytes '{m}': {error ?? "must be positive"}");
        }
        string? token = a.Get("api-token") ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (token is { Length: 0 }) token = null;
        return new ServerOptions
        {
            Port = port,
            BindAddress = bind,
            ApiToken = token,
            MaxBodyBytes = maxBody,
        }.Validate();
    }

    private static void CheckClusterOptions(ArgReader a)
    {
        string? clusterPort = a.Get("cluster-port");
        var seeds = a.GetAll("seed");
        if (clusterPort is null && seeds.Count == 0) return;
        if (clusterPort is null)
        {
            throw new UsageException("--seed needs --cluster-port: seeds are the cluster members to join");
        }
        if (!int.TryParse(clusterPort, NumberStyles.None, CultureInfo.InvariantCulture, out var q) || q > 65535)
        {
            throw new UsageException($"--cluster-port '{clusterPort}': a port is a number from 0 to 65535");
        }
        foreach (var s in seeds)
        {
            int colon = s.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sp) || sp is 0 or > 65535)
            {
                throw new UsageException($"--seed '{s}': a seed is HOST:PORT, e.g. 127.0.0.1:4053");
            }
        }
        throw new UsageException(
            "cluster mode is not available in this build: --cluster-port and --seed need the cluster layer; " +
            "run without them for a single server");
    }
}
