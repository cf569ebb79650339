namespace PodCache.Cache.Configuration;

/// <summary>
/// Every key <c>podcache.json</c> (or a <c>PODCACHE__...</c> environment variable, or <c>--set</c>) can set: the one list
/// the configuration pipeline accepts keys from, <c>podcache config</c> prints and docs/configuration.md is generated
/// from. Each layer validates its own section (<c>cache</c> here, <c>limits</c> and <c>sources</c> in the runtime,
/// <c>cluster</c> and <c>server</c> in theirs); a test checks that the defaults written here are the options' defaults.
/// </summary>
public static class ConfigurationReference
{
    /// <summary>The top-level sections, in the reference's order, with what each configures.</summary>
    public static IReadOnlyList<(string Name, string Description)> Sections { get; } =
    [
        ("cache", "The tiers results are kept in, their budgets and the eviction policy. Without a `tiers` object: RAM and a disk directory `.podcache`. With one, only the tiers it names (RAM is always there)."),
        ("limits", "Bounds on what one input may make PodCache hold or do, checked before anything is allocated."),
        ("sources", "How remote sources are read and revalidated, and which files and URLs pipelines may read (SPEC §10)."),
        ("server", "How `podcache serve` (or `MapPodCache` in your app) listens and admits runs."),
        ("cluster", "Cluster membership of `podcache serve` (a member when `cluster.port` or `--cluster-port` is given)."),
    ];

    private static ConfigurationKey K(string path, ConfigurationValueKind kind, string? @default, string sample, string description,
        string? defaultText = null, IReadOnlyList<string>? choices = null) =>
        new(path, kind, @default, description) { Sample = sample, DefaultText = defaultText, Choices = choices ?? [] };

    private const ConfigurationValueKind Size = ConfigurationValueKind.Size;
    private const ConfigurationValueKind Dur = ConfigurationValueKind.Duration;
    private const ConfigurationValueKind Int = ConfigurationValueKind.Integer;
    private const ConfigurationValueKind Bool = ConfigurationValueKind.Boolean;
    private const ConfigurationValueKind Str = ConfigurationValueKind.String;
    private const ConfigurationValueKind List = ConfigurationValueKind.StringList;

