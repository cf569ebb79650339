using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodCache.Cache.Configuration;

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// Settings of an <see cref="S3Tier"/>, the <c>cache.tiers.s3</c> object of <c>podcache.json</c>:
/// <c>{"bucket": "...", "prefix": "podcache/", "serviceUrl": null, "region": "us-east-1", "maxBytes": "100GiB"}</c>
/// plus optional tuning keys. Validated when set. Credentials are never part of the settings: they come from the
/// AWS SDK's default chain (environment, profile, container or instance role).
/// </summary>
public sealed partial class S3TierOptions
{
    /// <summary>The JSON path the settings live under, used in error messages.</summary>
    public const string JsonPath = "cache.tiers.s3";

    private const string Keys = "bucket, prefix, serviceUrl, region, maxBytes, forcePathStyle, partSize, maxConcurrentParts, "
        + "maxErrorRetry, timeout, retryAfter, leaseTtl, leaseMaxWait, leasePollMax, reconcileInterval";

    private string _bucket = "podcache";
    private string _prefix = "podcache/";
    private string? _serviceUrl;
    private string _region = "us-east-1";
    private long _maxBytes = 100L << 30;
    private int _partSize = 8 << 20;
    private int _maxConcurrentParts = 4;
    private int _maxErrorRetry = 2;
    private TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private TimeSpan _retryAfter = TimeSpan.FromSeconds(30);
    private TimeSpan _leaseTtl = TimeSpan.FromSeconds(30);
    private TimeSpan? _leaseMaxWait;
    private TimeSpan _leasePollMax = TimeSpan.FromSeconds(1);
    private TimeSpan _reconcileInterval = TimeSpan.FromMinutes(15);

