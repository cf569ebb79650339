using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

public sealed class CostAwarePolicyTests : EvictionPolicyContract
{
    protected override IEvictionPolicy CreatePolicy() => new CostAwarePolicy();

    [Fact]
    public void Evict_ExpensiveSmallVersusCheapBig_CheapBigFirst()
    {
        var policy = new CostAwarePolicy();
        policy.OnInsert(K("expensive-small"), 1000, 10, T0);
        policy.OnInsert(K("cheap-big"), 1_000_000, 0.01, T0);
        policy.OnInsert(K("cheap-small"), 1000, 0.01, T0);
        policy.OnInsert(K("expensive-big"), 1_000_000, 10, T0);

        // cost/size: 1e-2, 1e-8, 1e-5, 1e-5; the two equal ones go in the order they were touched.
        Assert.Equal(
            ["cheap-big", "cheap-small", "expensive-big", "expensive-small"],
            Drain(policy, "expensive-small", "cheap-big", "cheap-small", "expensive-big"));
    }

    [Fact]
    public void Evict_FrequentVersusRecent_FrequencyWins()
    {
        var policy = new CostAwarePolicy();
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            policy.OnInsert(K(name), 1000, 1, T0);
        }
        policy.OnAccess(K("a"), T0);
        policy.OnAccess(K("a"), T0);
        policy.OnAccess(K("a"), T0);
        policy.OnAccess(K("b"), T0);

