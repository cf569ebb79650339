using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;

namespace PodCache.Cluster;

/// <summary>
/// The cluster settings of <c>podcache serve --cluster-port</c>: the config file's top-level <c>cluster</c> object,
/// overridden by flags. Every problem names its config path or flag and is a <see cref="ConfigurationException"/> (exit 2).
/// </summary>
/// <remarks>
/// Config keys: <c>systemName</c>, <c>host</c>, <c>seeds</c> (list of HOST:PORT), <c>minMembers</c>, <c>shardCount</c>,
/// <c>stableAfter</c>, <c>askTimeout</c>, <c>computeTimeout</c>, <c>handoffGrace</c>, <c>rebalanceInterval</c>
/// (durations: seconds as a number, or <c>"500ms"</c>, <c>"5s"</c>, <c>"2m"</c>, <c>"PT5S"</c>), <c>inlineLimitBytes</c>, <c>batchMisses</c>,
/// <c>advertiseUrl</c>, <c>logLevel</c>, and <c>budgets</c> <c>{"ram", "disk", "s3"}</c> (sizes, e.g. <c>"64MB"</c>).
/// Unless <c>askTimeout</c> is given, it is <c>stableAfter</c> + 15 s, so requests made while a crashed member's shards
/// move wait for the new owner instead of timing out.
/// </remarks>
public static class ClusterSettings
{
    /// <summary>The flags that belong to cluster mode.</summary>
    public static readonly string[] FlagNames = ["cluster-port", "seed", "cluster-host", "min-members", "stable-after", "advertise-url"];

    /// <summary>True when the configuration's <c>cluster</c> section sets a port, or the arguments ask for cluster mode.</summary>
    /// <param name="section">The configuration's <c>cluster</c> object, or null.</param>
    /// <param name="flag">Every value a flag of <see cref="FlagNames"/> was given, by its name without dashes.</param>
    public static bool Requested(JsonObject? section, Func<string, IReadOnlyList<string>> flag) => section?["port"] is not null || Requested(flag);

    /// <summary>True when the arguments ask for cluster mode (or give cluster flags without <c>--cluster-port</c>, an error later).</summary>
    /// <param name="flag">Every value a flag of <see cref="FlagNames"/> was given, by its name without dashes.</param>
    public static bool Requested(Func<string, IReadOnlyList<string>> flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return FlagNames.Any(f => flag(f).Count > 0);
    }

    /// <summary>The options for this member: the config section first, then the flags.</summary>
    /// <exception cref="ConfigurationException">Anything invalid, or cluster flags without <c>--cluster-port</c>.</exception>
    /// <param name="section">The config file's <c>cluster</c> object, or null.</param>
    /// <param name="flag">Every value a flag of <see cref="FlagNames"/> was given, by its name without dashes.</param>
    public static ClusterOptions Build(JsonObject? section, Func<string, IReadOnlyList<string>> flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        string? Get(string name) => flag(name) switch
        {
            { Count: 0 } => null,
            { Count: 1 } values => values[0],
            _ => throw new ConfigurationException($"--{name} is given more than once"),
        };
        string? clusterPort = Get("cluster-port");
        if (clusterPort is null && section?["port"] is null)
        {
            string given = FlagNames.First(f => flag(f).Count > 0);
            throw new ConfigurationException($"--{given} needs --cluster-port: cluster settings apply only to a cluster member");
        }
        var o = new ClusterOptions { LogLevel = "WARNING" };
        if (section is not null)
        {
            ReadSection(section, o);
        }
        if (clusterPort is not null) Set("--cluster-port", () => o.Port = Port(clusterPort, "--cluster-port", allowZero: true));
        if (Get("cluster-host") is { } host) Set("--cluster-host", () => o.Host = host);
        if (flag("seed") is { Count: > 0 } seeds)
        {
            foreach (string s in seeds) Seed(s, "--seed");
            Set("--seed", () => o.Seeds = [.. seeds]);
        }
        if (Get("min-members") is { } m) Set("--min-members", () => o.MinimumNumberOfMembers = Int(m, "--min-members"));
        if (Get("stable-after") is { } sa) Set("--stable-after", () => o.StableAfter = Duration(sa, "--stable-after"));
        if (Get("advertise-url") is { } url) Set("--advertise-url", () => o.HttpBaseUrl = Url(url, "--advertise-url"));
        if (section?.ContainsKey("askTimeout") != true)
        {
            // A request for a key whose owner just crashed waits in the shard region until the shard has a new home:
            // failure detection (~5 s), stable-after, then re-allocation. Waiting that long answers it instead of 504.
            o.AskTimeout = o.StableAfter + TimeSpan.FromSeconds(15);
        }
        try
        {
            o.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException($"cluster settings: {ex.Message}");
        }
        return o;
    }

