using System.Net;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Where to send traces (<c>podcache.run</c> and <c>podcache.node</c> spans under ASP.NET Core's request spans) and
    /// metrics over OTLP (HTTP/protobuf, to <c>v1/traces</c> and <c>v1/metrics</c> under it); none when null.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>
    /// How <c>podcache serve</c> writes its warnings and errors on standard error: <c>text</c> (<c>warning: ...</c>
    /// lines) or <c>json</c> (one JSON object a line: timestamp, level, category, message, exception).
    /// </summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>True when the bind address is a loopback address.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(BindAddress);

    /// <summary>
    /// The <c>server</c> section of <paramref name="document"/> (the flags of <c>podcache serve</c> are in it as overrides),
    /// validated, with <paramref name="apiToken"/> (from <c>--api-token</c> or <c>PODCACHE_API_TOKEN</c>; never a config key).
    /// </summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is named with its path and the file, variable or flag.</exception>
    public static ServerOptions Read(ConfigurationDocument document, string? apiToken = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<string>();
        var options = Read(document.Section("server"), apiToken, errors);
        document.ThrowIfAny(errors);
        try
        {
            return options.Validate();
        }
        catch (ConfigurationException ex)
        {
            throw document.Fail([ex.Message]);
        }
    }

    /// <summary>The <c>server</c> section (defaults when null), adding each problem, with its path, to <paramref name="errors"/>.</summary>
    public static ServerOptions Read(JsonObject? section, string? apiToken, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        int port = 8080;
        var bind = IPAddress.Loopback;
        long maxBody = DefaultMaxBodyBytes, maxInFlight = InFlightBudget.DefaultMaxBytes(), recent = RecentRuns.DefaultMaxBytes;
        var shutdown = TimeSpan.FromSeconds(10);
        Uri? otlp = null;
        string logFormat = "text";
        foreach (var (name, value) in section ?? [])
        {
            string p = "server." + name;
            switch (name)
            {
                case "port":
                    if (value is JsonValue pv && pv.TryGetValue<double>(out double d) && d == Math.Floor(d) && d is >= 0 and <= 65535) port = (int)d;
                    else errors.Add($"{p}: a port is a whole number from 0 (any free port) to 65535");
                    break;
                case "bind":
                    if (value is JsonValue bv && bv.TryGetValue<string>(out var text) && (text == "localhost" || IPAddress.TryParse(text, out _)))
                        bind = text == "localhost" ? IPAddress.Loopback : IPAddress.Parse(text);
                    else errors.Add($"{p}: give an IP address (127.0.0.1, 0.0.0.0, ::1, ...)");
                    break;
                case "maxBodyBytes": maxBody = Positive(value, p, errors) ?? maxBody; break;
                case "maxInFlightBytes": maxInFlight = Positive(value, p, errors) ?? maxInFlight; break;
                case "recentRunsMaxBytes": recent = Positive(value, p, errors) ?? recent; break;
                case "shutdownTimeout":
                    if (Duration.TryParse(value, out var t, out var why)) shutdown = t;
                    else errors.Add($"{p}: {why}");
                    break;
                case "otlpEndpoint":
                    if (value is JsonValue ov && ov.TryGetValue<string>(out var url) && Uri.TryCreate(url, UriKind.Absolute, out var u)
                        && u.Scheme is "http" or "https" && string.IsNullOrEmpty(u.Query))
                        otlp = u;
                    else errors.Add($"{p}: give the collector's http:// or https:// URL, e.g. \"http://127.0.0.1:4318\"");
                    break;
                case "logFormat":
                    if (value is JsonValue lv && lv.TryGetValue<string>(out var f) && f is "text" or "json") logFormat = f;
                    else errors.Add($"{p}: \"text\" or \"json\"");
                    break;
                default:
                    errors.Add($"{p}: unknown key; server has port, bind, maxBodyBytes, maxInFlightBytes, recentRunsMaxBytes, shutdownTimeout, otlpEndpoint and logFormat");
                    break;
            }
        }
        return new ServerOptions
        {
            Port = port,
            BindAddress = bind,
            ApiToken = apiToken is { Length: 0 } ? null : apiToken,
            MaxBodyBytes = maxBody,
            MaxInFlightBytes = maxInFlight,
            RecentRunsMaxBytes = recent,
            ShutdownTimeout = shutdown,
            OtlpEndpoint = otlp,
            LogFormat = logFormat,
        };
    }

    private static long? Positive(JsonNode? value, string path, ICollection<string> errors)
    {
        if (!ByteSize.TryParse(value, out long bytes, out var why))
        {
            errors.Add($"{path}: {why}");
            return null;
        }
        if (bytes <= 0)
        {
            errors.Add($"{path}: must be positive");
            return null;
        }
        return bytes;
    }

    /// <summary>Checks the combination: a non-loopback bind needs a token.</summary>
    /// <exception cref="ConfigurationException">The options cannot be served.</exception>
    public ServerOptions Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ConfigurationException($"server.port {Port}: a port is 0 (any free port) to 65535");
        }
        if (MaxBodyBytes <= 0)
        {
            throw new ConfigurationException("server.maxBodyBytes: must be positive");
        }
        if (MaxInFlightBytes <= 0)
        {
            throw new ConfigurationException("server.maxInFlightBytes: must be positive");
        }
        if (RecentRunsMaxBytes <= 0)
        {
            throw new ConfigurationException("server.recentRunsMaxBytes: must be positive");
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