        // LRU would give c, d, a, b; four touches of a outweigh b's more recent two.
        Assert.Equal(["c", "d", "b", "a"], Drain(policy, "a", "b", "c", "d"));
    }

    [Fact]
    public void Evict_ZeroCostEntries_OrderedBySize()
    {
        var policy = new CostAwarePolicy();
        policy.OnInsert(K("10"), 10, 0, T0);
        policy.OnInsert(K("1000"), 1000, 0, T0);
        policy.OnInsert(K("100"), 100, double.NaN, T0);

        Assert.Equal(["1000", "100", "10"], Drain(policy, "10", "1000", "100"));
    }

    [Fact]
    public void Evict_OnceHotEntryNoLongerTouched_LeavesAfterNewcomersOutweighIt()
    {
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 10, HalfLifeTouchesPerEntry = 0, HalfLifeTime = null });
        policy.OnInsert(K("hot"), 1000, 1, T0);
        for (var i = 0; i < 49; i++)
        {
            policy.OnAccess(K("hot"), T0);
        }
        var names = new Dictionary<Key, string> { [K("hot")] = "hot" };
        var evicted = new List<string>();

        // A stream of newcomers read once each; the tier holds four entries.
        for (var i = 1; i <= 60; i++)
        {
            names[K($"c{i}")] = $"c{i}";
            policy.OnInsert(K($"c{i}"), 1000, 1, T0);
            if (policy.Count > 4)
            {
                evicted.Add(EvictOne(policy, names));
            }
        }

        var hotAt = evicted.IndexOf("hot");
        // Fifty touches are worth ~log2(432) ≈ 8.8 half-lives of head start, i.e. about 88 touches of the stream;
        // the inflation L brings that forward, but hot must outlive many one-touch newcomers and then leave.
        Assert.InRange(hotAt, 10, 50);
        var others = evicted.Where(n => n != "hot").ToList();
        Assert.Equal(Enumerable.Range(1, others.Count).Select(i => $"c{i}"), others);
    }

    [Fact]
    public void Evict_HotAnHourAgoVersusNewcomers_TimeDecayOrdersThem()
    {
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1e12, HalfLifeTime = TimeSpan.FromHours(1) });
        policy.OnInsert(K("hot"), 1000, 1, T0);
        for (var i = 0; i < 99; i++)
        {
            policy.OnAccess(K("hot"), T0);
        }

        // 100 touches ≈ 2^6.64: worth more than one touch six hours later, less than one eight hours later.
        policy.OnInsert(K("six-hours-later"), 1000, 1, T0.AddHours(6));
        policy.OnInsert(K("eight-hours-later"), 1000, 1, T0.AddHours(8));

        Assert.Equal(
            ["six-hours-later", "hot", "eight-hours-later"],
            Drain(policy, "hot", "six-hours-later", "eight-hours-later"));
    }

    [Fact]
    public void OnInsert_ClockStepsBack_TreatedAsStandingStill()
    {
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1e12, HalfLifeTime = TimeSpan.FromHours(1) });
        policy.OnInsert(K("a"), 1000, 1, T0.AddHours(5));
        policy.OnInsert(K("b"), 1000, 1, T0);
        policy.OnInsert(K("c"), 1000, 1, T0.AddHours(6));

        Assert.True(policy.TryGetPriority(K("a"), out var a));
        Assert.True(policy.TryGetPriority(K("b"), out var b));
        Assert.Equal(a, b, 9);
        Assert.Equal(["a", "b", "c"], Drain(policy, "a", "b", "c"));
    }

    [Fact]
    public void Evict_StreamOfCheapEntries_InflationEventuallyEvictsExpensiveOne()
    {
        // No decay at all: only GDSF's inflation L can make room, and it does: the k-th cheap newcomer starts at
        // k × its value, passing the expensive entry's 15.5 × at the sixteenth.
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1e12, HalfLifeTime = null });
        policy.OnInsert(K("expensive"), 1, 15.5, T0);
        var names = new Dictionary<Key, string> { [K("expensive")] = "expensive" };
        var evicted = new List<string>();

        for (var i = 1; i <= 16; i++)
        {
            names[K($"c{i}")] = $"c{i}";
            policy.OnInsert(K($"c{i}"), 1, 1, T0);
            evicted.Add(EvictOne(policy, names));
        }

        Assert.Equal([.. Enumerable.Range(1, 15).Select(i => $"c{i}"), "expensive"], evicted);
    }

    [Fact]
    public void OnAccess_TwoMillionTouchesOnOneKey_PrioritiesStayFiniteAndOrderSensible()
    {
        var policy = new CostAwarePolicy();
        var hot = K("hot");
        policy.OnInsert(hot, 1000, 1, T0);
        var now = T0;
        for (var i = 1; i <= 2_000_000; i++)
        {
            now = now.AddTicks(TimeSpan.TicksPerMillisecond);
            policy.OnAccess(hot, now);
            if (i % 100_000 == 0)
            {
                Assert.True(policy.TryGetPriority(hot, out var p));
                Assert.True(double.IsFinite(p), $"priority {p} after {i} touches");
            }
        }
        policy.OnInsert(K("b"), 1000, 1, now);
        policy.OnInsert(K("c"), 1000, 1, now);

        foreach (var name in new[] { "hot", "b", "c" })
        {
            Assert.True(policy.TryGetPriority(K(name), out var p));
            Assert.True(double.IsFinite(p));
        }
        Assert.Equal(["b", "c", "hot"], Drain(policy, "hot", "b", "c"));
    }

    [Fact]
    public void OnAccess_ClockPassesRenormalisationThreshold_ShiftsAndKeepsOrder()
    {
        // One touch per half-life: two million touches carry the clock past 2^20 half-lives.
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1, HalfLifeTime = null });
        var hot = K("hot");
        policy.OnInsert(hot, 1000, 16, T0);
        for (var i = 0; i < 2_000_000; i++)
        {
            policy.OnAccess(hot, T0);
        }
        policy.OnInsert(K("b"), 1000, 1, T0);
        policy.OnInsert(K("c"), 1000, 1, T0);

        Assert.True(policy.TryGetPriority(hot, out var p));
        Assert.True(double.IsFinite(p));
        Assert.True(p < CostAwarePolicy.RenormaliseAbove, $"priority {p} was not shifted down");
        // hot's sixteen-fold cost/size beats b and c, each touched once after it at equal size.
        Assert.Equal(["b", "c", "hot"], Drain(policy, "hot", "b", "c"));
    }

    [Fact]
    public void OnRemove_NonVictim_DoesNotRaiseInflation()
    {
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1e12, HalfLifeTime = null });
        policy.OnInsert(K("cheap"), 1, 1, T0);
        policy.OnInsert(K("precious"), 1, 1000, T0);

        policy.OnRemove(K("precious"));
        policy.OnInsert(K("new"), 1, 1, T0);

        // Had deleting the precious entry inflated L to its priority, "new" would start above 1000.
        Assert.True(policy.TryGetPriority(K("new"), out var p));
        Assert.Equal(0, p, 6);
    }

    [Fact]
    public void Options_InvalidValues_Throw()
    {
        var options = new CostAwarePolicyOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.HalfLifeTouches = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HalfLifeTouches = double.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HalfLifeTouches = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HalfLifeTime = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.CostFloorSeconds = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.CostFloorSeconds = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HistoryCellsPerEntry = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HistoryCellsPerEntry = double.PositiveInfinity);
        options.HalfLifeTime = null;
        Assert.Null(options.HalfLifeTime);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new CostAwarePolicyOptions();

        Assert.Equal(1000, options.HalfLifeTouches);
        Assert.Equal(300, options.HalfLifeTouchesPerEntry);
        Assert.Equal(TimeSpan.FromDays(7), options.HalfLifeTime);
        Assert.Equal(1e-6, options.CostFloorSeconds);
        Assert.Equal(16, options.HistoryCellsPerEntry);
    }

    [Theory]
    [InlineData(16, new[] { "fresh", "hot" })]
    [InlineData(0, new[] { "hot", "fresh" })]
    public void OnInsert_KeyBackAfterEviction_ResumesItsFrequencyFromTheHistory(double history, string[] expected)
    {
        var policy = new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTime = null, HistoryCellsPerEntry = history });
        policy.OnInsert(K("hot"), 1000, 1, T0);
        for (var i = 0; i < 20; i++)
        {
            policy.OnAccess(K("hot"), T0);
        }
        policy.OnRemove(K("hot"));

        policy.OnInsert(K("hot"), 1000, 1, T0);
        policy.OnInsert(K("fresh"), 1000, 1, T0);

        // Remembered, hot's 21 earlier touches outweigh fresh's later one; forgotten, hot is simply the older entry.
        Assert.Equal(expected, Drain(policy, "hot", "fresh"));
    }

    [Fact]
    public void Priority_HalfLifeScalesWithEntriesHeld_FrequencyOutlastsTouchesElsewhere()
    {
        // 1,000 entries held. "twice" is read twice early; 3,000 touches of other entries later, "once" is inserted.
        // With a fixed 1000-touch half-life those 3,000 touches make "once" outweigh "twice" (recency swamps
        // frequency); scaled to 300 touches per entry held (300,000) the earlier double touch still counts more.
        static (double Twice, double Once) Run(CostAwarePolicy p)
        {
            for (var i = 0; i < 998; i++) p.OnInsert(K($"e{i}"), 1000, 1, T0);
            p.OnInsert(K("twice"), 1000, 1, T0);
            p.OnAccess(K("twice"), T0);
            for (var i = 0; i < 3000; i++) p.OnAccess(K($"e{i % 998}"), T0);
            p.OnInsert(K("once"), 1000, 1, T0);
            Assert.True(p.TryGetPriority(K("twice"), out var twice));
            Assert.True(p.TryGetPriority(K("once"), out var once));
            return (twice, once);
        }

        var scaled = Run(new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTime = null }));
        var fixedLife = Run(new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTime = null, HalfLifeTouchesPerEntry = 0 }));

        Assert.True(scaled.Twice > scaled.Once, $"scaled: twice {scaled.Twice}, once {scaled.Once}");
        Assert.True(fixedLife.Twice < fixedLife.Once, $"fixed: twice {fixedLife.Twice}, once {fixedLife.Once}");
    }
}
