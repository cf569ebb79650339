using PodCache.Cache.Configuration;

namespace PodCache.Cache.Tests.Configuration;

public class CacheConfigTests
{
    [Theory]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("10GB", 10_000_000_000L)]
    [InlineData("1.5 GiB", 3L << 29)]
    [InlineData("4096", 4096L)]
    [InlineData("1KiB", 1024L)]
    public void ByteSize_Parses(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var b, out _));
        Assert.Equal(bytes, b);
    }

    [Fact]
    public void Parse_IssueExample_ReadsEverything()
    {
        var c = CacheConfig.Parse("""
            {"cache": {"policy": "cost-aware", "defaultTiers": ["ram","disk"], "machineRamMaxBytes": "4GiB",
              "tiers": {"ram": {"maxBytes": "1GiB"}, "disk": {"path": ".podcache", "maxBytes": "10GiB"}}}}
            """);
        Assert.Equal(4L << 30, c.MachineRamMaxBytes);
        Assert.Equal(1L << 30, c.RamMaxBytes);
        Assert.Equal(10L << 30, c.DiskMaxBytes);
        Assert.True(c.DiskEnabled);
        Assert.Equal(".podcache", c.DiskPath);
    }

    [Fact]
    public void Parse_Problems_AllListedWithPaths()
    {
        var ex = Assert.Throws<ConfigurationException>(() => CacheConfig.Parse("""
            {"cache": {"policy": "fifo", "tiers": {"ram": {"maxBytes": "lots"}, "tape": {}}, "bogus": 1}}
            """, "my.json"));
        Assert.Contains("my.json", ex.Message);
        Assert.Contains("cache.policy", ex.Message);
        Assert.Contains("cache.tiers.ram.maxBytes", ex.Message);
        Assert.Contains("cache.tiers.tape", ex.Message);
        Assert.Contains("cache.bogus", ex.Message);
    }

    [Fact]
    public void Parse_MalformedJson_Throws()
    {
        Assert.Throws<ConfigurationException>(() => CacheConfig.Parse("{\"cache\": "));
    }

    [Fact]
    public void Parse_LimitsSection_KeptRawForTheRuntime()
    {
        var c = CacheConfig.Parse("""{"limits": {"maxNodes": 5, "maxDocumentBytes": "1MiB"}}""");
        Assert.Equal(5, c.Limits!["maxNodes"]!.GetValue<int>());
        Assert.Equal("1MiB", c.Limits["maxDocumentBytes"]!.GetValue<string>());
        Assert.Null(CacheConfig.Parse("{}").Limits);
    }

    [Fact]
    public void Parse_LimitsNotAnObject_ProblemNamed()
    {
        var ex = Assert.Throws<ConfigurationException>(() => CacheConfig.Parse("""{"limits": 3}""", "c.json"));
        Assert.Contains("limits: must be an object", ex.Message);
        Assert.Contains("c.json", ex.Message);
    }
}
