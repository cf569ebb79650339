using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class RunMemoryEstimateTests
{
    private const string Chain = """
        {"sin": {"node": "algorithm.SinCoords"},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "sin"}, "attrs": {"eqn": "A * B"}}}
        """;

    private static readonly PodCache.Runtime.Coordinates Grid =
        PodCache.Runtime.Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 9, "size": 10}, {"name": "lon", "start": 0, "stop": 19, "size": 20}]}""");

    /// <summary>Records what it is asked, admits or refuses, and counts tickets still held.</summary>
    private sealed class RecordingAdmission(bool refuse = false) : IRunAdmission
    {
        public List<RunMemoryEstimate> Asked { get; } = [];

        public int Held;

        public IDisposable Admit(RunMemoryEstimate estimate)
        {
            Asked.Add(estimate);
            if (refuse) throw new InvalidOperationException("refused");
            Interlocked.Increment(ref Held);
            return new Release(this);
        }

        private sealed class Release(RecordingAdmission owner) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref owner.Held);
        }
    }

    [Fact]
    public async Task Run_Miss_EstimatesOutputsAndAlignedInputCopiesOfComputedNodes_AndAHitNeedsNothing()
    {
        var admission = new RecordingAdmission();
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Admission = admission });
        var pipeline = Pipeline.Parse(Chain);

        await runner.RunAsync(pipeline, Grid);
        await runner.RunAsync(pipeline, Grid);

        // sin: its output (200 cells); out: its output plus one aligned copy per input slot (A and B): 3 x 200.
        Assert.Equal(new RunMemoryEstimate(4 * 200 * 8, 4 * 200, 2), admission.Asked[0]);
        Assert.Equal(new RunMemoryEstimate(0, 0, 0), admission.Asked[1]);
        Assert.Equal(0, admission.Held);
    }

    [Fact]
    public async Task Run_Refused_FailsBeforeComputingAnything()
    {
        var cache = TieredCache.InMemory(1 << 24);
        var runner = new PipelineRunner(cache, new RunnerOptions { Admission = new RecordingAdmission(refuse: true) });
        var pipeline = Pipeline.Parse(Chain);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(pipeline, Grid));

        var plan = await new PipelineRunner(cache).PlanAsync(pipeline, Grid);
        Assert.All(plan.Nodes.Values, n => Assert.Equal(CacheStatus.Computed, n.Status));
    }
}
