using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes;

/// <summary>
/// An application's own node on a registry instance it owns: parsed, run, reopened from the manifest and listed by
/// the catalogue through that instance, with the built-in registry untouched; an I/O-bound node evaluates
/// asynchronously.
/// </summary>
public sealed class CustomNodeTests
{
    /// <summary><c>myapp.Scale</c>: its source times <c>factor</c>, after awaiting (as a node waiting for I/O would).</summary>
    private sealed class ScaleNode(double factor) : Node
    {
        public static int AsyncEvaluations;

        public static NodeType Type { get; } = new("myapp.Scale", ["myapp.nodes.Scale"], 1,
            [new AttrSpec("factor", AttrType.Number, JsonValue.Create(2.0))], InputSpec.Named("source"), extentDependent: false,
            ctx => ctx.HasErrors ? null : new ScaleNode(ctx.GetDouble("factor")));

        public override DataArray Evaluate(NodeContext context) => throw new InvalidOperationException("the executor calls EvaluateAsync");

        public override async ValueTask<DataArray> EvaluateAsync(NodeContext context)
        {
            await Task.Yield();
            Interlocked.Increment(ref AsyncEvaluations);
            var source = context.Input("source");
            return new DataArray(source.Coordinates, source.Data.Select(v => v * factor).ToArray());
        }
    }

    private const string Json = """
        {"s": {"node": "algorithm.SinCoords"}, "x": {"node": "myapp.nodes.Scale", "attrs": {"factor": 3}, "inputs": {"source": "s"}}}
        """;

    private static readonly Coordinates Grid = Coordinates.Parse(
        """{"coords": [{"name": "lat", "start": 10, "stop": 30, "step": 10}, {"name": "lon", "start": 0, "stop": 20, "step": 10}]}""");

    [Fact]
    public async Task ACustomNode_OnAnInstanceRegistry_RunsAndReopens_WithoutTouchingTheBuiltInRegistry()
    {
        var registry = NodeRegistry.CreateDefault();
        registry.Register(ScaleNode.Type);

        var pipeline = Pipeline.Parse(Json, registry);
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 24), new RunnerOptions { Registry = registry });
        int before = ScaleNode.AsyncEvaluations;
        var run = await runner.RunAsync(pipeline, Grid);

        var sin = (await runner.RunAsync(pipeline, Grid, "s")).Output!;
        Assert.Equal(sin.Data.Select(v => v * 3).ToArray(), run.Output!.Data);
        Assert.Equal(before + 1, ScaleNode.AsyncEvaluations);
        Assert.Same(registry, runner.Registry);

        var reopened = PipelineRun.Open(run.ToJsonString(), runner);
        Assert.Equal("myapp.Scale", reopened.Pipeline["x"].Type.Name);
        Assert.Contains(NodeCatalog.ToJson(registry)["nodes"]!.AsArray(), n => n!["node"]!.GetValue<string>() == "myapp.Scale");

        // The built-in registry, and every runner not handed the instance, know nothing of it.
        Assert.False(NodeRegistry.Default.TryResolve("myapp.Scale", out _));
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(Json));
        Assert.Contains(ex.Errors, e => e.Path == "x.node" && e.Message.Contains("unknown node type 'myapp.nodes.Scale'", StringComparison.Ordinal));
        Assert.Throws<PipelineException>(() => PipelineRun.Open(run.ToJsonString(), new PipelineRunner(TieredCache.InMemory(1L << 20))));
    }
}
