using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;
using PodCache.Cache.Tiers.S3;

namespace PodCache.Cache.Tests.Configuration;

public class S3TierOptionsTests
{
    [Fact]
    public void FromJson_IssueExample_ReadsEverythingWithDefaults()
    {
        var o = S3TierOptions.FromJson(JsonNode.Parse("""
            {"bucket": "my-cache", "prefix": "podcache/", "serviceUrl": null, "region": "us-east-1", "maxBytes": "100GiB"}
            """)!.AsObject());
        Assert.Equal("my-cache", o.Bucket);
        Assert.Equal("podcache/", o.Prefix);
        Assert.Null(o.ServiceUrl);
        Assert.False(o.UsesPathStyle);
        Assert.Equal(100L << 30, o.MaxBytes);
        Assert.Equal(8 << 20, o.PartSize);
        Assert.Equal(TimeSpan.FromSeconds(30), o.LeaseTtl);
    }

    [Fact]
    public void FromJson_Tuning_ReadsSecondsAndIsoDurations()
    {
        var o = S3TierOptions.FromJson(JsonNode.Parse("""
            {"bucket": "b-1", "prefix": "x", "serviceUrl": "http://127.0.0.1:9000", "partSize": "16MiB", "maxErrorRetry": 0,
             "timeout": 2.5, "retryAfter": "PT1M", "leaseTtl": "PT10S", "leasePollMax": 0.05, "maxConcurrentParts": 2}
            """)!.AsObject());
        Assert.Equal("x/", o.Prefix);
        Assert.True(o.UsesPathStyle);
        Assert.Equal(16 << 20, o.PartSize);
        Assert.Equal(0, o.MaxErrorRetry);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), o.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(10), o.LeaseTtl);
        Assert.Equal(TimeSpan.FromMilliseconds(50), o.LeasePollMax);
        Assert.Equal(2, o.MaxConcurrentParts);
    }

    [Fact]
    public void FromJson_Problems_AllListedWithTheirPaths()
    {
        var ex = Assert.Throws<ConfigurationException>(() => S3TierOptions.FromJson(JsonNode.Parse("""
            {"bucket": "No_Such", "serviceUrl": "ftp://x", "maxBytes": "lots", "partSize": "1MiB", "timeout": "soon",
             "accessKey": "AKIA...", "maxErrorRetry": 99}
            """)!.AsObject()));
        foreach (var p in new[] { "bucket", "serviceUrl", "maxBytes", "partSize", "timeout", "accessKey", "maxErrorRetry" })
        {
            Assert.Contains("cache.tiers.s3." + p, ex.Message);
        }
        Assert.Contains("default chain", ex.Message);
        Assert.DoesNotContain("AKIA", ex.Message);
    }

    [Fact]
    public void FromJson_NoBucket_Required()
    {
        var ex = Assert.Throws<ConfigurationException>(() => S3TierOptions.FromJson(new JsonObject()));
        Assert.Contains("cache.tiers.s3.bucket: required", ex.Message);
    }

    [Fact]
    public void CacheConfig_InvalidS3Tier_FailsAtParseWithPath()
    {
        var ex = Assert.Throws<ConfigurationException>(() => CacheConfig.Parse("""
            {"cache": {"tiers": {"ram": {}, "s3": {"prefix": "p/"}}}}
            """, "my.json"));
        Assert.Contains("my.json", ex.Message);
        Assert.Contains("cache.tiers.s3.bucket", ex.Message);
    }

    [Fact]
    public void CacheConfig_S3TierWithoutDefaultTiers_WritesToEveryConfiguredTier()
    {
        var c = CacheConfig.Parse("""
            {"cache": {"tiers": {"ram": {}, "disk": {"path": "d"}, "s3": {"bucket": "my-cache"}}}}
            """);
        Assert.Equal(["ram", "disk", "s3"], c.DefaultTiers);
        Assert.NotNull(c.S3);
    }
}
