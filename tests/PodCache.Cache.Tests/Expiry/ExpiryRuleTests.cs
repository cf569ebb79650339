using PodCache.Cache.Expiry;

namespace PodCache.Cache.Tests.Expiry;

public class ExpiryRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("PT6H", 6 * 3600)]
    [InlineData("P1DT12H", 36 * 3600)]
    [InlineData("PT1.5S", 1.5)]
    [InlineData("P2W", 14 * 86400)]
    [InlineData("12,h", 12 * 3600)]
    [InlineData("1,D", 86400)]
    [InlineData("30,m", 1800)]
    [InlineData("45,s", 45)]
    [InlineData("1,W", 7 * 86400)]
    public void ExpiresAt_Durations_AddToCreation(string text, double seconds)
    {
        Assert.Equal(T0.AddSeconds(seconds), ExpiryRule.Parse(text).ExpiresAt(T0));
    }

    [Fact]
    public void ExpiresAt_Months_AreCalendarMonths()
    {
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), ExpiryRule.Parse("P1M").ExpiresAt(T0));
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 12, 0, 0, TimeSpan.Zero), ExpiryRule.Parse("1,Y").ExpiresAt(T0));
    }

    [Fact]
    public void ExpiresAt_AbsoluteDatetime_IgnoresCreation()
    {
        var rule = ExpiryRule.Parse("2026-03-01T00:00:00Z");
        Assert.True(rule.IsAbsolute);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), rule.ExpiresAt(T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("6 hours")]
    [InlineData("0,h")]
    [InlineData("-1,h")]
    [InlineData("12,x")]
    [InlineData("PT0S")]
    [InlineData("P1.5M")]
    public void TryParse_Invalid_ReportsWhy(string text)
    {
        Assert.False(ExpiryRule.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("P99999999Y")]
    [InlineData("P1001Y")]
    [InlineData("1001,Y")]
    [InlineData("12013,M")]
    [InlineData("400000,D")]
    [InlineData("P99999999999999999999Y")]
    public void TryParse_LongerThan1000Years_RejectedWithAMessage(string text)
    {
        Assert.False(ExpiryRule.TryParse(text, out var rule, out var error));
        Assert.Null(rule);
        Assert.Equal($"expiry '{text}' is too long; at most {ExpiryRule.MaxYears} years", error);
    }

    [Fact]
    public void ExpiresAt_1000YearsFromLateCreation_SaturatesToNever()
    {
        Assert.True(ExpiryRule.TryParse("P1000Y", out var rule, out _));
        Assert.Equal(T0.AddYears(1000), rule!.ExpiresAt(T0));
        var late = new DateTimeOffset(9500, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(DateTimeOffset.MaxValue, rule.ExpiresAt(late));
    }
}
