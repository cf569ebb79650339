using System.Text;
using BenchmarkDotNet.Attributes;
using PodCache.Cache;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Benchmarks;

/// <summary>
/// Executor overhead: 1,000 trivial nodes as a chain and as a wide fan-in, planned, keyed, cached and executed cold
/// (fresh RAM cache each time), against calling the same per-node function directly.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ExecutorBenchmarks
{
    private const int N = 1000;
    private Pipeline _chain = null!;
    private Pipeline _fanIn = null!;
    private Coordinates _one = null!;

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("{\"n0\": {\"node\": \"algorithm.SinCoords\"}");
        for (int i = 1; i < N; i++)
        {
            sb.Append($", \"n{i}\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"n{i - 1}\"}}, \"attrs\": {{\"eqn\": \"A + 1\"}}}}");
        }
        _chain = Pipeline.Parse(sb.Append('}').ToString());
        // Fan-in: 999 distinct leaves (distinct by their units attr) all read by one sink.
        var fan = new StringBuilder("{");
        for (int i = 0; i < N - 1; i++)
        {
            fan.Append($"\"leaf{i}\": {{\"node\": \"algorithm.CoordData\", \"attrs\": {{\"coord_name\": \"lat\", \"units\": \"u{i}\"}}}}, ");
        }
        var inputs = string.Join(", ", Enumerable.Range(0, N - 1).Select(i => $"\"X{i}\": \"leaf{i}\""));
        var eqn = string.Join(" + ", Enumerable.Range(0, N - 1).Select(i => $"X{i}"));
        fan.Append($"\"sink\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{{inputs}}}, \"attrs\": {{\"eqn\": \"{eqn}\"}}}}}}");
        _fanIn = Pipeline.Parse(fan.ToString());
        _one = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [10]}, {"name": "lon", "values": [20]}]}""");
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("chain")]
    public double DirectChain()
    {
        var a = DataArray.Filled(_one, Math.Sin(Math.PI * 10 / 90) * Math.Sin(Math.PI * 20 / 90));
        for (int i = 1; i < N; i++)
        {
            var next = new double[1];
            next[0] = a.Values[0] + 1;
            a = new DataArray(_one, next);
        }
        return a.Values[0];
    }

    [Benchmark]
    [BenchmarkCategory("chain")]
    public async Task<double> PodCacheChain()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(_chain, _one);
        return run.Output!.Values[0];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("fan-in")]
    public double DirectFanIn()
    {
        double sum = 0;
        for (int i = 0; i < N - 1; i++)
        {
            var leaf = new DataArray(new Coordinates([_one["lat"]]), [10.0]);
            sum += leaf.Values[0];
        }
        return sum;
    }

    /// <summary>Keys alone.</summary>
    public int KeysOnly()
    {
        var keys = new NodeKeys(_chain);
        int h = 0;
        foreach (var n in _chain.Nodes) h ^= keys.NodeKey(n.Ref).GetHashCode();
        return h;
    }

    /// <summary>Plan structure alone (no probes).</summary>
    public int PlanBuildOnly() => PodCache.Runtime.Execution.Plan.Build(_chain, new NodeKeys(_chain), "n999", _one).Nodes.Count;

    /// <summary>Planning alone (keys, probes), for locating executor overhead.</summary>
    public async Task<int> PlanChainOnly()
    {
        var plan = await new PipelineRunner(TieredCache.InMemory(1L << 30)).PlanAsync(_chain, _one);
        return plan.Nodes.Count;
    }

    [Benchmark]
    [BenchmarkCategory("fan-in")]
    public async Task<double> PodCacheFanIn()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(_fanIn, _one);
        return run.Output!.Values[0];
    }
}
