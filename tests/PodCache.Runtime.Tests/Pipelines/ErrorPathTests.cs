using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Tests.Pipelines;

/// <summary>
/// An error's path is a JSON path into the pipeline file as its author wrote it (issue 15): followed segment by
/// segment from the top of that document, it lands on the offending value. No invented <c>nodes.</c> prefix.
/// </summary>
public sealed class ErrorPathTests
{
    private const string Sin = "\"s\": {\"node\": \"algorithm.SinCoords\"}";

    /// <summary>The value at <paramref name="path"/> (<c>a.b[0].c</c>) in <paramref name="root"/>; fails when there is none.</summary>
    private static JsonNode? Resolve(JsonNode root, string path)
    {
        JsonNode? at = root;
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                int index = int.Parse(path[(i + 1)..close], CultureInfo.InvariantCulture);
                var array = Assert.IsType<JsonArray>(at, exactMatch: false);
                Assert.True(index < array.Count, $"{path}: no item {index}");
                at = array[index];
                i = close + 1;
            }
            else
            {
                if (path[i] == '.') i++;
                int end = path.IndexOfAny(['.', '['], i);
                if (end < 0) end = path.Length;
                string key = path[i..end];
                var obj = Assert.IsType<JsonObject>(at, exactMatch: false);
                Assert.True(obj.ContainsKey(key), $"{path}: no key '{key}' in {obj.ToJsonString()}");
                at = obj[key];
                i = end;
            }
        }
        return at;
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // pipeline, the error's path, the JSON of the value it must land on
        { "{" + Sin + ", \"out\": {\"node\": \"algorithm.Arithmetic\", \"inputs\": {\"A\": \"s\"}, \"attrs\": {\"eqn\": \"A + C\"}}}", "out.attrs.eqn", "\"A + C\"" },
        { "{\"a\": {\"node\": \"algorithm.SinCoords\", \"colour\": 7}}", "a.colour", "7" },
        { "{\"a\": {\"node\": \"algorithm.Nope\"}}", "a.node", "\"algorithm.Nope\"" },
        { "{\"m\": {\"node\": \"algorithm.Arithmetic\", \"inputs\": {\"A\": \"ghost\"}, \"attrs\": {\"eqn\": \"A\"}}}", "m.inputs.A", "\"ghost\"" },
        { "{" + Sin + ", \"m\": {\"node\": \"algorithm.Mean\", \"inputs\": {\"source\": \"s.source\"}}}", "m.inputs.source", "\"s.source\"" },
        { "{" + Sin + ", \"m\": {\"node\": \"algorithm.Mean\", \"source\": \"s\"}}", "m.source", "\"s\"" },
        { "{\"a\": {\"node\": \"data.Array\", \"attrs\": {\"source\": [1], \"coordinates\": {\"coords\": [{\"name\": \"lat\", \"start\": 0, \"stop\": 1, \"step\": 0}]}}}}",
            "a.attrs.coordinates.coords[0].step", "0" },
        { "{\"nodes\": {\"a\": {\"node\": \"algorithm.SinCoords\"}}}", "nodes", "{\"a\":{\"node\":\"algorithm.SinCoords\"}}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParseError_PathLandsOnTheOffendingValue_InTheFileAsWritten(string json, string path, string value)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(json));
        var error = Assert.Single(ex.Errors, e => e.Path == path);
        Assert.Equal(ErrorDocument.Pipeline, error.Document);
        var at = Resolve(JsonNode.Parse(json)!, error.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(value), at), $"{error.Path} is {at?.ToJsonString()}, not {value}");
        Assert.All(ex.Errors, e => Resolve(JsonNode.Parse(json)!, e.Path));
        Assert.All(ex.Errors, e => Assert.Equal(ErrorDocument.Pipeline, e.Document));
    }

    private sealed class RefuseAll : ISourceAccessPolicy
    {
        public string? Refuse(string location) => "refused here";
    }

    [Fact]
    public async Task RunError_SourceRefusedAndRequestLackingADim_AreInThePipelineDocumentToo()
    {
        const string Json = """
            {"dem": {"node": "data.Raster", "attrs": {"source": "/nowhere/dem.tif"}},
             "arr": {"node": "data.Array", "attrs": {"source": [1], "coordinates": {"coords": [{"name": "alt", "values": [5]}]}}}}
            """;
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""");
        var pipeline = Pipeline.Parse(Json);

        var refusing = new PipelineRunner(PodCache.Cache.TieredCache.InMemory(1 << 20), new RunnerOptions { Sources = new RefuseAll() });
        var refused = await Assert.ThrowsAsync<PipelineException>(() => refusing.RunAsync(pipeline, coords, "dem"));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("dem.attrs.source", ErrorDocument.Pipeline), (error.Path, error.Document));
        Assert.Equal("/nowhere/dem.tif", Resolve(JsonNode.Parse(Json)!, error.Path)?.GetValue<string>());

        var runner = new PipelineRunner(PodCache.Cache.TieredCache.InMemory(1 << 20));
        var planned = await Assert.ThrowsAsync<PipelineException>(() => runner.RunAsync(pipeline, coords, "arr"));
        error = Assert.Single(planned.Errors);
        Assert.Equal(("arr", ErrorDocument.Pipeline), (error.Path, error.Document));
        Resolve(JsonNode.Parse(Json)!, error.Path);
    }

    [Fact]
    public void CoordinatesErrors_AreNotMarkedAsPipelineErrors()
    {
        var ex = Assert.Throws<PipelineException>(() => Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 0}]}"""));
        Assert.All(ex.Errors, e => Assert.Equal(ErrorDocument.Read, e.Document));
    }
}
