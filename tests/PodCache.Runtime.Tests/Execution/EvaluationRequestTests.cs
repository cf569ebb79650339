using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

/// <summary>
/// The request a cluster owner receives (<see cref="EvaluationRequest"/>): it rebuilds the exact key on the other side
/// — also for the grown grid a Convolution asks of its source — and anything tampered or foreign is refused. How the
/// executor uses the seam is in <see cref="RemoteEvaluatorTests"/>.
/// </summary>
public class EvaluationRequestTests
{
    private const string ConvolutionPipeline = """
        {"sin": {"node": "algorithm.SinCoords"},
         "mean": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "mean"}, "attrs": {"eqn": "A - B"}},
         "podpac_output_node": "out"}
        """;

    private const string Coords = """
        {"coords": [{"name": "lat", "start": 45, "stop": 40, "step": -0.05}, {"name": "lon", "start": -100, "stop": -95, "step": 0.05}], "crs": "EPSG:4326"}
        """;

    /// <summary>Records every request; answers the keys it was given values for, and null for the rest.</summary>
    private sealed class RecordingEvaluator(Func<Key, DataArray?> answer) : IRemoteEvaluator
    {
        public ConcurrentQueue<(Key Key, byte[] Request)> Asked { get; } = new();

        public ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken)
        {
            Asked.Enqueue((resultKey, request()));
            return ValueTask.FromResult(answer(resultKey) is { } v ? new RemoteEvaluation(v, CacheStatus.Hit(TierNames.Remote), 0.5) : null);
        }
    }

    [Fact]
    public async Task EveryRequestTheEvaluatorSees_RebuildsItsExactKey_IncludingAConvolutionsGrownSourceGrid()
    {
        var pipeline = Pipeline.Parse(ConvolutionPipeline);
        var evaluator = new RecordingEvaluator(_ => null);
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26), new RunnerOptions { Remote = evaluator })
            .RunAsync(pipeline, Coordinates.Parse(Coords));

        // sin at the request, sin at the grown grid, mean, out: every evaluation was offered to the evaluator first.
        Assert.Equal(4, evaluator.Asked.Select(a => a.Key).Distinct().Count());
        foreach (var (key, bytes) in evaluator.Asked)
        {
            var parsed = EvaluationRequest.Parse(bytes, key);
            var keys = new NodeKeys(parsed.Pipeline);
            Assert.Equal(key, NodeKeys.ResultKey(keys.NodeKey(parsed.NodeRef), parsed.Coordinates.Key));
        }
        Assert.Equal(CacheStatus.Computed, run.Nodes["out"].Status);
    }

    [Fact]
    public void ExactCoordinates_RoundTripWithTheSameKey_AlsoForGrownGrids()
    {
        Gen.Select(Gen.Double[-1000, 1000], Gen.Double[1e-4, 10], Gen.Int[1, 500], Gen.Bool).Sample((start, step, size, descending) =>
        {
            double s = descending ? -step : step;
            // The grid a Convolution asks of its source: one step further on each side of a normalised axis.
            var axis = UniformCoordinates1D.FromStep("lat", start, start + s * (size - 1), s);
            var grown = UniformCoordinates1D.FromSize("lat", axis.Start - axis.Step, axis.Stop + axis.Step, axis.Size + 2);
            var coords = new Coordinates([grown, UniformCoordinates1D.FromStep("lon", 0, 3, 1)], "EPSG:4326");
            var back = Coordinates.FromExactJson(JsonNode.Parse(coords.ToExactJson().ToJsonString()));
            return back.Key == coords.Key && back.Crs == coords.Crs;
        });
    }

    [Theory]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("""{"pipeline": {}, "coordinates": {}}""", "node: must be a node ref")]
    [InlineData("""{"node": "out", "pipeline": 3, "coordinates": {}}""", "pipeline: must be an object")]
    [InlineData("""{"node": "out", "pipeline": {"out": {"node": "algorithm.Nope"}}, "coordinates": {}}""", "evaluation request: pipeline:")]
    [InlineData("""{"node": "x", "pipeline": {"out": {"node": "algorithm.SinCoords"}}, "coordinates": {"axes": [], "crs": "EPSG:4326"}}""", "node: the pipeline has no node 'x'")]
    [InlineData("""{"node": "out", "pipeline": {"out": {"node": "algorithm.SinCoords"}}, "coordinates": {"axes": [{"name": "lat", "start": 0, "stop": 5, "step": 1, "size": 3}], "crs": "EPSG:4326"}}""", "coordinates.axes[0]: stop 5 is not start")]
    [InlineData("""{"node": "out", "pipeline": {"out": {"node": "algorithm.SinCoords"}}, "coordinates": {"axes": [{"name": "lat", "values": [1, "a"]}], "crs": "EPSG:4326"}}""", "coordinates.axes[0].values[1]: must be a number")]
    [InlineData("""{"node": "out", "pipeline": {"out": {"node": "algorithm.SinCoords"}}, "coordinates": {"axes": [{"name": "lat", "values": [1]}, {"name": "lat", "values": [2]}], "crs": "EPSG:4326"}}""", "coordinates.axes: dim 'lat' appears twice")]
    [InlineData("""{"node": "out", "pipeline": {"out": {"node": "algorithm.SinCoords"}}, "coordinates": {"axes": [{"name": "lat", "values": [1]}], "crs": "EPSG:4326"}}""", "has ResultKey")]
    public void TamperedOrForeignRequests_AreRefusedNamingThePart(string text, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => EvaluationRequest.Parse(Encoding.UTF8.GetBytes(text), Key.Hash("some other key")));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void InvalidUtf8_IsRefused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => EvaluationRequest.Parse(new byte[] { 0x7b, 0xff, 0xfe, 0x7d }, Key.Hash("k")));
        Assert.Contains("not UTF-8", ex.Message);
    }

    [Fact]
    public void Subgraph_BringsTheNodesItsLookupAttrsName_SoItParsesOnItsOwn()
    {
        var pipeline = Pipeline.Parse("""
            {"a": {"node": "algorithm.Arange"},
             "params": {"node": "algorithm.SinCoords"},
             "c": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
             "d": {"node": "algorithm.CoordData", "lookup_attrs": {"coord_name": "c.coord_name"}},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "a", "D": "d"}, "attrs": {"eqn": "A + D"}}}
            """);
        var sub = pipeline.Subgraph("d");
        Assert.True(sub.ContainsKey("c"));
        Assert.False(sub.ContainsKey("params"));
        var reparsed = Pipeline.FromJson(sub);
        Assert.Equal(new NodeKeys(pipeline).NodeKey("d"), new NodeKeys(reparsed).NodeKey("d"));
    }
}