    /// <summary>Every key, grouped by section in the order of <see cref="Sections"/>.</summary>
    public static IReadOnlyList<ConfigurationKey> Keys { get; } =
    [
        K("cache.policy", ConfigurationValueKind.Choice, "\"cost-aware\"", "\"lru\"",
            "Eviction policy of every tier: `cost-aware` weighs size, recompute cost, frequency and recency.",
            choices: ["cost-aware", "lru", "lfu", "gdsf", "gds", "cachey"]),
        K("cache.defaultTiers", List, null, "[\"ram\"]",
            "Tiers a result is written to when its node names none.", defaultText: "`ram` and every other tier `cache.tiers` configures"),
        K("cache.machineRamMaxBytes", Size, "\"4GiB\"", "\"2GiB\"", "RAM budget summed over the processes that share the cache directory."),
        K("cache.tiers.ram.maxBytes", Size, "\"1GiB\"", "\"256MiB\"", "RAM budget of one process."),
        K("cache.tiers.disk.path", Str, "\".podcache\"", "\"/var/cache/podcache\"",
            "The cache directory (relative to the working directory). `--cache-dir` sets it; so does `PODCACHE_CACHE_DIR` when no `--config` is given."),
        K("cache.tiers.disk.maxBytes", Size, "\"10GiB\"", "\"100GiB\"", "Disk budget of the machine."),
        K("cache.tiers.disk.lz4", Bool, "false", "true", "Compress disk payloads with LZ4."),
        K("cache.tiers.s3.bucket", Str, null, "\"podcache-shared\"", "The bucket of the shared S3 tier (3-63 lowercase letters, digits, `.` or `-`). Required when `cache.tiers.s3` is given.", defaultText: "required"),
        K("cache.tiers.s3.prefix", Str, "\"podcache/\"", "\"team-a/\"", "Key prefix of every object; empty means the bucket root."),
        K("cache.tiers.s3.serviceUrl", Str, null, "\"http://127.0.0.1:9000\"", "An S3-compatible endpoint.", defaultText: "none: AWS in `region`"),
        K("cache.tiers.s3.region", Str, "\"us-east-1\"", "\"eu-west-1\"", "The AWS region."),
        K("cache.tiers.s3.maxBytes", Size, "\"100GiB\"", "\"1TiB\"", "Budget of the S3 tier."),
        K("cache.tiers.s3.forcePathStyle", Bool, null, "true", "Path-style bucket URLs.", defaultText: "true with a `serviceUrl`, false on AWS"),
        K("cache.tiers.s3.partSize", Size, "\"8MiB\"", "\"16MiB\"", "Multipart upload part size (5 MiB to 512 MiB)."),
        K("cache.tiers.s3.maxConcurrentParts", Int, "4", "8", "Parts uploaded at once."),
        K("cache.tiers.s3.maxErrorRetry", Int, "2", "5", "Retries of a failed S3 request."),
        K("cache.tiers.s3.timeout", Dur, "\"30s\"", "\"1m\"", "Timeout of one S3 request."),
        K("cache.tiers.s3.retryAfter", Dur, "\"30s\"", "\"10s\"", "How long a long-lived process skips S3 after it failed."),
        K("cache.tiers.s3.leaseTtl", Dur, "\"30s\"", "\"1m\"", "How long a compute lease on S3 lasts without renewal."),
        K("cache.tiers.s3.leaseMaxWait", Dur, null, "\"5m\"", "How long a worker waits for another's lease before computing itself.", defaultText: "four times `leaseTtl`"),
        K("cache.tiers.s3.leasePollMax", Dur, "\"1s\"", "\"2s\"", "The longest pause between polls of a held lease."),
        K("cache.tiers.s3.reconcileInterval", Dur, "\"15m\"", "\"1h\"", "How often the S3 tier's usage is recounted from a listing."),

        K("limits.maxJsonDepth", Int, "64", "32", "How deeply JSON may nest in a pipeline, coordinates, manifest or request body (2 to 1000)."),
        K("limits.maxDocumentBytes", Size, "\"64MiB\"", "\"8MiB\"", "The largest pipeline, coordinates or request document read (1 KiB to 2 GiB)."),
        K("limits.maxNodes", Int, "10000", "500", "The most nodes a pipeline may define."),
        K("limits.maxInputsPerNode", Int, "1024", "64", "The most inputs one node may read."),
        K("limits.maxCellsPerRequest", Int, "268435456", "1000000", "The most cells a request's coordinates may hold."),
        K("limits.maxCellsPerNode", Int, "268435456", "1000000", "The most cells one node's output may hold."),
        K("limits.maxKernelCells", Int, "1048576", "4096", "The largest convolution kernel, in cells."),

        K("sources.revalidateAfter", Dur, "\"60s\"", "\"5m\"", "How long a remote source's version token is used without asking the source again; zero asks every run."),
        K("sources.maxStale", Dur, "\"0s\"", "\"1h\"", "How old a remembered token may be when the source cannot be asked; zero fails the run."),
        K("sources.http.timeout", Dur, "\"30s\"", "\"10s\"", "Timeout of one HTTP request (100 ms to 1 h)."),
        K("sources.http.retries", Int, "3", "5", "Retries of a failed HTTP request (0 to 20)."),
        K("sources.http.maxConnectionsPerHost", Int, "8", "16", "Connections per host (1 to 1024)."),
        K("sources.s3.serviceUrl", Str, null, "\"http://127.0.0.1:9000\"", "An S3-compatible endpoint for `s3://` sources.", defaultText: "none: AWS in `region`"),
        K("sources.s3.region", Str, "\"us-east-1\"", "\"eu-west-1\"", "The AWS region of `s3://` sources."),
        K("sources.s3.forcePathStyle", Bool, null, "true", "Path-style bucket URLs for `s3://` sources.", defaultText: "true with a `serviceUrl`, false on AWS"),
        K("sources.allow.files", List, null, "[\"/data\"]", "Directories whose files pipelines may read.",
            defaultText: "the CLI reads any file; `podcache serve` only under its working directory or `--data-root`"),
        K("sources.allow.urls", List, null, "[\"https://data.example.org/\"]", "URL prefixes pipelines may fetch.",
            defaultText: "the CLI fetches any URL; `podcache serve` none"),

        K("server.port", Int, "8080", "9090", "The HTTP port; 0 picks a free one. `--http-port` sets it."),
        K("server.bind", Str, "\"127.0.0.1\"", "\"0.0.0.0\"", "The address to listen on; any address but loopback needs an API token (`--api-token` or `PODCACHE_API_TOKEN`). `--bind` sets it."),
        K("server.maxBodyBytes", Size, "\"16MiB\"", "\"64MiB\"", "The largest request body; larger ones get 413. `--max-body-bytes` sets it."),
        K("server.maxInFlightBytes", Size, null, "\"8GiB\"", "The estimated memory of the runs computing at once; a run that does not fit waits or gets 503. `--max-inflight-bytes` sets it.",
            defaultText: "a quarter of the machine's memory"),
        K("server.recentRunsMaxBytes", Size, "\"64MiB\"", "\"16MiB\"", "Bytes of run manifests kept in memory for `GET /v1/runs/RUNID`."),
        K("server.shutdownTimeout", Dur, "\"10s\"", "\"30s\"", "How long shutdown waits for requests in flight."),
        K("server.otlpEndpoint", Str, null, "\"http://127.0.0.1:4318\"", "Send traces (a `podcache.run` span per run, a `podcache.node` span per node, under the HTTP request's) and metrics over OTLP (HTTP/protobuf) to this collector.",
            defaultText: "none: no export"),
        K("server.logFormat", Str, "\"text\"", "\"json\"", "How `podcache serve` writes warnings and errors on stderr: `text` lines (`warning: ...`) or `json`, one object a line (timestamp, level, category, message, exception)."),

        K("cluster.port", Int, null, "4053", "The cluster TCP port; setting it (or `--cluster-port`) makes `podcache serve` a cluster member. 0 picks a free one.",
            defaultText: "none: a single server"),
        K("cluster.host", Str, "\"127.0.0.1\"", "\"10.0.0.5\"", "The address other members reach this one at. `--cluster-host` sets it."),
        K("cluster.seeds", List, null, "[\"127.0.0.1:4053\"]", "HOST:PORT of members to join; none starts a new cluster. `--seed` sets it.", defaultText: "none"),
        K("cluster.systemName", Str, "\"podcache\"", "\"podcache-prod\"", "The actor system's name: members with different names never see each other."),
        K("cluster.minMembers", Int, "1", "3", "Members that must be up before the cluster serves. `--min-members` sets it."),
        K("cluster.shardCount", Int, "100", "200", "Shards keys are placed in; the same on every member."),
        K("cluster.stableAfter", Dur, "\"20s\"", "\"10s\"", "How long an unreachable member is waited for before it is downed. `--stable-after` sets it."),
        K("cluster.askTimeout", Dur, null, "\"30s\"", "How long a requester waits for a key's owner to acknowledge.", defaultText: "`stableAfter` + 15 s"),
        K("cluster.computeTimeout", Dur, "\"10m\"", "\"30m\"", "How long a requester waits for the owner's answer once it has acknowledged."),
        K("cluster.handoffGrace", Dur, "\"5s\"", "\"3s\"", "How long a leaving member waits for computations in flight before handing its shards off."),
        K("cluster.rebalanceInterval", Dur, "\"10s\"", "\"30s\"", "How often shard placement is rebalanced."),
        K("cluster.inlineLimitBytes", Int, "65536", "32768", "Results up to this size travel in cluster messages; larger ones over the HTTP side channel."),
        K("cluster.batchMisses", Bool, "true", "false", "A run that misses sends each owner one message with the nodes it owns; false asks per node."),
        K("cluster.advertiseUrl", Str, null, "\"http://10.0.0.5:8080/\"", "The HTTP URL other members fetch results from. `--advertise-url` sets it.",
            defaultText: "the server's own address"),
        K("cluster.logLevel", ConfigurationValueKind.Choice, "\"WARNING\"", "\"INFO\"", "Akka's log level.", choices: ["DEBUG", "INFO", "WARNING", "ERROR", "OFF"]),
        K("cluster.budgets.ram", Size, null, "\"8GiB\"", "RAM budget of the whole cluster, split between members by shard ownership.", defaultText: "none: each member's own"),
        K("cluster.budgets.disk", Size, null, "\"1TiB\"", "Disk budget of the whole cluster, split between members by shard ownership.", defaultText: "none: each member's own"),
        K("cluster.budgets.s3", Size, null, "\"10TiB\"", "Budget of the shared S3 tier for the whole cluster.", defaultText: "none: the tier's own"),
    ];

