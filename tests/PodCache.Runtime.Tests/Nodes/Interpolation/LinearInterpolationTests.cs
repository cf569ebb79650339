using PodCache.Cache;
using PodCache.Runtime.Execution;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

/// <summary>
/// Interpolate with <c>linear</c>/<c>bilinear</c> against xarray's <c>interp(method="linear")</c> (PODPAC 4's
/// XarrayInterpolator); the expected numbers were printed by xarray under /usr/bin/python3 on the same arrays.
/// </summary>
public sealed class LinearInterpolationTests
{
    private static async Task<DataArray> Run(string source, string lat, string lon, string method, string coords)
    {
        string pipeline = "{\"a\": {\"node\": \"data.Array\", \"attrs\": {\"source\": " + source + ", \"coordinates\": {\"coords\": ["
            + "{\"name\": \"lat\", \"values\": " + lat + "}, {\"name\": \"lon\", \"values\": " + lon + "}]}}},"
            + "\"i\": {\"node\": \"interpolators.Interpolate\", \"attrs\": {\"interpolation\": \"" + method + "\"}, \"inputs\": {\"source\": \"a\"}}}";
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 24));
        var run = await runner.RunAsync(PodCache.Runtime.Pipelines.Pipeline.Parse(pipeline), PodCache.Runtime.Coordinates.Parse(coords));
        return run.Output!;
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("bilinear")]
    public async Task InsideIsBilinear_OutsideIsNaN(string method)
    {
        // xarray: [[nan nan] [1.5 nan] [nan nan]]
        var r = await Run("[[0, 1], [2, 3]]", "[0, 1]", "[0, 1]", method,
            """{"coords": [{"name": "lat", "values": [-0.5, 0.5, 1.5]}, {"name": "lon", "values": [0.5, 2.0]}]}""");
        Assert.Equal([double.NaN, double.NaN, 1.5, double.NaN, double.NaN, double.NaN], r.Data);
    }

    [Fact]
    public async Task DescendingSource_IsInterpolatedFlipped()
    {
        // xarray: [[1.5 2.] [0.5 1.]]
        var r = await Run("[[0, 1], [2, 3]]", "[1, 0]", "[0, 1]", "linear",
            """{"coords": [{"name": "lat", "values": [0.25, 0.75]}, {"name": "lon", "values": [0.0, 0.5]}]}""");
        Assert.Equal([1.5, 2.0, 0.5, 1.0], r.Data);
    }

    [Fact]
    public async Task ANaNCornerMakesItsCellNaN_EvenWithZeroWeight()
    {
        // xarray: all NaN, also at (0, 0) and (1, 1) where the NaN corner's weight is zero.
        var r = await Run("[[0, NaN], [2, 3]]", "[0, 1]", "[0, 1]", "linear",
            """{"coords": [{"name": "lat", "values": [0.0, 0.25, 1.0]}, {"name": "lon", "values": [0.0, 0.5, 1.0]}]}""");
        Assert.All(r.Data, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public async Task ThreeByThree_InteriorNodesBelongToTheCellBelow()
    {
        var r = await Run("[[0, 1, 2], [10, 11, 12], [20, 21, 22]]", "[0, 1, 2]", "[0, 1, 2]", "linear",
            """{"coords": [{"name": "lat", "values": [0.5, 1.0, 1.5]}, {"name": "lon", "values": [1.0, 1.25]}]}""");
        Assert.Equal([6.0, 6.25, 11.0, 11.25, 16.0, 16.25], r.Data);
    }
}
