using System.Collections.Concurrent;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class RemoteEvaluatorTests
{
    private const string Chain = """
        {"c": {"node": "test.Counting"},
         "mid": {"node": "algorithm.Arithmetic", "inputs": {"A": "c"}, "attrs": {"eqn": "A + 1"}},
         "nocache": {"node": "algorithm.Arithmetic", "inputs": {"A": "mid"}, "attrs": {"eqn": "A * 2"}, "cache": {"enabled": false}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "nocache"}, "attrs": {"eqn": "A - 3"}}}
        """;

    private static readonly PodCache.Runtime.Coordinates Grid =
        PodCache.Runtime.Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""");

    /// <summary>Answers the keys it is given, declines the rest; records every key asked and every request built.</summary>
    private sealed class FakeRemote(IReadOnlyDictionary<Key, DataArray> answers, PodCache.Runtime.Nodes.NodeRegistry registry) : IRemoteEvaluator
    {
        public ConcurrentQueue<Key> Asked { get; } = new();

        public ConcurrentQueue<EvaluationRequest> Requests { get; } = new();

        public async ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Asked.Enqueue(resultKey);
            if (!answers.TryGetValue(resultKey, out var value))
            {
                return null;
            }
            Requests.Enqueue(EvaluationRequest.Parse(request(), resultKey, registry));
            return new RemoteEvaluation(value, CacheStatus.Hit(TierNames.Remote), 0.25);
        }
    }

    [Fact]
    public async Task Run_RemoteAnswersOutput_NothingComputedOrAskedBelowIt()
    {
        var counter = new CountingNode.Counter();
        var registry = CountingNode.Registry(counter);
        var p = Pipeline.Parse(Chain, registry);
        var plan = await new PipelineRunner(TieredCache.InMemory(1 << 24)).PlanAsync(p, Grid);
        var answer = DataArray.Filled(Grid, 42);
        var remote = new FakeRemote(new Dictionary<Key, DataArray> { [plan.Nodes["out"].ResultKey] = answer }, registry);

        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Remote = remote }).RunAsync(p, Grid);

        Assert.Same(answer, run.Output);
        Assert.Equal(CacheStatus.Hit(TierNames.Remote), run.Nodes["out"].Status);
        Assert.Equal(0.25, run.Nodes["out"].Seconds);
        Assert.Equal(0, counter.Count);
        Assert.Equal([plan.Nodes["out"].ResultKey], remote.Asked);
        var sent = Assert.Single(remote.Requests);
        Assert.Equal("out", sent.NodeRef);
        Assert.Equal(Grid.Key, sent.Coordinates.Key);
    }

    [Fact]
    public async Task Run_RemoteDeclinesEverything_ComputedHere_CacheDisabledNodeNeverAsked()
    {
        var counter = new CountingNode.Counter();
        var registry = CountingNode.Registry(counter);
        var p = Pipeline.Parse(Chain, registry);
        var remote = new FakeRemote(new Dictionary<Key, DataArray>(), registry);

        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Remote = remote }).RunAsync(p, Grid);

        Assert.Equal(((7 + 1) * 2) - 3, run.Output!.Values[0]);
        Assert.Equal(1, counter.Count);
        Assert.All(run.Nodes.Values, n => Assert.Equal(CacheStatus.Computed, n.Status));
        // Asked top-down, each cache-enabled node once, before its inputs.
        Assert.Equal(new[] { "out", "mid", "c" }.Select(r => run.Nodes[r].ResultKey), remote.Asked);
        Assert.Empty(remote.Requests);
    }

    [Fact]
    public async Task Run_RemoteAnswersAnInput_InputsBelowItUntouched()
    {
        var counter = new CountingNode.Counter();
        var registry = CountingNode.Registry(counter);
        var p = Pipeline.Parse(Chain, registry);
        var plan = await new PipelineRunner(TieredCache.InMemory(1 << 24)).PlanAsync(p, Grid);
        var remote = new FakeRemote(new Dictionary<Key, DataArray> { [plan.Nodes["mid"].ResultKey] = DataArray.Filled(Grid, 10) }, registry);

        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Remote = remote }).RunAsync(p, Grid);

        Assert.Equal((10 * 2) - 3, run.Output!.Values[0]);
        Assert.Equal(0, counter.Count);
        Assert.Equal(CacheStatus.Hit(TierNames.Remote), run.Nodes["mid"].Status);
        Assert.Equal(CacheStatus.Computed, run.Nodes["out"].Status);
        Assert.Equal(CacheStatus.Pruned, run.Nodes["c"].Status);
        Assert.Equal(new[] { "out", "mid" }.Select(r => run.Nodes[r].ResultKey), remote.Asked);
    }
}
