using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>A cluster owner keys a remote source with the requester's version token, never with one it would resolve later.</summary>
public sealed class RemoteEvaluationRequestTests : IAsyncLifetime
{
    private RangeHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await RangeHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class Recording : IRemoteEvaluator
    {
        public ConcurrentQueue<(Key Key, byte[] Request)> Asked { get; } = new();

        public ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken)
        {
            Asked.Enqueue((resultKey, request()));
            return ValueTask.FromResult<RemoteEvaluation?>(null);
        }
    }

    [Fact]
    public async Task TheRequestCarriesTheToken_TheOwnerRebuildsTheKeyWithIt_ATamperedTokenIsRefused()
    {
        _server.Put("/a.tif", new TestTiff { Width = 40, Height = 40, Tile = 16 }.ToBytes());
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": \"" + _server.UrlOf("/a.tif") +
            "\"}}, \"out\": {\"node\": \"algorithm.Arithmetic\", \"inputs\": {\"A\": \"r\"}, \"attrs\": {\"eqn\": \"A + 1\"}}}");
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [39.5, 38]}, {"name": "lon", "values": [-105, -100]}]}""");
        var evaluator = new Recording();
        var cache = TieredCache.InMemory(1L << 26);
        await new PipelineRunner(cache, new RunnerOptions { Remote = evaluator }).RunAsync(pipeline, coords);
        Assert.NotEmpty(evaluator.Asked);
        string etag = "etag:" + _server.ETagOf("/a.tif");
        foreach (var (key, bytes) in evaluator.Asked)
        {
            var parsed = EvaluationRequest.Parse(bytes, key);
            Assert.Equal(etag, parsed.SourceTokens!["r"]);
        }
        _server.ClearLog();
        var (k, request) = evaluator.Asked.First();
        // The owner checked the key without asking the server.
        EvaluationRequest.Parse(request, k);
        Assert.Empty(_server.Requests);

        var tampered = JsonNode.Parse(request)!.AsObject();
        tampered["sources"]!["r"] = "etag:\"other\"";
        Assert.Throws<InvalidDataException>(() => EvaluationRequest.Parse(Encoding.UTF8.GetBytes(tampered.ToJsonString()), k));
        tampered["sources"]!["r"] = 42;
        Assert.Throws<InvalidDataException>(() => EvaluationRequest.Parse(Encoding.UTF8.GetBytes(tampered.ToJsonString()), k));
        tampered["sources"] = new JsonObject { ["nope"] = "x" };
        Assert.Throws<InvalidDataException>(() => EvaluationRequest.Parse(Encoding.UTF8.GetBytes(tampered.ToJsonString()), k));
    }

    [Fact]
    public async Task TheOwnerRunsWithTheRequestersToken_AndFailsAsChangedWhenTheObjectMovedOn()
    {
        _server.Put("/b.tif", new TestTiff { Width = 40, Height = 40, Tile = 16 }.ToBytes());
        var pipeline = Pipeline.Parse("{\"r\": {\"node\": \"data.Rasterio\", \"attrs\": {\"source\": \"" + _server.UrlOf("/b.tif") + "\"}}}");
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [39.5, 38]}, {"name": "lon", "values": [-105, -100]}]}""");
        var evaluator = new Recording();
        await new PipelineRunner(TieredCache.InMemory(1L << 26), new RunnerOptions { Remote = evaluator }).RunAsync(pipeline, coords);
        var (key, bytes) = evaluator.Asked.First();
        var what = EvaluationRequest.Parse(bytes, key);

        var owner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await owner.RunAsync(what.Pipeline, what.Coordinates, what.NodeRef, what.SourceTokens);
        Assert.Equal(key, run.Nodes[what.NodeRef].ResultKey);

        _server.Put("/b.tif", new TestTiff { Width = 40, Height = 40, Tile = 16, Value = (b, r, c) => -1 }.ToBytes());
        var ex = await Assert.ThrowsAsync<SourceException>(() =>
            new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(what.Pipeline, what.Coordinates, what.NodeRef, what.SourceTokens));
        Assert.Equal(SourceFailure.Changed, ex.Failure);
    }
}