    /// <summary>The bucket (3–63 characters: lowercase letters, digits, dots and hyphens).</summary>
    /// <exception cref="ArgumentException">Not a valid bucket name.</exception>
    public string Bucket
    {
        get => _bucket;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!BucketPattern().IsMatch(value))
            {
                throw new ArgumentException($"'{value}' is not a bucket name (3-63 lowercase letters, digits, '.' or '-')", nameof(value));
            }
            _bucket = value;
        }
    }

    /// <summary>Key prefix of every object (default <c>podcache/</c>); a trailing <c>/</c> is added when missing, empty means the bucket root.</summary>
    /// <exception cref="ArgumentException">Starts with <c>/</c> or holds control characters.</exception>
    public string Prefix
    {
        get => _prefix;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.StartsWith('/') || value.Any(char.IsControl))
            {
                throw new ArgumentException("the prefix must not start with '/' or contain control characters", nameof(value));
            }
            _prefix = value.Length == 0 || value.EndsWith('/') ? value : value + "/";
        }
    }

    /// <summary>An S3-compatible endpoint (<c>http://127.0.0.1:9000</c>); null for AWS in <see cref="Region"/>.</summary>
    /// <exception cref="ArgumentException">Not an absolute http or https URL.</exception>
    public string? ServiceUrl
    {
        get => _serviceUrl;
        set
        {
            if (value is not null && !(Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            {
                throw new ArgumentException($"'{value}' is not an absolute http or https URL", nameof(value));
            }
            _serviceUrl = value;
        }
    }

    /// <summary>The region (default <c>us-east-1</c>); also the signing region of a custom endpoint.</summary>
    /// <exception cref="ArgumentException">Empty.</exception>
    public string Region
    {
        get => _region;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _region = value;
        }
    }

    /// <summary>The byte budget of the bucket prefix (default 100 GiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long MaxBytes
    {
        get => _maxBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxBytes = value;
        }
    }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>); null means "yes when <see cref="ServiceUrl"/> is set".</summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>
    /// Bytes per multipart part (default 8 MiB, at least 5 MiB, at most 1 GiB). Entries up to one part are written
    /// with a single PutObject; larger ones are streamed as multipart uploads.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Out of range.</exception>
    public int PartSize
    {
        get => _partSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 5 << 20);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1 << 30);
            _partSize = value;
        }
    }

    /// <summary>Parts uploaded at once per entry (default 4; the memory an upload holds is about this many parts).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–64.</exception>
    public int MaxConcurrentParts
    {
        get => _maxConcurrentParts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            _maxConcurrentParts = value;
        }
    }

    /// <summary>SDK retries per request after the first attempt (default 2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–10.</exception>
    public int MaxErrorRetry
    {
        get => _maxErrorRetry;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10);
            _maxErrorRetry = value;
        }
    }

    /// <summary>
    /// Time limit of one request attempt, and the longest a download may stall without receiving a byte
    /// (default 30 s). An attempt that gets no answer in that time marks S3 down: the SDK's retries of it fail at once,
    /// so a stalled endpoint costs one timeout, not one per attempt.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 100 ms or over 1 hour.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = InRange(value, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
    }

    /// <summary>
    /// After a failure (unreachable, timed out, server error), S3 is skipped for this long (default 30 s);
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> skips it for the rest of the process, as a short-lived
    /// CLI command does (<see cref="CacheStack.Create"/> with <c>shortLived</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or over 1 hour, and not infinite.</exception>
    public TimeSpan RetryAfter
    {
        get => _retryAfter;
        set => _retryAfter = value == System.Threading.Timeout.InfiniteTimeSpan ? value : InRange(value, TimeSpan.Zero, TimeSpan.FromHours(1));
    }

    /// <summary>Lifetime of a single-flight lease object without renewal (default 30 s; renewed every third of it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 1 s or over 1 hour.</exception>
    public TimeSpan LeaseTtl
    {
        get => _leaseTtl;
        set => _leaseTtl = InRange(value, TimeSpan.FromSeconds(1), MaxLeaseTtl);
    }

    /// <summary>The longest <see cref="LeaseTtl"/> any worker may configure; a lease whose expiry lies further ahead is not believed.</summary>
    public static TimeSpan MaxLeaseTtl { get; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest a worker waits for a computation leased by another worker that keeps renewing its lease (default
    /// four lease lifetimes); after it, the waiter computes without the lease, so a holder stuck while alive, or a lease
    /// object that claims a far expiry, costs at most a duplicate computation, never a stalled worker.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 1 s or over 1 day.</exception>
    public TimeSpan LeaseMaxWait
    {
        get => _leaseMaxWait ?? _leaseTtl * 4;
        set => _leaseMaxWait = InRange(value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    /// <summary>Longest pause between two polls of a waiter for another worker's computation (default 1 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Under 10 ms or over 1 minute.</exception>
    public TimeSpan LeasePollMax
    {
        get => _leasePollMax;
        set => _leasePollMax = InRange(value, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// How often a running process re-lists the prefix in the background to account other workers' objects and keep
    /// the budget (default 15 minutes; zero turns it off, leaving it to <c>podcache cache stats</c> and <c>gc</c>). The
    /// first one comes an interval after the tier opens, so short-lived workers never pay for a listing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or over 1 day.</exception>
    public TimeSpan ReconcileInterval
    {
        get => _reconcileInterval;
        set => _reconcileInterval = InRange(value, TimeSpan.Zero, TimeSpan.FromDays(1));
    }

    /// <summary>True when path-style addressing is used.</summary>
    public bool UsesPathStyle => ForcePathStyle ?? ServiceUrl is not null;

    /// <summary>Where the bucket is, for messages: the endpoint (or region) and bucket.</summary>
    public string Describe() => $"s3://{Bucket}/{Prefix} at {ServiceUrl ?? "AWS " + Region}";

    private static TimeSpan InRange(TimeSpan value, TimeSpan min, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, min);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, max);
        return value;
    }

    /// <summary>Reads the <c>cache.tiers.s3</c> object.</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with its path (<c>cache.tiers.s3.bucket</c>...).</exception>
    public static S3TierOptions FromJson(JsonObject json)
    {
        var errors = new List<string>();
        var options = Read(json, errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException($"{errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }
        return options;
    }

    /// <summary>Reads the <c>cache.tiers.s3</c> object, adding each problem (with its path) to <paramref name="errors"/>.</summary>
    public static S3TierOptions Read(JsonObject json, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(errors);
        var o = new S3TierOptions();
        if (!json.ContainsKey("bucket"))
        {
            errors.Add($"{JsonPath}.bucket: required (the bucket that holds the shared cache)");
        }
        foreach (var kv in json)
        {
            string p = $"{JsonPath}.{kv.Key}";
            try
            {
                switch (kv.Key)
                {
                    case "bucket": o.Bucket = String(kv.Value) ?? throw new FormatException("must be a bucket name"); break;
                    case "prefix": o.Prefix = String(kv.Value) ?? ""; break;
                    case "serviceUrl": o.ServiceUrl = String(kv.Value); break;
                    case "region": o.Region = String(kv.Value) ?? throw new FormatException("must be a region name such as us-east-1"); break;
                    case "maxBytes": o.MaxBytes = Size(kv.Value); break;
                    case "forcePathStyle": o.ForcePathStyle = kv.Value is null ? null : Bool(kv.Value); break;
                    case "partSize":
                        long part = Size(kv.Value);
                        o.PartSize = part > int.MaxValue ? throw new FormatException("must be at most 1GiB") : (int)part;
                        break;
                    case "maxConcurrentParts": o.MaxConcurrentParts = Int(kv.Value); break;
                    case "maxErrorRetry": o.MaxErrorRetry = Int(kv.Value); break;
                    case "timeout": o.Timeout = Duration(kv.Value); break;
                    case "retryAfter": o.RetryAfter = Duration(kv.Value); break;
                    case "leaseTtl": o.LeaseTtl = Duration(kv.Value); break;
                    case "leaseMaxWait": o.LeaseMaxWait = Duration(kv.Value); break;
                    case "leasePollMax": o.LeasePollMax = Duration(kv.Value); break;
                    case "reconcileInterval": o.ReconcileInterval = Duration(kv.Value); break;
                    default:
                        errors.Add($"{p}: unknown key; the s3 tier has {Keys} (credentials come from the AWS SDK's default chain, never from this file)");
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                errors.Add($"{p}: {Reason(ex)}");
            }
        }
        return o;
    }

    private static string Reason(Exception ex) => ex switch
    {
        ArgumentOutOfRangeException a => $"out of range ({a.ActualValue})",
        ArgumentException a => a.Message.Split(" (Parameter", 2)[0],
        _ => ex.Message,
    };

    private static string? String(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new FormatException("must be a string");
    }

    private static bool Bool(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new FormatException("must be true or false");

    private static int Int(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<int>(out var i) ? i : throw new FormatException("must be an integer");

    private static long Size(JsonNode? node)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l) && l >= 0) return l;
            if (v.TryGetValue<string>(out var s))
            {
                return ByteSize.TryParse(s, out var b, out var why) ? b : throw new FormatException(why);
            }
        }
        throw new FormatException("must be a byte count or a size string such as \"100GiB\"");
    }

    /// <summary>Seconds as a number, or an ISO-8601 duration such as <c>PT30S</c>.</summary>
    private static TimeSpan Duration(JsonNode? node) =>
        Configuration.Duration.TryParse(node, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Formats seconds for messages.</summary>
    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketPattern();
}
