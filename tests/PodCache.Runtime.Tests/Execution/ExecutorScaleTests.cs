using System.Text;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

/// <summary>Shapes that stress the executor's bookkeeping rather than the nodes: long chains, wide fan-ins, failures.</summary>
public class ExecutorScaleTests
{
    private static readonly PodCache.Runtime.Coordinates One =
        PodCache.Runtime.Coordinates.Parse("""{"coords": [{"name": "lat", "values": [10]}, {"name": "lon", "values": [20]}]}""");

    private static Pipeline Chain(int n, string leaf)
    {
        var sb = new StringBuilder("{\"n0\": ").Append(leaf);
        for (int i = 1; i < n; i++)
        {
            sb.Append($", \"n{i}\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"n{i - 1}\"}}, \"attrs\": {{\"eqn\": \"A + 1\"}}}}");
        }
        return Pipeline.Parse(sb.Append('}').ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Run_LongChain_EveryNodeComputedOnceInOrder(int parallelism)
    {
        const int n = 5000;
        var p = Chain(n, """{"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}}""");

        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30), new RunnerOptions { MaxDegreeOfParallelism = parallelism })
            .RunAsync(p, One);

        Assert.Equal(10 + n - 1, run.Output!.Values[0]);
        Assert.Equal(n, run.ComputedCount);
    }

    [Fact]
    public async Task Run_FailingLeafUnderLongChain_FailsWithTheLeafsError()
    {
        // The leaf needs a time dim the request lacks.
        var p = Chain(3000, """{"node": "algorithm.CoordData", "attrs": {"coord_name": "time"}}""");

        var ex = await Assert.ThrowsAsync<PipelineException>(() => new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(p, One));

        Assert.Contains("n0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WideFanIn_SumsEveryInput()
    {
        const int n = 500;
        var sb = new StringBuilder("{");
        for (int i = 0; i < n; i++)
        {
            sb.Append($"\"leaf{i}\": {{\"node\": \"algorithm.CoordData\", \"attrs\": {{\"coord_name\": \"lat\", \"units\": \"u{i}\"}}}}, ");
        }
        var inputs = string.Join(", ", Enumerable.Range(0, n).Select(i => $"\"X{i}\": \"leaf{i}\""));
        var eqn = string.Join(" + ", Enumerable.Range(0, n).Select(i => $"X{i}"));
        sb.Append($"\"sink\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{{inputs}}}, \"attrs\": {{\"eqn\": \"{eqn}\"}}}}}}");
        var p = Pipeline.Parse(sb.ToString());

        var run = await new PipelineRunner(TieredCache.InMemory(1L << 30)).RunAsync(p, One);

        Assert.Equal(10.0 * n, run.Output!.Values[0]);
        Assert.Equal(n + 1, run.ComputedCount);
    }
}
