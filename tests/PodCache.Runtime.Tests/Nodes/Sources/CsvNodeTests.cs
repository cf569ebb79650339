using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Nodes.Sources;

/// <summary>
/// <c>data.CSV</c>'s stacked output, its errors and its cache round trip. Its values against PODPAC are in the
/// conformance cases 035 and 149–151.
/// </summary>
public sealed class CsvNodeTests
{
    private const string Grid = """{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 0.5}, {"name": "lon", "start": 0, "stop": 1, "step": 0.5}]}""";

    private static Task<PipelineRun> Run(string path, string attrs = "", string coords = Grid) =>
        new PipelineRunner(TieredCache.InMemory(1L << 24)).RunAsync(
            Pipeline.Parse("{\"c\": {\"node\": \"data.CSV\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path) + attrs + "}}}"),
            Coordinates.Parse(coords));

    [Fact]
    public async Task RawOutput_IsOneStackedDim_WithTheRowsAroundTheRequest()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.csv"), "lat,lon,value\n0,0,1\n0.5,0.5,2\n5,5,3\n1,1,4\n");

        var run = await Run(dir.File("p.csv"));

        var output = run.Output!;
        Assert.Equal(["lat_lon"], output.Dims);
        var stacked = Assert.IsType<StackedCoordinates1D>(output.Coordinates.Axes[0]);
        Assert.Equal([0.0, 0.5, 1.0], stacked.Part("lat")!.Points.ToArray());
        Assert.Equal([1.0, 2.0, 4.0], output.Data);
        var json = JsonDocument.Parse(DataArrayJson.ToJson(output)).RootElement;
        Assert.Equal(3, json.GetProperty("coords").GetProperty("lon").GetArrayLength());
    }

    [Fact]
    public void StackedOutput_RoundTripsThroughTheCacheCodec()
    {
        var stacked = new StackedCoordinates1D([new ArrayCoordinates1D("lon", [1, 2]), new ArrayCoordinates1D("lat", [3, 4])]);
        var array = new DataArray(new Coordinates([stacked]), [5, 6], new Dictionary<string, string> { ["bounds"] = "{}" });
        var codec = new DataArrayCodec();
        using var ms = new MemoryStream();
        codec.Encode(array, ms);
        ms.Position = 0;

        var back = (DataArray)codec.Decode(ms, ms.Length);

        Assert.Equal(array.Coordinates.Axes[0], back.Coordinates.Axes[0]);
        Assert.NotEqual(new StackedCoordinates1D([new ArrayCoordinates1D("lon", [1, 2]), new ArrayCoordinates1D("lat", [3, 5])]), back.Coordinates.Axes[0]);
        Assert.Equal(array.Data, back.Data);
    }

    [Theory]
    [InlineData("lat,lon,value\n0,0,1\n0,1\n", "line 3: 2 fields, but the file has 3 columns")]
    [InlineData("lat,lon,a,b\n0,0,1,2\n", "several data columns (a, b); name one with data_key")]
    [InlineData("lat,lon,value\n0,x,1\n", "row 1, column 'lon': 'x' is not a number")]
    [InlineData("lat,lon,value\n0,0,high\n", "'high' is not a number")]
    [InlineData("", "is empty")]
    public async Task BadFiles_FailWithWhereTheProblemIs(string text, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.csv"), text);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Run(dir.File("p.csv")));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDataKeyColumn_IsNamed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.csv"), "lat,lon,value\n0,0,1\n");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Run(dir.File("p.csv"), ", \"data_key\": \"temp\""));

        Assert.Contains("no column 'temp' (data_key; columns: lat, lon, value)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"header\": -1", "c.attrs.header")]
    [InlineData("\"lat_key\": [1]", "c.attrs.lat_key")]
    [InlineData("\"data_key\": [\"a\", \"b\"]", "c.attrs.data_key")]
    [InlineData("\"cf_time\": true", "c.attrs.cf_time")]
    public void BadAttrs_ReportTheirPath(string attr, string path)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"c\": {\"node\": \"data.CSV\", \"attrs\": {\"source\": \"p.csv\", " + attr + "}}}"));

        Assert.Contains(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public async Task ThroughInterpolate_BilinearIsRefusedClearly()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.csv"), "lat,lon,value\n0,0,1\n1,1,2\n");
        var pipeline = Pipeline.Parse("{\"c\": {\"node\": \"data.CSV\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(dir.File("p.csv"))
            + "}}, \"i\": {\"node\": \"interpolators.Interpolate\", \"attrs\": {\"interpolation\": \"bilinear\"}, \"inputs\": {\"source\": \"c\"}}}");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => new PipelineRunner(TieredCache.InMemory(1L << 24)).RunAsync(pipeline, Coordinates.Parse(Grid)));

        Assert.Contains("needs gridded source coordinates", ex.Message, StringComparison.Ordinal);
    }
}
