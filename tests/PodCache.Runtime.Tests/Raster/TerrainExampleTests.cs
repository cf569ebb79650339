using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Raster;

public sealed class TerrainExampleTests
{
    private static readonly string PipelineDir = Path.Combine(TestPaths.Examples, "pipelines", "terrain");

    /// <summary>
    /// The checked-in examples/data/terrain.tif is exactly what <see cref="TerrainExample.Generate"/> writes. To change
    /// the example, change the generator and run this test once with PODCACHE_WRITE_EXAMPLES=1, which rewrites the file.
    /// </summary>
    [Fact]
    public void Generate_MatchesTheCheckedInFile()
    {
        var bytes = TerrainExample.Generate();
        if (Environment.GetEnvironmentVariable("PODCACHE_WRITE_EXAMPLES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(TerrainExample.CheckedInPath)!);
            File.WriteAllBytes(TerrainExample.CheckedInPath, bytes);
        }
        using var dir = new TempDir();
        string fresh = dir.File("terrain.tif");
        File.WriteAllBytes(fresh, bytes);

        Assert.True(File.Exists(TerrainExample.CheckedInPath), $"missing {TerrainExample.CheckedInPath}");
        Assert.Equal(File.ReadAllBytes(TerrainExample.CheckedInPath), File.ReadAllBytes(fresh));
        Assert.InRange(bytes.Length, 1000, 20_000);
    }

    private static async Task<DataArray> RunRaster(string coordsJson)
    {
        var pipeline = Pipeline.Parse(
            "{\"terrain\": {\"node\": \"data.Raster\", \"attrs\": {\"source\": " + System.Text.Json.JsonSerializer.Serialize(TerrainExample.CheckedInPath) + "}}}");
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, Coordinates.Parse(coordsJson));
        return run.Output!;
    }

    [Fact]
    public async Task CheckedInFile_ReadWhole_HasTheGeneratorsValuesAndHole()
    {
        var a = await RunRaster("""{"coords": [{"name": "lat", "start": 40, "stop": 39, "step": -0.015625}, {"name": "lon", "start": -106, "stop": -105, "step": 0.015625}]}""");

        // The request's bounds are pixel edges, so the selection is all 64 x 64 centres.
        Assert.Equal([64, 64], a.Shape);
        Assert.Equal(40 - 0.5 / 64, a.Coordinates["lat"][0], 12);
        Assert.Equal(39 + 0.5 / 64, a.Coordinates["lat"][63], 12);
        Assert.Equal(-106 + 0.5 / 64, a.Coordinates["lon"][0], 12);
        int nan = 0;
        for (int r = 0; r < 64; r++)
        {
            for (int c = 0; c < 64; c++)
            {
                float e = TerrainExample.Elevation(r, c);
                if (e == TerrainExample.NoData)
                {
                    nan++;
                    Assert.True(double.IsNaN(a[r, c]));
                }
                else
                {
                    Assert.Equal((double)e, a[r, c]);
                }
            }
        }
        Assert.Equal(49, nan);
    }

    [Fact]
    public async Task ExamplePipeline_RasterNodeAtTheExampleCoords_ReadsTheSubWindow()
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(PipelineDir, "pipeline.json")))!.AsObject();
        var terrain = definition["terrain"]!.AsObject();
        Assert.Equal("data.Raster", (string?)terrain["node"]);
        // Relative to the pipeline file's folder, as every relative source path is.
        Assert.Equal("../../data/terrain.tif", (string?)terrain["attrs"]!["source"]);
        Assert.Equal(Path.GetFullPath(TerrainExample.CheckedInPath),
            Path.GetFullPath(Path.Combine(PipelineDir, (string)terrain["attrs"]!["source"]!)));
        Assert.True(File.Exists(TerrainExample.CheckedInPath));

        var a = await RunRaster(File.ReadAllText(Path.Combine(PipelineDir, "coords.json")));

        // coords.json asks for rows 15..40 and columns 15..40 exactly.
        Assert.Equal([26, 26], a.Shape);
        Assert.Equal(40 - 15.5 / 64, a.Coordinates["lat"][0], 12);
        Assert.Equal(-106 + 15.5 / 64, a.Coordinates["lon"][0], 12);
        Assert.Equal((double)TerrainExample.Elevation(15, 15), a[0, 0]);
        Assert.Equal((double)TerrainExample.Elevation(40, 40), a[25, 25]);
        Assert.True(double.IsNaN(a[40 - 15, 20 - 15]));
    }

    /// <summary>The whole example (raster → 3x3 mean → raster − mean), run from the repository root's point of view.</summary>
    [Fact]
    public async Task ExamplePipeline_Run_GivesSourceMinusLocalMean()
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(PipelineDir, "pipeline.json")))!.AsObject();
        // The relative source resolves against the pipeline's folder, wherever the test runs from.
        if (!PodCache.Runtime.Nodes.NodeRegistry.Default.TryResolve("algorithm.Convolution", out _))
        {
            // Until Convolution is registered the example cannot load; the raster tests above still run.
            var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(definition.ToJsonString(), baseDirectory: PipelineDir));
            Assert.Contains("algorithm.Convolution", ex.Message);
            return;
        }
        var pipeline = Pipeline.Parse(definition.ToJsonString(), baseDirectory: PipelineDir);
        var coords = Coordinates.Parse(File.ReadAllText(Path.Combine(PipelineDir, "coords.json")));

        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, coords);
        var a = run.Output!;

        Assert.Equal([26, 26], a.Shape);
        int nan = 0;
        for (int i = 0; i < 26; i++)
        {
            for (int j = 0; j < 26; j++)
            {
                int r = i + 15, c = j + 15;
                double sum = 0;
                for (int dr = -1; dr <= 1; dr++)
                {
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        float e = TerrainExample.Elevation(r + dr, c + dc);
                        sum += e == TerrainExample.NoData ? double.NaN : e;
                    }
                }
                float centre = TerrainExample.Elevation(r, c);
                double expected = (centre == TerrainExample.NoData ? double.NaN : centre) - sum / 9;
                if (double.IsNaN(expected))
                {
                    nan++;
                    Assert.True(double.IsNaN(a[i, j]), $"({i}, {j}) should be NaN");
                }
                else
                {
                    Assert.True(Math.Abs(a[i, j] - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"({i}, {j}): {a[i, j]} != {expected}");
                }
            }
        }
        Assert.InRange(nan, 1, 100);
    }
}
