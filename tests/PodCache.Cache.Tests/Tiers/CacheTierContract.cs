using System.Text;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The contract every tier passes (RAM, disk, S3): run by one subclass per tier.</summary>
public abstract class CacheTierContract : IDisposable
{
    protected FakeTime Time { get; } = new();

    /// <summary>A fresh, empty tier with a budget of <paramref name="maxBytes"/>.</summary>
    protected abstract ICacheTier CreateTier(long maxBytes);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    protected static BinaryValue Value(string text, int padTo = 0) =>
        new("text/plain", Encoding.UTF8.GetBytes(text.PadRight(padTo, '.')));

    protected CacheEntry Entry(string name, string text, TimeSpan? ttl = null, int padTo = 0, double cost = 0.5) =>
        new(Key.Hash(name), Value(text, padTo), Time.GetUtcNow(), ttl is { } t ? Time.GetUtcNow() + t : null, cost, "{\"by\":\"test\"}");

    private static string Text(CacheEntry? e) => Encoding.UTF8.GetString(((BinaryValue)e!.Value).Bytes.Span).TrimEnd('.');

    [Fact]
    public async Task TryGet_AfterPut_ReturnsValueAndMetadata()
    {
        var tier = CreateTier(1 << 20);
        var e = Entry("a", "alpha", cost: 2.5);
        await tier.PutAsync(e);

        var got = await tier.TryGetAsync(e.Key);

        Assert.NotNull(got);
        Assert.Equal("alpha", Text(got));
        Assert.Equal(e.Key, got!.Key);
        Assert.Equal(2.5, got.ComputeSeconds);
        Assert.Equal(e.Created.ToUnixTimeMilliseconds(), got.Created.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task TryGet_Absent_ReturnsNullAndCountsMiss()
    {
        var tier = CreateTier(1 << 20);
        Assert.Null(await tier.TryGetAsync(Key.Hash("nope")));
        Assert.False(await tier.ContainsAsync(Key.Hash("nope")));
        Assert.Equal(1, tier.GetStatistics().Misses);
    }

    [Fact]
    public async Task Put_SameKey_ReplacesValue()
    {
        var tier = CreateTier(1 << 20);
        await tier.PutAsync(Entry("a", "one"));
        await tier.PutAsync(Entry("a", "two"));
        Assert.Equal("two", Text(await tier.TryGetAsync(Key.Hash("a"))));
        Assert.Equal(1, tier.GetStatistics().Entries);
    }

    [Fact]
    public async Task Delete_RemovesEntry()
    {
        var tier = CreateTier(1 << 20);
        await tier.PutAsync(Entry("a", "alpha"));
        Assert.True(await tier.DeleteAsync(Key.Hash("a")));
        Assert.Null(await tier.TryGetAsync(Key.Hash("a")));
        Assert.False(await tier.DeleteAsync(Key.Hash("a")));
    }

    [Fact]
    public async Task TryGet_Expired_NeverServedAndReclaimed()
    {
        var tier = CreateTier(1 << 20);
        await tier.PutAsync(Entry("a", "alpha", ttl: TimeSpan.FromHours(6)));
        Time.Advance(TimeSpan.FromHours(5.9));
        Assert.True(await tier.ContainsAsync(Key.Hash("a")));
        Assert.NotNull(await tier.TryGetAsync(Key.Hash("a")));

        Time.Advance(TimeSpan.FromHours(0.2));

        Assert.False(await tier.ContainsAsync(Key.Hash("a")));
        Assert.Null(await tier.TryGetAsync(Key.Hash("a")));
        Assert.Equal(0, tier.GetStatistics().Entries);
    }

    [Fact]
    public async Task Put_OverBudget_EvictsSoBudgetHolds()
    {
        const int size = 10_000;
        var tier = CreateTier(5 * size);
        for (int i = 0; i < 20; i++)
        {
            await tier.PutAsync(Entry("k" + i, "v" + i, padTo: size));
            Assert.True(tier.GetStatistics().Bytes <= 5 * size + size, $"after {i}: {tier.GetStatistics().Bytes} bytes");
        }
        var stats = tier.GetStatistics();
        Assert.InRange(stats.Entries, 1, 5);
        Assert.True(stats.Evictions >= 15);
        Assert.Equal("v19", Text(await tier.TryGetAsync(Key.Hash("k19"))));
    }

    [Fact]
    public async Task Put_LargerThanBudget_NotAdmitted()
    {
        var tier = CreateTier(1000);
        await tier.PutAsync(Entry("big", "x", padTo: 5000));
        Assert.Null(await tier.TryGetAsync(Key.Hash("big")));
    }

    [Fact]
    public async Task Statistics_CountHits()
    {
        var tier = CreateTier(1 << 20);
        await tier.PutAsync(Entry("a", "alpha"));
        await tier.TryGetAsync(Key.Hash("a"));
        await tier.TryGetAsync(Key.Hash("a"));
        Assert.Equal(2, tier.GetStatistics().Hits);
    }
}
