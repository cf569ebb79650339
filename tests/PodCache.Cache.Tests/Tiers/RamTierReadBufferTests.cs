using System.Collections.Concurrent;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Tiers.Ram;
using Xunit.Abstractions;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The RAM tier's recorded reads (its lossy read buffer) as the eviction policy and the statistics see them.</summary>
public sealed class RamTierReadBufferTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class Sized(long n) : ICacheValue
    {
        public long SizeBytes { get; } = n;
    }

    private static CacheEntry Entry(string name, long size) => Entry(Key.Hash(name), size);

    private static CacheEntry Entry(Key key, long size) => new(key, new Sized(size), Now, null, 0.5);

    /// <summary>Delegates to a real policy, records reads, and fails if two threads ever call it at once.</summary>
    private sealed class RecordingPolicy(IEvictionPolicy inner) : IEvictionPolicy
    {
        private int _inside;

        public List<Key> Accesses { get; } = [];

        public int Overlaps { get; private set; }

        public string Name => inner.Name;

        public int Count => inner.Count;

        private void Enter()
        {
            if (Interlocked.Exchange(ref _inside, 1) != 0)
            {
                Overlaps++;
            }
        }

        private void Exit() => Volatile.Write(ref _inside, 0);

        public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
        {
            Enter();
            inner.OnInsert(key, sizeBytes, costSeconds, now);
            Exit();
        }

        public void OnAccess(Key key, DateTimeOffset now)
        {
            Enter();
            Accesses.Add(key);
            inner.OnAccess(key, now);
            Exit();
        }

        public void OnRemove(Key key)
        {
            Enter();
            inner.OnRemove(key);
            Exit();
        }

        public bool TryPeekVictim(out Key key)
        {
            Enter();
            var r = inner.TryPeekVictim(out key);
            Exit();
            return r;
        }
    }

    [Fact]
    public async Task TryGet_ManyHitsOnOneThread_EveryReadReachesThePolicyInOrder()
    {
        var policy = new RecordingPolicy(new LruPolicy());
        var tier = new RamTier(1 << 20, policy);
        var keys = Enumerable.Range(0, 10).Select(i => Key.Hash("k" + i)).ToArray();
        foreach (var k in keys)
        {
            await tier.PutAsync(Entry(k, 100));
        }
        // Far more reads than one stripe holds, so the buffer fills and is drained by the readers themselves.
        var expected = Enumerable.Range(0, 1000).Select(i => keys[(i * 7) % keys.Length]).ToList();
        foreach (var k in expected)
        {
            Assert.True(tier.TryGet(k, out _));
        }
        Assert.Equal(0, tier.TrimToLimit()); // drains the rest
        Assert.Equal(expected, policy.Accesses);
        var stats = tier.GetStatistics();
        Assert.Equal(1000, stats.Hits);
        Assert.Equal(0, stats.Misses);
    }

    [Fact]
    public async Task Put_AfterManyHits_EvictsTheLeastRecentlyReadNotTheOldest()
    {
        var tier = new RamTier(35_000, new LruPolicy());
        var evicted = new List<Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        await tier.PutAsync(Entry("a", 10_000));
        await tier.PutAsync(Entry("b", 10_000));
        await tier.PutAsync(Entry("c", 10_000));
        for (int i = 0; i < 300; i++)
        {
            Assert.True(tier.TryGet(Key.Hash("a"), out _));
        }
        Assert.True(tier.TryGet(Key.Hash("b"), out _));
        await tier.PutAsync(Entry("d", 10_000));
        Assert.Equal([Key.Hash("c")], evicted);
    }

    [Fact]
    public async Task Drain_ReadsOfADeletedEntry_AreNotReplayedOntoItsSuccessor()
    {
        var policy = new RecordingPolicy(new LruPolicy());
        var tier = new RamTier(1 << 20, policy);
        await tier.PutAsync(Entry("a", 100));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(tier.TryGet(Key.Hash("a"), out _));
        }
        Assert.True(await tier.DeleteAsync(Key.Hash("a")));
        await tier.PutAsync(Entry("a", 100)); // drains the five buffered reads of the deleted slot
        Assert.Empty(policy.Accesses);
        Assert.True(tier.TryGet(Key.Hash("a"), out _));
        tier.TrimToLimit();
        Assert.Equal([Key.Hash("a")], policy.Accesses);
    }

    [Fact]
    public async Task Get_MissesAndHits_CountedExactly()
    {
        var tier = new RamTier(1 << 20);
        await tier.PutAsync(Entry("a", 100));
        for (int i = 0; i < 700; i++)
        {
            Assert.True(tier.TryGet(Key.Hash("a"), out _));
        }
        for (int i = 0; i < 5; i++)
        {
            Assert.False(tier.TryGet(Key.Hash("missing"), out _));
        }
        var stats = tier.GetStatistics();
        Assert.Equal(700, stats.Hits);
        Assert.Equal(5, stats.Misses);
    }

    // Wrapped, the policy is called by key and checked for overlapping calls; unwrapped, reads are replayed through
    // the policy's handles (IAccessHandles), whose misuse after a removal the policies' debug asserts would catch.
    [Theory]
    [InlineData("lru", true)]
    [InlineData("lru", false)]
    [InlineData("cost-aware", true)]
    [InlineData("cost-aware", false)]
    [InlineData("cachey", false)]
    public void ConcurrentHitsPutsAndEvictions_KeepBytesExactAndLoseNoEntry(string policyName, bool wrap)
    {
        const int Threads = 4, KeysPerThread = 200, OpsPerThread = 30_000;
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var inner = EvictionPolicies.Create(policyName);
        var recording = wrap ? new RecordingPolicy(inner) : null;
        var tier = new RamTier(60_000, (IEvictionPolicy?)recording ?? inner);
        var evicted = new ConcurrentDictionary<CacheEntry, byte>(ReferenceEqualityComparer.Instance);
        tier.Evicted += e => Assert.True(evicted.TryAdd(e, 0)); // an entry is evicted at most once
        var lastPut = new ConcurrentDictionary<Key, CacheEntry>();
        var hits = new long[Threads];
        var puts = new long[Threads];
        var wrongKey = 0;
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var rng = new Random(seed + t);
            for (int i = 0; i < OpsPerThread; i++)
            {
                // Each thread owns its keys, so the last entry put under a key is well defined.
                var key = Key.Hash($"t{t}-{rng.Next(KeysPerThread)}");
                if (rng.Next(4) == 0)
                {
                    var e = Entry(key, rng.Next(100, 3000));
                    lastPut[key] = e;
                    puts[t]++;
                    tier.PutAsync(e).AsTask().GetAwaiter().GetResult();
                }
                else if (tier.TryGet(key, out var got))
                {
                    hits[t]++;
                    if (got.Key != key)
                    {
                        Interlocked.Increment(ref wrongKey);
                    }
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var stats = tier.GetStatistics();
        Assert.Equal(hits.Sum(), stats.Hits);
        Assert.Equal(Threads * OpsPerThread, stats.Hits + stats.Misses + puts.Sum());
        Assert.Equal(0, wrongKey);
        Assert.Equal(0, recording?.Overlaps ?? 0);
        Assert.InRange(tier.Bytes, 0, tier.MaxBytes);
        Assert.True(stats.Evictions > 0, "the test should evict");
        Assert.Equal(stats.Evictions, evicted.Count);

        long presentBytes = 0;
        int present = 0;
        foreach (var (key, last) in lastPut)
        {
            if (tier.TryGet(key, out var e))
            {
                // The tier serves the last entry put under the key, nothing older.
                Assert.Same(last, e);
                presentBytes += e.SizeBytes;
                present++;
            }
            else
            {
                // Not served, so it must have been evicted (and demoted) — never silently dropped.
                Assert.True(evicted.ContainsKey(last), "an entry left the tier without an eviction");
            }
        }
        Assert.Equal(presentBytes, tier.Bytes);
        Assert.Equal(present, tier.GetStatistics().Entries);
        Assert.Equal(present, inner.Count);
    }

    [Theory]
    [InlineData("lru")]
    [InlineData("cost-aware")]
    [InlineData("gdsf")]
    [InlineData("cachey")]
    public async Task Evictions_AfterReplayedReads_MatchThePolicyFedDirectly(string policyName)
    {
        // The tier replays reads through the policy's handles; a twin policy gets the same calls by key. Both must
        // pick the same victims.
        var rng = new Random(1234);
        var twin = EvictionPolicies.Create(policyName);
        var tier = new RamTier(20_000, EvictionPolicies.Create(policyName), new FakeTime(Now));
        var evicted = new List<Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        var twinEvicted = new List<Key>();
        var resident = new Dictionary<Key, long>();
        long used = 0;
        for (int i = 0; i < 5000; i++)
        {
            var key = Key.Hash("k" + rng.Next(60));
            if (tier.TryGet(key, out _))
            {
                twin.OnAccess(key, Now);
                continue;
            }
            long size = rng.Next(200, 2000);
            while (used + size > 20_000 && twin.TryPeekVictim(out var victim))
            {
                twin.OnRemove(victim);
                used -= resident[victim];
                resident.Remove(victim);
                twinEvicted.Add(victim);
            }
            twin.OnInsert(key, size, 0.5, Now);
            resident[key] = size;
            used += size;
            await tier.PutAsync(new CacheEntry(key, new Sized(size), Now, null, 0.5));
        }
        Assert.True(evicted.Count > 100, "the test should evict");
        Assert.Equal(twinEvicted, evicted);
    }
}
