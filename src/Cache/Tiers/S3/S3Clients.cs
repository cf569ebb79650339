using Amazon.Runtime;
using Amazon.S3;

namespace PodCache.Cache.Tiers.S3;

/// <summary>Builds the SDK client an <see cref="S3Tier"/> uses from its options.</summary>
internal static class S3Clients
{
    /// <summary>
    /// A client for <paramref name="options"/>. Credentials come from the SDK's default chain (environment variables,
    /// shared profile, container or instance role); PodCache never reads, stores or logs them. Its HTTP attempts run
    /// through a <see cref="StallBreaker"/> reporting to <paramref name="health"/>.
    /// </summary>
    public static AmazonS3Client Create(S3TierOptions options, S3Health health)
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = options.MaxErrorRetry,
            RetryMode = RequestRetryMode.Standard,
            // The breaker times each attempt out at options.Timeout; the SDK's own limit sits above it so the two never
            // race (a lost race would start a retry before the breaker could say "S3 stalled").
            Timeout = options.Timeout * 2,
            ForcePathStyle = options.UsesPathStyle,
            HttpClientFactory = new BreakerHttpClientFactory(options, health),
            // Every entry carries its own end-to-end XxHash3, checked on read before anything is served; the SDK's
            // optional CRC on each transfer would hash every byte a second time for no added safety.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        return new AmazonS3Client(config);
    }

    /// <summary>
    /// One HTTP client per S3 client (the SDK's cache would share one across configurations and thus across health
    /// trackers), over a socket handler whose connect timeout is the attempt timeout capped at 10 s.
    /// </summary>
    private sealed class BreakerHttpClientFactory(S3TierOptions options, S3Health health) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var sockets = new SocketsHttpHandler
            {
                ConnectTimeout = options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10),
                AllowAutoRedirect = clientConfig.AllowAutoRedirect,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
            return new HttpClient(new StallBreaker(sockets, options.Timeout, health))
            {
                // Per-attempt limits are the breaker's; the SDK bounds the whole request above it.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "podcache-s3-" + health.GetHashCode();
    }
}
