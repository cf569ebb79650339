using System.Collections.Concurrent;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Tiers.Ram;
using Xunit.Abstractions;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The RAM tier's reads as the eviction policy (told lazily, when an entry comes up as victim) and the statistics see them.</summary>
public sealed class RamTierReadTests(ITestOutputHelper output)
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
    public async Task TryGet_Reads_ReachThePolicyWhenTheEntryComesUpAsVictim()
    {
        var policy = new RecordingPolicy(new LruPolicy());
        var tier = new RamTier(1000, policy);
        var evicted = new List<Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        var keys = Enumerable.Range(0, 11).Select(i => Key.Hash("k" + i)).ToArray();
        for (int i = 0; i < 10; i++)
        {
            await tier.PutAsync(Entry(keys[i], 100));
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.True(tier.TryGet(keys[0], out _));
        }
        for (int i = 0; i < 300; i++)
        {
            Assert.True(tier.TryGet(keys[1], out _));
        }
        Assert.True(tier.TryGet(keys[5], out _));
        Assert.Empty(policy.Accesses); // nothing told yet: a hit does not touch the policy

        await tier.PutAsync(Entry(keys[10], 100)); // one eviction: k0 and k1 come up first and get their reads
        Assert.Equal([keys[2]], evicted);
        Assert.Equal(Enumerable.Repeat(keys[0], 3).Concat(Enumerable.Repeat(keys[1], RamTier.MaxPendingReads)), policy.Accesses);
        var stats = tier.GetStatistics();
        Assert.Equal(304, stats.Hits); // counted exactly, beyond the replay cap
        Assert.Equal(0, stats.Misses);

        // The replayed reads are spent; k5's one read is replayed when it comes up, so k6 leaves in its place.
        policy.Accesses.Clear();
        for (int i = 0; i < 4; i++)
        {
            await tier.PutAsync(Entry("n" + i, 100));
        }
        Assert.Equal([keys[2], keys[3], keys[4], keys[6], keys[7]], evicted);
        Assert.Equal([keys[5]], policy.Accesses);
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
    public async Task Eviction_ReadsOfADeletedEntry_AreNotReplayedOntoItsSuccessor()
    {
        var policy = new RecordingPolicy(new LruPolicy());
        var tier = new RamTier(200, policy);
        var evicted = new List<Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        await tier.PutAsync(Entry("a", 100));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(tier.TryGet(Key.Hash("a"), out _));
        }
        Assert.True(await tier.DeleteAsync(Key.Hash("a")));
        await tier.PutAsync(Entry("a", 100));
        await tier.PutAsync(Entry("b", 100));
        await tier.PutAsync(Entry("c", 100)); // the new "a" is the victim and was never read
        Assert.Equal([Key.Hash("a")], evicted);
        Assert.Empty(policy.Accesses);
    }

    [Fact]
    public async Task Get_ManyThreadsAtOnce_MissesExactAndHitsNeverOverCounted()
    {
        // More threads alive at once than the miss counter has owned cells, so ids above them share cells (Interlocked).
        const int Threads = ThreadOwnedCounter.OwnedCells + 16, Reads = 2000;
        var tier = new RamTier(1 << 20);
        await tier.PutAsync(Entry("a", 100));
        var own = Enumerable.Range(0, Threads).Select(t => Key.Hash("own" + t)).ToArray();
        foreach (var k in own)
        {
            await tier.PutAsync(Entry(k, 100));
        }
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Reads; i++)
            {
                Assert.True(tier.TryGet(Key.Hash("a"), out _)); // one entry read by every thread: racy count
                Assert.True(tier.TryGet(own[t], out _)); // read by this thread only: exact
                Assert.False(tier.TryGet(Key.Hash("missing"), out _));
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Contains(workers, w => w.ManagedThreadId >= ThreadOwnedCounter.OwnedCells);
        var stats = tier.GetStatistics();
        Assert.Equal((long)Threads * Reads, stats.Misses);
        Assert.InRange(stats.Hits, ((long)Threads * Reads) + Reads, 2L * Threads * Reads);
        output.WriteLine($"hits counted {stats.Hits} of {2L * Threads * Reads}");
    }

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
        // Misses are exact. Hits are slot read counts: a read racing the eviction of its own entry may go uncounted,
        // never counted twice.
        Assert.Equal(Threads * OpsPerThread, hits.Sum() + stats.Misses + puts.Sum());
        Assert.InRange(stats.Hits, hits.Sum() - (hits.Sum() / 1000) - 1, hits.Sum());
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
    public async Task Evictions_AfterLazilyReplayedReads_MatchThePolicyFedTheDocumentedWay(string policyName)
    {
        // The tier counts reads per entry and gives them to the policy (through its handles) when the entry comes up
        // as victim. A twin policy fed the same way (the batch through its handle, or one read at a time by key), as the
        // remarks of RamTier describe it, must pick the same victims.
        var rng = new Random(1234);
        var twin = EvictionPolicies.Create(policyName);
        var tier = new RamTier(20_000, EvictionPolicies.Create(policyName), new FakeTime(Now));
        var evicted = new List<Key>();
        tier.Evicted += e => evicted.Add(e.Key);
        var twinEvicted = new List<Key>();
        var resident = new Dictionary<Key, long>();
        var pending = new Dictionary<Key, int>();
        long used = 0;
        int replays = 0;
        for (int i = 0; i < 5000; i++)
        {
            var key = Key.Hash("k" + rng.Next(60));
            if (tier.TryGet(key, out _))
            {
                pending[key] = Math.Min(RamTier.MaxPendingReads, pending.GetValueOrDefault(key) + 1);
                continue;
            }
            long size = rng.Next(200, 2000);
            while (used + size > 20_000 && twin.TryPeekVictim(out var victim))
            {
                if (pending.Remove(victim, out int reads) && reads > 0)
                {
                    replays++;
                    if (twin is IAccessHandles handles)
                    {
                        handles.OnAccess(handles.HandleOf(victim)!, reads, Now);
                    }
                    else
                    {
                        for (int r = 0; r < reads; r++)
                        {
                            twin.OnAccess(victim, Now);
                        }
                    }
                    continue;
                }
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
        Assert.True(replays > 100, "the test should replay reads");
        Assert.Equal(twinEvicted, evicted);
    }
}