    /// <summary>
    /// The reference table of docs/configuration.md: per section, each key with its kind, default, environment
    /// variable and description (a test keeps the doc equal to this).
    /// </summary>
    public static string ToMarkdown()
    {
        var text = new System.Text.StringBuilder();
        foreach (var (section, description) in Sections)
        {
            text.Append("### `").Append(section).Append("`\n\n").Append(description).Append("\n\n");
            text.Append("| Key | Kind | Default | Example | Environment variable | What it does |\n|---|---|---|---|---|---|\n");
            foreach (var k in Keys.Where(k => k.Section == section))
            {
                string kind = k.Kind switch
                {
                    ConfigurationValueKind.Choice => string.Join(" \\| ", k.Choices.Select(c => $"`{c}`")),
                    ConfigurationValueKind.StringList => "list of strings",
                    _ => k.Kind.ToString().ToLowerInvariant(),
                };
                string @default = k.Default is not null ? $"`{k.Default}`" : k.DefaultText ?? "none";
                text.Append("| `").Append(k.Path).Append("` | ").Append(kind).Append(" | ").Append(@default)
                    .Append(" | `").Append(k.Sample).Append("` | `").Append(k.EnvironmentVariable).Append("` | ").Append(k.Description).Append(" |\n");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static readonly Dictionary<string, ConfigurationKey> ByPath = Keys.ToDictionary(k => k.Path, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key at <paramref name="path"/> (any case), or null.</summary>
    public static ConfigurationKey? Find(string path) => ByPath.GetValueOrDefault(path);
}
