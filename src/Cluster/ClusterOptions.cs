using System.Globalization;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// Settings of a <see cref="ClusterMember"/>, validated when set (and across properties by <see cref="Validate"/>,
/// which <see cref="ClusterMember.StartAsync"/> calls). Every member of one cluster must use the same
/// <see cref="SystemName"/> and <see cref="ShardCount"/>: the shard count decides where every key lives and is fixed
/// for the cluster's life.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Akka's default frame size; a message above it is dropped (its Ask just times out).</summary>
    public const int MaximumFrameSize = 128_000;

    // Headroom for the envelope, the key, addresses and the status strings around a payload.
    private const int MaxPayloadLimit = MaximumFrameSize - 16_000;

    private string _host = "127.0.0.1";
    private int _port;
    private IReadOnlyList<string> _seeds = [];
    private string _systemName = "podcache";
    private int _minimumMembers = 1;
    private int _shardCount = 100;
    private TimeSpan _stableAfter = TimeSpan.FromSeconds(20);
    private TimeSpan _askTimeout = TimeSpan.FromSeconds(10);
    private TimeSpan _computeTimeout = TimeSpan.FromMinutes(10);
    private int _inlineLimit = 64 * 1024;
    private int _maxRequestBytes = 96 * 1024;
    private TimeSpan _handoffGrace = TimeSpan.FromSeconds(5);
    private TimeSpan _rebalanceInterval = TimeSpan.FromSeconds(10);
    private TimeSpan _downRemovalMargin = TimeSpan.FromSeconds(1);
    private TimeSpan _refreshInterval = TimeSpan.FromSeconds(1);
    private Uri? _httpBaseUrl;
    private ClusterBudgets _budgets = new();
    private string _logLevel = "WARNING";

    /// <summary>
    /// The address to bind and advertise (default <c>127.0.0.1</c>). Use the same spelling everywhere: Akka drops
    /// messages between <c>localhost</c> and <c>127.0.0.1</c> silently, so <c>localhost</c> is refused.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, containing spaces or a colon-port, or <c>localhost</c>.</exception>
    public string Host
    {
        get => _host;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Use 127.0.0.1, not localhost: Akka treats them as different addresses.", nameof(value));
            }
            if (value.Any(char.IsWhiteSpace) || value.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{value}' is not a host name or IP address.", nameof(value));
            }
            _host = value;
        }
    }

    /// <summary>The TCP port for cluster traffic; 0 (the default) picks a free one, see <see cref="ClusterMember.Port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–65535.</exception>
    public int Port
    {
        get => _port;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 65535);
            _port = value;
        }
    }

    /// <summary>
    /// Members to join through, as <c>HOST:PORT</c> (or full <c>akka.tcp://SYSTEM@HOST:PORT</c> addresses). Empty: this
    /// member starts a new cluster on its own. A list that names this member too is fine (the usual static seed list).
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not <c>HOST:PORT</c> with a port in 1–65535.</exception>
    public IReadOnlyList<string> Seeds
    {
        get => _seeds;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (string seed in value)
            {
                _ = ParseSeed(seed, "podcache");
            }
            _seeds = [.. value];
        }
    }

    /// <summary>The actor system's name (default <c>podcache</c>): members with different names never see each other.</summary>
    /// <exception cref="ArgumentException">Not letters, digits, '-' or '_'.</exception>
    public string SystemName
    {
        get => _systemName;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"'{value}' is not a valid actor system name.", nameof(value));
            }
            _systemName = value;
        }
    }

    /// <summary>
    /// How many members must have joined before any becomes Up (default 1): set it to the number of members that start
    /// together, so that shards are spread over all of them from the start. It gates the forming of the cluster only;
    /// a cluster that later shrinks below it keeps working (sharding does not wait for this many members again).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MinimumNumberOfMembers
    {
        get => _minimumMembers;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _minimumMembers = value;
        }
    }

    /// <summary>
    /// Number of shards (default 100, about ten per member for clusters of up to ten). A key's shard is its first 16 bits
    /// modulo this count. Fixed for the cluster's life: members that disagree would place keys differently (an owner
    /// refuses a request whose sender counts otherwise).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–65536.</exception>
    public int ShardCount
    {
        get => _shardCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MessagePackAkkaSerializer.MaxShardCount);
            _shardCount = value;
        }
    }

    /// <summary>
    /// The split-brain resolver's <c>stable-after</c> (keep-majority): how long membership must be stable before
    /// unreachable members are downed. Default 20 s (Akka's production default: failover of a crashed member's keys
    /// then takes about 30 s). The cluster tests use 5 s, which with failure detection (~4.5 s) makes a killed member's
    /// keys answer again after about 14 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Under one second.</exception>
    public TimeSpan StableAfter
    {
        get => _stableAfter;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromSeconds(1));
            _stableAfter = value;
        }
    }

    /// <summary>
    /// How long a requester waits for the key's owner to acknowledge a request (default 10 s; the request is sent again
    /// every 2 s meanwhile, since a shard region drops what it buffered for a shard being handed off). On expiry the call
    /// fails with <see cref="TimeoutException"/>. Set it above failure detection plus <see cref="StableAfter"/> so that
    /// requests made while a crashed member's shards move wait for the new owner.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan AskTimeout
    {
        get => _askTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _askTimeout = value;
        }
    }

    /// <summary>How long a requester waits for the owner's answer once it has acknowledged (default 10 min).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan ComputeTimeout
    {
        get => _computeTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _computeTimeout = value;
        }
    }

    /// <summary>
    /// Values up to this many bytes travel inside the answer (default 64 KiB); bigger ones by reference, fetched through
    /// the side channel. At most 112,000, under Akka's 128,000-byte frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–112,000.</exception>
    public int InlineLimitBytes
    {
        get => _inlineLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPayloadLimit);
            _inlineLimit = value;
        }
    }

    /// <summary>
    /// When a run misses, send each owner of its nodes one message with all the nodes it owns, the owners pushing values
    /// to the members that read them (default true); false asks each node's owner in turn, one round trip per node.
    /// </summary>
    public bool BatchMisses { get; set; } = true;

    /// <summary>The largest request payload (what the owner needs to compute a key) in bytes (default 96 KiB, at most 112,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–112,000.</exception>
    public int MaxRequestBytes
    {
        get => _maxRequestBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPayloadLimit);
            _maxRequestBytes = value;
        }
    }

    /// <summary>
    /// When a shard is handed off (a graceful leave or a rebalance), how long a computation in flight may still run
    /// before it is cancelled and its requesters are told to ask the new owner (default 5 s; keep it under the 10 s
    /// that Akka's coordinated shutdown gives the hand-off).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or over 9 s.</exception>
    public TimeSpan HandoffGrace
    {
        get => _handoffGrace;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromSeconds(9));
            _handoffGrace = value;
        }
    }

    /// <summary>
    /// How often the shard coordinator rebalances shards towards new members (default 10 s), and how often each member
    /// makes sure that every shard has an owner.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 100 ms.</exception>
    public TimeSpan RebalanceInterval
    {
        get => _rebalanceInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(100));
            _rebalanceInterval = value;
        }
    }

    /// <summary>How often the member reads which shards it owns and publishes its usage (default 1 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 50 ms.</exception>
    public TimeSpan RefreshInterval
    {
        get => _refreshInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(50));
            _refreshInterval = value;
        }
    }

    /// <summary>
    /// How long after a downed member is removed its shards (and the shard coordinator, if it ran there) start elsewhere
    /// (default 1 s). Akka's split-brain resolver otherwise waits <see cref="StableAfter"/> once more, to keep persistent
    /// actors of a partition's two sides from running at once. PodCache's key entities keep no state: at worst a key is
    /// computed on both sides of a partition, so the extra wait only lengthens failover.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or above a minute.</exception>
    public TimeSpan DownRemovalMargin
    {
        get => _downRemovalMargin;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMinutes(1));
            _downRemovalMargin = value;
        }
    }

    /// <summary>
    /// This member's HTTP base URL as other members reach it (e.g. <c>http://10.0.0.5:8080/</c>); sent with references
    /// to values too large to travel inline, so requesters can fetch <c>/v1/entries/{key}/data</c>. Null: requesters
    /// must find such values elsewhere (the shared S3 tier).
    /// </summary>
    /// <exception cref="ArgumentException">Not an absolute http or https URL.</exception>
    public Uri? HttpBaseUrl
    {
        get => _httpBaseUrl;
        set
        {
            if (value is not null && (!value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttp && value.Scheme != Uri.UriSchemeHttps)))
            {
                throw new ArgumentException($"'{value}' is not an absolute http or https URL.", nameof(value));
            }
            _httpBaseUrl = value;
        }
    }

    /// <summary>Cluster-wide byte budgets per tier.</summary>
    public ClusterBudgets Budgets
    {
        get => _budgets;
        set => _budgets = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Akka's log level: <c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c> (default) or <c>ERROR</c>.</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public string LogLevel
    {
        get => _logLevel;
        set
        {
            string upper = (value ?? "").ToUpperInvariant();
            if (upper is not ("DEBUG" or "INFO" or "WARNING" or "ERROR" or "OFF"))
            {
                throw new ArgumentException($"'{value}' is not an Akka log level (DEBUG, INFO, WARNING, ERROR, OFF).", nameof(value));
            }
            _logLevel = upper;
        }
    }

    /// <summary>Extra HOCON applied over the generated configuration (tests use it to simulate a crash).</summary>
    internal string? ExtraHocon { get; set; }

    /// <summary>Checks the settings that depend on each other.</summary>
    /// <exception cref="ArgumentException">An inconsistent combination.</exception>
    public void Validate()
    {
        foreach (string seed in _seeds)
        {
            if (!string.Equals(ParseSeed(seed, _systemName).System, _systemName, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Seed '{seed}' names another actor system than '{_systemName}'.");
            }
        }
        if (_handoffGrace >= _computeTimeout)
        {
            throw new ArgumentException("HandoffGrace must be shorter than ComputeTimeout.");
        }
    }

    /// <summary>The Akka address of a seed (<c>HOST:PORT</c> or a full address).</summary>
    internal static Akka.Actor.Address ParseSeed(string seed, string systemName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seed);
        if (seed.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                var address = Akka.Actor.Address.Parse(seed);
                if (address.Host is null || address.Port is not > 0)
                {
                    throw new ArgumentException($"Seed '{seed}' has no host and port.", nameof(seed));
                }
                return address;
            }
            catch (UriFormatException ex)
            {
                throw new ArgumentException($"Seed '{seed}' is not an Akka address.", nameof(seed), ex);
            }
        }
        int colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            throw new ArgumentException($"Seed '{seed}' is not HOST:PORT.", nameof(seed));
        }
        string host = seed[..colon];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Seed '{seed}': use 127.0.0.1, not localhost.", nameof(seed));
        }
        return new Akka.Actor.Address("akka.tcp", systemName, host, port);
    }
}
