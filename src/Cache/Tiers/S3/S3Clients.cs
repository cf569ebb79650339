using Amazon.Runtime;
using Amazon.S3;

namespace PodCache.Cache.Tiers.S3;

/// <summary>Builds the SDK client an <see cref="S3Tier"/> uses from its options.</summary>
internal static class S3Clients
{
    /// <summary>
    /// A client for <paramref name="options"/>. Credentials come from the SDK's default chain (environment variables,
    /// shared profile, container or instance role); PodCache never reads, stores or logs them.
    /// </summary>
    public static AmazonS3Client Create(S3TierOptions options)
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = options.MaxErrorRetry,
            RetryMode = RequestRetryMode.Standard,
            Timeout = options.Timeout,
            ConnectTimeout = options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10),
            ForcePathStyle = options.UsesPathStyle,
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
}
