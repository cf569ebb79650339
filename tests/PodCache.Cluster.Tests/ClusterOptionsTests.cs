using PodCache.Cluster;

namespace PodCache.Cluster.Tests;

public sealed class ClusterOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var o = new ClusterOptions();

        Assert.Equal("127.0.0.1", o.Host);
        Assert.Equal(0, o.Port);
        Assert.Empty(o.Seeds);
        Assert.Equal(100, o.ShardCount);
        Assert.Equal(1, o.MinimumNumberOfMembers);
        Assert.Equal(TimeSpan.FromSeconds(20), o.StableAfter);
        Assert.Equal(64 * 1024, o.InlineLimitBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), o.AskTimeout);
        Assert.Null(o.Budgets.RamBytes);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("")]
    [InlineData("a b")]
    public void Host_Invalid_Throws(string host) =>
        Assert.ThrowsAny<ArgumentException>(() => new ClusterOptions { Host = host });

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("localhost:4053")]
    [InlineData(":4053")]
    public void Seeds_Invalid_Throw(string seed) =>
        Assert.ThrowsAny<ArgumentException>(() => new ClusterOptions { Seeds = [seed] });

    [Fact]
    public void Seeds_HostPortAndFullAddress_AreAccepted()
    {
        var o = new ClusterOptions { Seeds = ["10.0.0.5:4053", "akka.tcp://podcache@10.0.0.6:4053"] };

        o.Validate();
        Assert.Equal("akka.tcp://podcache@10.0.0.5:4053", ClusterOptions.ParseSeed(o.Seeds[0], o.SystemName).ToString());
    }

    [Fact]
    public void Validate_SeedOfAnotherSystem_Throws()
    {
        var o = new ClusterOptions { Seeds = ["akka.tcp://other@10.0.0.6:4053"] };

        Assert.Throws<ArgumentException>(o.Validate);
    }

    [Fact]
    public void Limits_OverTheFrameBudget_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterOptions { InlineLimitBytes = 120_000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterOptions { MaxRequestBytes = 120_000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterOptions { ShardCount = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterOptions { StableAfter = TimeSpan.FromMilliseconds(10) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterBudgets { RamBytes = -1 });
        Assert.Throws<ArgumentException>(() => new ClusterOptions { HttpBaseUrl = new Uri("ftp://x/") });
    }

    [Fact]
    public void Hocon_SetsTheClusterSettingsTheIssueAsksFor()
    {
        var o = new ClusterOptions { Port = 4053, MinimumNumberOfMembers = 3, StableAfter = TimeSpan.FromSeconds(5) };
        var config = Akka.Configuration.ConfigurationFactory.ParseString(ClusterHocon.Build(o, loggerFactory: false));

        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.False(config.GetBoolean("akka.cluster.sharding.remember-entities"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Contains("SplitBrainResolverProvider", config.GetString("akka.cluster.downing-provider-class"), StringComparison.Ordinal);
        Assert.Equal(3, config.GetInt("akka.cluster.min-nr-of-members"));
        Assert.Equal("off", config.GetString("akka.actor.serialization-settings.allow-unregistered-types"));
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(128_000, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(96 * 1024, config.GetInt("podcache.cluster.max-payload-bytes"));
        Assert.Equal(ClusterHocon.ShardingRole, config.GetString("akka.cluster.sharding.role"));
    }
}
