using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PodCache.Runtime;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Benchmarks;

/// <summary>
/// A realistic pipeline as shipped: <c>examples/pipelines/anomaly</c> (the example GeoTIFF read by <c>data.Rasterio</c>,
/// a 5 x 5 Gaussian <c>Convolution</c>, <c>E - R</c>, and a <c>Mask</c> with an expiry) at its example coordinates:
/// cold (fresh RAM cache), warm (RAM hit), warm after restart (disk hit through a fresh cache stack over the same
/// directory), against evaluating the same nodes directly (each node's own planning and evaluation, every evaluation
/// once, no keys, cache or executor) — so the ratios are what memoized execution costs or saves on it.
/// </summary>
[MemoryDiagnoser]
public class ExamplePipelineBenchmarks : MemoizedRunBenchmarks
{
    [GlobalSetup]
    public void Setup()
    {
        string root = RepositoryRoot();
        string folder = Path.Combine(root, "examples", "pipelines", "anomaly");
        // The example names its raster relative to its own folder, as the CLI resolves it.
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "pipeline.json")))!;
        Prepare(Pipeline.FromJson(json, baseDirectory: folder), Coordinates.Parse(File.ReadAllText(Path.Combine(folder, "coords.json"))));
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "examples", "pipelines", "anomaly", "pipeline.json")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("examples/pipelines/anomaly not found above " + AppContext.BaseDirectory);
    }

    [Benchmark(Baseline = true)]
    public DataArray DirectNodes()
    {
        var done = new Dictionary<(string, PodCache.Cache.Keys.Key), DataArray>();
        return Evaluate(Pipeline.OutputRef, Coords, done);
    }

    /// <summary>Each node's own PlanInputs and Evaluate, inputs first, each (node, coordinates) once.</summary>
    private DataArray Evaluate(string nodeRef, Coordinates request, Dictionary<(string, PodCache.Cache.Keys.Key), DataArray> done)
    {
        if (done.TryGetValue((nodeRef, request.Key), out var known))
        {
            return known;
        }
        var node = Pipeline[nodeRef];
        var requests = node.Implementation.PlanInputs(request, node.Slots);
        var inputs = new Dictionary<string, DataArray>(StringComparer.Ordinal);
        foreach (var slot in node.Slots)
        {
            inputs[slot] = Evaluate(node.RefOf(slot), requests[slot], done);
        }
        var value = node.Implementation.Evaluate(new NodeContext(request, inputs, node.Slots, nodeRef)).TransposeToRequest(request);
        done[(nodeRef, request.Key)] = value;
        return value;
    }
}
