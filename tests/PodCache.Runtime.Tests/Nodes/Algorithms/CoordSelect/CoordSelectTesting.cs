using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes.Algorithms.CoordSelect;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Algorithms.CoordSelect;

/// <summary>Helpers the coordinate-algorithm tests share.</summary>
internal static class CoordSelectTesting
{
    /// <summary>data.Array "a": days 2020-01-01..10 × lat 0, 1, values day·10 + lat.</summary>
    public const string DailyArray = """
        "a": {"node": "data.Array", "attrs": {
              "source": [[0, 1], [10, 11], [20, 21], [30, 31], [40, 41], [50, 51], [60, 61], [70, 71], [80, 81], [90, 91]],
              "coordinates": {"coords": [{"name": "time", "start": "2020-01-01", "stop": "2020-01-10", "step": "1,D"},
                                         {"name": "lat", "values": [0, 1]}]}}}
        """;

    public static async Task<PipelineRun> RunAsync(string pipeline, string coords)
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        return await runner.RunAsync(Pipeline.Parse(pipeline), Coordinates.Parse(coords));
    }

    /// <summary>The coordinates node <paramref name="nodeRef"/> asks its source for at <paramref name="coords"/>.</summary>
    public static Coordinates Modified(string pipeline, string nodeRef, string coords) =>
        ((CoordinateModifierNode)Pipeline.Parse(pipeline)[nodeRef].Implementation).ModifiedRequest(Coordinates.Parse(coords));

    public static string[] Times(Coordinates1D axis) => Enumerable.Range(0, axis.Size).Select(i => axis.FormatPoint(axis[i])).ToArray();

    public static PipelineException ParseFails(string pipeline) => Assert.Throws<PipelineException>(() => Pipeline.Parse(pipeline));
}
