using System.Text;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Cache.Tests;

public class TieredCacheTests
{
    private static BinaryValue V(string s) => new("text/plain", Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task GetOrCompute_ConcurrentCallers_ComputeOnce()
    {
        var cache = TieredCache.InMemory(1 << 20);
        int calls = 0;
        var gate = new TaskCompletionSource();
        var key = Key.Hash("k");
        var tasks = Enumerable.Range(0, 16).Select(_ => cache.GetOrComputeAsync(key, async _ =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return V("v");
        })).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, calls);
        Assert.Single(results, r => r.Status == CacheStatus.Computed);
        Assert.All(results, r => Assert.Equal("v", Encoding.UTF8.GetString(r.Value.Bytes.Span)));
    }

    [Fact]
    public async Task GetOrCompute_SecondCall_HitsRam()
    {
        var cache = TieredCache.InMemory(1 << 20);
        var key = Key.Hash("k");
        var first = await cache.GetOrComputeAsync(key, _ => ValueTask.FromResult(V("v")));
        var second = await cache.GetOrComputeAsync<BinaryValue>(key, _ => throw new InvalidOperationException("must not compute"));
        Assert.Equal(CacheStatus.Computed, first.Status);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), second.Status);
    }

    [Fact]
    public async Task GetOrCompute_FactoryThrows_NothingCachedAndNextCallComputes()
    {
        var cache = TieredCache.InMemory(1 << 20);
        var key = Key.Hash("k");
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrComputeAsync<BinaryValue>(key, _ => throw new InvalidOperationException("boom")));
        Assert.Null(await cache.GetAsync(key));
        var ok = await cache.GetOrComputeAsync(key, _ => ValueTask.FromResult(V("v")));
        Assert.Equal(CacheStatus.Computed, ok.Status);
    }

    [Fact]
    public async Task GetOrCompute_Disabled_AlwaysComputes()
    {
        var cache = TieredCache.InMemory(1 << 20);
        var key = Key.Hash("k");
        int calls = 0;
        var opts = new EntryOptions { Enabled = false };
        await cache.GetOrComputeAsync(key, _ => { calls++; return ValueTask.FromResult(V("v")); }, opts);
        await cache.GetOrComputeAsync(key, _ => { calls++; return ValueTask.FromResult(V("v")); }, opts);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Get_HitInLowerTier_PromotesUp()
    {
        var time = new FakeTime();
        var ram = new RamTier(1 << 20, time: time);
        var lower = new RamTier(1 << 20, time: time);
        var cache = new TieredCache([ram, new RenamedTier(lower, "disk")], ["disk"], time: time);
        var key = Key.Hash("k");
        await cache.PutAsync(key, V("v"));
        Assert.Null(await ram.TryGetAsync(key));

        var hit = await cache.GetAsync(key);

        Assert.Equal("disk", hit!.Tier);
        Assert.NotNull(await ram.TryGetAsync(key));
    }

    [Fact]
    public async Task Put_WithExpiry_NotServedAfterExpiry()
    {
        var time = new FakeTime();
        var cache = TieredCache.InMemory(1 << 20, time);
        var key = Key.Hash("k");
        await cache.PutAsync(key, V("v"), new EntryOptions { Expires = PodCache.Cache.Expiry.ExpiryRule.Parse("12,h") });
        time.Advance(TimeSpan.FromHours(11));
        Assert.NotNull(await cache.GetAsync(key));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Null(await cache.GetAsync(key));
    }

    private sealed class RenamedTier(PodCache.Cache.Tiers.ICacheTier inner, string name) : PodCache.Cache.Tiers.ICacheTier
    {
        public string Name => name;
        public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default) => inner.TryGetAsync(key, cancellationToken);
        public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default) => inner.ContainsAsync(key, cancellationToken);
        public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default) => inner.PutAsync(entry, cancellationToken);
        public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
        public PodCache.Cache.Tiers.TierStatistics GetStatistics() => inner.GetStatistics();
    }
}
