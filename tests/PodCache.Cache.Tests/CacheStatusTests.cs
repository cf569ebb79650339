namespace PodCache.Cache.Tests;

public sealed class CacheStatusTests
{
    public static TheoryData<string> Texts => ["computed", "pruned", "hit:ram", "hit:disk", "hit:s3", "hit:remote", "hit:other"];

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryParse_ManifestText_RoundTripsThroughToString(string text)
    {
        Assert.True(CacheStatus.TryParse(text, out var status));
        Assert.Equal(text, status.ToString());
    }

    [Fact]
    public void Hit_NamesItsTier_AndEqualsAParsedHit()
    {
        var status = CacheStatus.Hit(TierNames.Disk);
        Assert.Equal(CacheStatusKind.Hit, status.Kind);
        Assert.True(status.IsHit);
        Assert.Equal(TierNames.Disk, status.Tier);
        Assert.True(CacheStatus.TryParse("hit:disk", out var parsed));
        Assert.Equal(status, parsed);
        Assert.NotEqual(CacheStatus.Hit(TierNames.Ram), status);
    }

    [Fact]
    public void ComputedAndPruned_HaveNoTier()
    {
        Assert.Null(CacheStatus.Computed.Tier);
        Assert.Null(CacheStatus.Pruned.Tier);
        Assert.False(CacheStatus.Computed.IsHit);
        Assert.NotEqual(CacheStatus.Computed, CacheStatus.Pruned);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hit:")]
    [InlineData("Computed")]
    [InlineData("miss")]
    public void TryParse_NotAStatus_ReturnsFalse(string? text) => Assert.False(CacheStatus.TryParse(text, out _));
}
