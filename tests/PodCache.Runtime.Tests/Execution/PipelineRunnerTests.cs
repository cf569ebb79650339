using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class PipelineRunnerTests
{
    private const string Diamond = """
        {"c": {"node": "test.Counting"},
         "left": {"node": "algorithm.Arithmetic", "inputs": {"A": "c"}, "attrs": {"eqn": "A + 1"}},
         "right": {"node": "algorithm.Arithmetic", "inputs": {"A": "c"}, "attrs": {"eqn": "A * 2"}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"L": "left", "R": "right"}, "attrs": {"eqn": "L + R"}}}
        """;

    private static readonly PodCache.Runtime.Coordinates Grid =
        PodCache.Runtime.Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""");

    [Fact]
    public async Task Run_SharedInputWithinOneRun_ComputedOnce()
    {
        var counter = new CountingNode.Counter();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(p, Grid);
        Assert.Equal(1, counter.Count);
        Assert.Equal(22, run.Output!.Values[0]);
        Assert.Equal(4, run.ComputedCount);
    }

    [Fact]
    public async Task Run_TwoConcurrentRunsSharingSubgraph_ComputeItOnce()
    {
        var counter = new CountingNode.Counter();
        counter.Gate.Reset();
        var registry = CountingNode.Registry(counter);
        var p1 = Pipeline.Parse(Diamond, registry);
        var p2 = Pipeline.Parse("""
            {"cc": {"node": "test.Counting", "attrs": {"value": 1}},
             "other": {"node": "algorithm.Arithmetic", "inputs": {"Z": "cc"}, "attrs": {"eqn": "Z - 100"}}}
            """, registry);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24));

        var t1 = runner.RunAsync(p1, Grid);
        var t2 = runner.RunAsync(p2, Grid);
        await Task.Delay(200);
        counter.Gate.Set();
        var r1 = await t1;
        var r2 = await t2;

        Assert.Equal(1, counter.Count);
        Assert.Equal(-93, r2.Output!.Values[0]);
        Assert.Equal(r1.Nodes["c"].ResultKey, r2.Nodes["cc"].ResultKey);
        Assert.Single(new[] { r1.Nodes["c"].Status, r2.Nodes["cc"].Status }, s => s == CacheStatus.Computed);
    }

    [Fact]
    public async Task Run_Again_AllHitOrPruned_AndPlanPredictsIt()
    {
        var counter = new CountingNode.Counter();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24));
        var before = await runner.PlanAsync(p, Grid);
        Assert.All(before.Nodes.Values, n => Assert.Equal(CacheStatus.Computed, n.Status));
        await runner.RunAsync(p, Grid);

        var plan = await runner.PlanAsync(p, Grid);
        var again = await runner.RunAsync(p, Grid);

        Assert.Equal(CacheStatus.Hit(TierNames.Ram), plan.Nodes["out"].Status);
        Assert.All(new[] { "c", "left", "right" }, r => Assert.Equal(CacheStatus.Pruned, plan.Nodes[r].Status));
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), again.Nodes["out"].Status);
        Assert.Equal(CacheStatus.Pruned, again.Nodes["c"].Status);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetAsync_IntermediateNode_FromCacheWithoutRecompute()
    {
        var counter = new CountingNode.Counter();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(p, Grid);
        var left = await run.GetResultAsync("left");
        Assert.Equal(8, left.Output!.Values[0]);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), left.Nodes["left"].Status);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetAsync_EvictedNode_RecomputesOnlyItsSubgraph()
    {
        var counter = new CountingNode.Counter();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        var cache = TieredCache.InMemory(1 << 24);
        var run = await new PipelineRunner(cache).RunAsync(p, Grid);
        await cache.DeleteAsync(run.Nodes["left"].ResultKey);

        var left = await run.GetResultAsync("left");

        Assert.Equal(CacheStatus.Computed, left.Nodes["left"].Status);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), left.Nodes["c"].Status);
        Assert.Equal(1, counter.Count);
        Assert.False(left.Nodes.ContainsKey("right"));
    }

    [Fact]
    public async Task Run_HitEvictedBetweenPlanAndExecute_ComputedAfterAll()
    {
        var counter = new CountingNode.Counter();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        var cache = new DeletingCache(TieredCache.InMemory(1 << 24));
        var runner = new PipelineRunner(cache);
        var first = await runner.RunAsync(p, Grid);
        cache.DeleteOnGet = first.Nodes["out"].ResultKey;

        var second = await runner.RunAsync(p, Grid);

        Assert.Equal(CacheStatus.Computed, second.Nodes["out"].Status);
        Assert.Equal(first.Output!.Values.ToArray(), second.Output!.Values.ToArray());
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task Run_Cancelled_Throws()
    {
        var counter = new CountingNode.Counter();
        counter.Gate.Reset();
        var p = Pipeline.Parse(Diamond, CountingNode.Registry(counter));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(p, Grid, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Run_RequestMissingSourceDim_PipelineExceptionNamingNode()
    {
        var p = Pipeline.Parse("""
            {"arr": {"node": "data.Array", "attrs": {"source": [1, 2], "coordinates": {"coords": [{"name": "time", "values": ["2020-01-01", "2020-01-02"]}]}}}}
            """);
        var ex = await Assert.ThrowsAsync<PipelineException>(() => new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(p, Grid));
        Assert.Contains(ex.Errors, e => e.Path == "arr" && e.Message.Contains("time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manifest_ShapeOfSpec_AndReopens()
    {
        var counter = new CountingNode.Counter();
        var registry = CountingNode.Registry(counter);
        var p = Pipeline.Parse(Diamond, registry);
        var cache = TieredCache.InMemory(1 << 24);
        var run = await new PipelineRunner(cache).RunAsync(p, Grid);
        var json = run.ToJson();
        Assert.Equal(run.RunId, json["runId"]!.GetValue<string>());
        Assert.Equal("out", json["output"]!.GetValue<string>());
        var node = json["nodes"]!["left"]!;
        Assert.Equal("algorithm.Arithmetic", node["node"]!.GetValue<string>());
        Assert.Equal(64, node["nodeKey"]!.GetValue<string>().Length);
        Assert.Equal(run.Nodes["left"].ResultKey.ToString(), node["resultKey"]!.GetValue<string>());
        Assert.Equal("computed", node["status"]!.GetValue<string>());
        Assert.True(node["bytes"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Open_Manifest_ReadsTypedStatuses_AndRejectsAnUnknownOne()
    {
        var counter = new CountingNode.Counter();
        var registry = CountingNode.Registry(counter);
        var p = Pipeline.Parse(Diamond, registry);
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Registry = registry });
        await runner.RunAsync(p, Grid);
        var again = await runner.RunAsync(p, Grid);

        var reopened = PipelineRun.Open(again.ToJson().ToJsonString(), runner);
        Assert.Equal(again.Nodes.Values.Select(n => n.Status), reopened.Nodes.Values.Select(n => n.Status));
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), reopened.Nodes["out"].Status);

        var damaged = again.ToJson();
        damaged["nodes"]!["out"]!["status"] = "hit";
        var ex = Assert.Throws<PipelineException>(() => PipelineRun.Open(damaged.ToJsonString(), runner));
        Assert.Contains(ex.Errors, e => e.Path == "nodes.out.status");
    }

    private sealed class DeletingCache(IMemoCache inner) : IMemoCache
    {
        public PodCache.Cache.Keys.Key? DeleteOnGet { get; set; }
        public IReadOnlyList<PodCache.Cache.Tiers.ICacheTier> Tiers => inner.Tiers;
        public async ValueTask<CacheLookup?> GetAsync(PodCache.Cache.Keys.Key key, CancellationToken cancellationToken = default)
        {
            if (DeleteOnGet == key)
            {
                DeleteOnGet = null;
                await inner.DeleteAsync(key, cancellationToken);
            }
            return await inner.GetAsync(key, cancellationToken);
        }
        public ValueTask<string?> ProbeAsync(PodCache.Cache.Keys.Key key, CancellationToken cancellationToken = default) => inner.ProbeAsync(key, cancellationToken);
        public ValueTask PutAsync(PodCache.Cache.Keys.Key key, ICacheValue value, EntryOptions? options = null, double computeSeconds = 0, CancellationToken cancellationToken = default) =>
            inner.PutAsync(key, value, options, computeSeconds, cancellationToken);
        public ValueTask<bool> DeleteAsync(PodCache.Cache.Keys.Key key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
        public Task<CacheOutcome<T>> GetOrComputeAsync<T>(PodCache.Cache.Keys.Key key, Func<CancellationToken, ValueTask<T>> factory, EntryOptions? options = null, CancellationToken cancellationToken = default) where T : ICacheValue =>
            inner.GetOrComputeAsync(key, factory, options, cancellationToken);
    }
}
