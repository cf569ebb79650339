using System.Collections.Concurrent;
using System.Diagnostics;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Telemetry;

namespace PodCache.Runtime.Tests.Telemetry;

/// <summary>
/// The <c>podcache.run</c> and <c>podcache.node</c> spans a traced run records, against the run's own manifest.
/// The listener is process-wide, so each test picks its run's spans out by run id and parent.
/// </summary>
public sealed class RunTracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    private static readonly Coordinates Grid =
        Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 3, "step": 1}, {"name": "lon", "start": 0, "stop": 3, "step": 1}]}""");

    private static readonly Pipeline Diamond = Pipeline.Parse("""
        {"sin": {"node": "algorithm.SinCoords"},
         "other": {"node": "algorithm.Arange"},
         "mean": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "mean", "B": "other"}, "attrs": {"eqn": "A + B"}}}
        """);

    public RunTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PodCacheTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private (Activity Run, List<Activity> Nodes) SpansOf(string runId)
    {
        var run = Assert.Single(_stopped, a => a.OperationName == "podcache.run" && (string?)a.GetTagItem("podcache.run_id") == runId);
        var nodes = _stopped.Where(a => a.OperationName == "podcache.node" && a.ParentSpanId == run.SpanId).ToList();
        return (run, nodes);
    }

    [Fact]
    public async Task ColdRun_ASpanPerComputedNode_UnderTheRunSpan_WithTheManifestsFigures()
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(Diamond, Grid);

        var (span, nodes) = SpansOf(run.RunId);

        Assert.Equal("out", span.GetTagItem("podcache.output"));
        Assert.Equal(4, span.GetTagItem("podcache.computed"));
        Assert.Equal(0, span.GetTagItem("podcache.hits"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(["mean", "other", "out", "sin"], nodes.Select(n => (string)n.GetTagItem("podcache.node.ref")!).Order());
        foreach (var node in nodes)
        {
            var info = run.Nodes[(string)node.GetTagItem("podcache.node.ref")!];
            Assert.Equal(span.TraceId, node.TraceId);
            Assert.Equal("computed", node.GetTagItem("podcache.node.status"));
            Assert.Equal(info.NodeType, node.GetTagItem("podcache.node.type"));
            Assert.Equal(info.ResultKey.ToString(), node.GetTagItem("podcache.node.key"));
            Assert.Equal(info.Bytes, node.GetTagItem("podcache.node.bytes"));
            Assert.Null(node.GetTagItem("podcache.node.tier"));
            Assert.InRange(node.StartTimeUtc, span.StartTimeUtc, span.StartTimeUtc + span.Duration);
            Assert.InRange(node.StartTimeUtc + node.Duration, span.StartTimeUtc, span.StartTimeUtc + span.Duration + TimeSpan.FromMilliseconds(1));
        }
        // The output waited for its inputs: its span starts after theirs end.
        var byRef = nodes.ToDictionary(n => (string)n.GetTagItem("podcache.node.ref")!);
        Assert.True(byRef["out"].StartTimeUtc >= byRef["mean"].StartTimeUtc + byRef["mean"].Duration - TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task WarmRun_OnlyTheOutputsHit_WithItsTier()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        await runner.RunAsync(Diamond, Grid);

        var run = await runner.RunAsync(Diamond, Grid);
        var (span, nodes) = SpansOf(run.RunId);

        var node = Assert.Single(nodes);
        Assert.Equal("out", node.GetTagItem("podcache.node.ref"));
        Assert.Equal("hit:ram", node.GetTagItem("podcache.node.status"));
        Assert.Equal("ram", node.GetTagItem("podcache.node.tier"));
        Assert.Equal(0, span.GetTagItem("podcache.computed"));
        Assert.Equal(1, span.GetTagItem("podcache.hits"));
        Assert.Equal(3, span.GetTagItem("podcache.pruned"));
    }

    [Fact]
    public async Task RefusedRun_TheRunSpanFails_WithTheMessage()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));

        var ex = await Assert.ThrowsAsync<PipelineException>(() => runner.RunAsync(Diamond, Grid, "missing"));

        var span = Assert.Single(_stopped, a => a.OperationName == "podcache.run" && (string?)a.GetTagItem("podcache.output") == "missing");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("missing", span.StatusDescription);
        Assert.Contains("missing", ex.Message);
    }
}