    private static void ReadSection(JsonObject section, ClusterOptions o)
    {
        foreach (var (name, value) in section)
        {
            string p = "cluster." + name;
            string Text() => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new ConfigurationException($"{p}: must be a string");
            switch (name)
            {
                case "port":
                    Set(p, () => o.Port = value is JsonValue pv && pv.TryGetValue<double>(out double port) && port == Math.Floor(port) && port is >= 0 and <= 65535
                        ? (int)port : throw new ConfigurationException($"{p}: a port is a whole number from 0 (any free port) to 65535"));
                    break;
                case "systemName": Set(p, () => o.SystemName = Text()); break;
                case "host": Set(p, () => o.Host = Text()); break;
                case "seeds":
                    if (value is not JsonArray list) throw new ConfigurationException($"{p}: must be a list of \"HOST:PORT\"");
                    var seeds = list.Select((s, i) => s is JsonValue sv && sv.TryGetValue<string>(out var t) ? Seed(t, $"{p}[{i}]")
                        : throw new ConfigurationException($"{p}[{i}]: must be a string \"HOST:PORT\"")).ToArray();
                    Set(p, () => o.Seeds = seeds);
                    break;
                case "minMembers": Set(p, () => o.MinimumNumberOfMembers = Int(value, p)); break;
                case "shardCount": Set(p, () => o.ShardCount = Int(value, p)); break;
                case "stableAfter": Set(p, () => o.StableAfter = Duration(value, p)); break;
                case "askTimeout": Set(p, () => o.AskTimeout = Duration(value, p)); break;
                case "computeTimeout": Set(p, () => o.ComputeTimeout = Duration(value, p)); break;
                case "handoffGrace": Set(p, () => o.HandoffGrace = Duration(value, p)); break;
                case "rebalanceInterval": Set(p, () => o.RebalanceInterval = Duration(value, p)); break;
                case "inlineLimitBytes": Set(p, () => o.InlineLimitBytes = Int(value, p)); break;
                case "batchMisses":
                    o.BatchMisses = value is JsonValue batch && batch.TryGetValue(out bool on) ? on
                        : throw new ConfigurationException($"{p}: must be true or false");
                    break;
                case "advertiseUrl": Set(p, () => o.HttpBaseUrl = Url(Text(), p)); break;
                case "logLevel":
                    string level = Text().ToUpperInvariant();
                    if (level is not ("DEBUG" or "INFO" or "WARNING" or "ERROR" or "OFF"))
                        throw new ConfigurationException($"{p}: must be one of DEBUG, INFO, WARNING, ERROR, OFF");
                    o.LogLevel = level;
                    break;
                case "budgets":
                    if (value is not JsonObject b) throw new ConfigurationException($"{p}: must be an object with ram, disk and s3 sizes");
                    var budgets = new ClusterBudgets();
                    foreach (var (tier, size) in b)
                    {
                        long bytes = Size(size, $"{p}.{tier}");
                        switch (tier)
                        {
                            case "ram": budgets.RamBytes = bytes; break;
                            case "disk": budgets.DiskBytes = bytes; break;
                            case "s3": budgets.S3Bytes = bytes; break;
                            default: throw new ConfigurationException($"{p}.{tier}: unknown tier; budgets are ram, disk and s3");
                        }
                    }
                    o.Budgets = budgets;
                    break;
                default:
                    throw new ConfigurationException($"{p}: unknown key; keys are port, systemName, host, seeds, minMembers, shardCount, stableAfter, " +
                        "askTimeout, computeTimeout, handoffGrace, rebalanceInterval, inlineLimitBytes, advertiseUrl, logLevel and budgets");
            }
        }
    }

    private static void Set(string where, Action set)
    {
        try
        {
            set();
        }
        catch (ArgumentException ex)
        {
            // ArgumentOutOfRangeException's message ends with the parameter name and value; the first line says it.
            throw new ConfigurationException($"{where}: {ex.Message.Split('\n')[0].Trim()}");
        }
    }

    private static string Seed(string seed, string where)
    {
        int colon = seed.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new ConfigurationException($"{where} '{seed}': a seed is HOST:PORT, e.g. 127.0.0.1:4053");
        }
        _ = Port(seed[(colon + 1)..], $"{where} '{seed}'", allowZero: false);
        return seed;
    }

    private static int Port(string text, string where, bool allowZero) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535 && (allowZero || port > 0)
            ? port
            : throw new ConfigurationException($"{where}: a port is a number from {(allowZero ? 0 : 1)} to 65535");

    private static int Int(JsonNode? value, string where) =>
        value is JsonValue v && v.TryGetValue<int>(out int n) ? n : throw new ConfigurationException($"{where}: must be an integer");

    private static int Int(string text, string where) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ConfigurationException($"{where} '{text}': must be a whole number");

    private static long Size(JsonNode? value, string where)
    {
        if (value is JsonValue v && v.TryGetValue<long>(out long n) && n >= 0) return n;
        if (value is JsonValue s && s.TryGetValue<string>(out var text))
        {
            return ByteSize.TryParse(text, out long bytes, out var error) ? bytes : throw new ConfigurationException($"{where}: {error}");
        }
        throw new ConfigurationException($"{where}: must be a size (bytes, or \"64MB\", \"1GiB\")");
    }

    private static TimeSpan Duration(JsonNode? value, string where) =>
        PodCache.Cache.Configuration.Duration.TryParse(value, out var t, out var why) ? Bounded(t, where) : throw new ConfigurationException($"{where}: {why}");

    /// <summary>A duration in the one grammar of every configuration section (<see cref="PodCache.Cache.Configuration.Duration"/>).</summary>
    internal static TimeSpan Duration(string text, string where) =>
        PodCache.Cache.Configuration.Duration.TryParse(text, out var t, out var why) ? Bounded(t, where) : throw new ConfigurationException($"{where}: {why}");

    // Akka's settings take at most about 115 days.
    private static TimeSpan Bounded(TimeSpan t, string where) =>
        t.TotalSeconds < 1e7 ? t : throw new ConfigurationException($"{where}: at most 1e7 seconds");

    private static Uri Url(string text, string where) =>
        Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? new Uri(u.ToString().TrimEnd('/') + "/")
            : throw new ConfigurationException($"{where} '{text}': must be an absolute http:// or https:// URL");
}
