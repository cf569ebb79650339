using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using PodCache.Runtime.Tests.Nodes.Datalib;
using PodCache.Tests.S3;

namespace PodCache.Cli.Tests;

/// <summary>
/// <c>podcache run</c> of a TerrainTiles pipeline with the S3 endpoint from <c>sources.s3</c> (moto, tiles cut by GDAL):
/// GDAL's values, a second process fetching nothing, a bad zoom and a missing tile exit 2 naming the attr.
/// </summary>
[Collection("moto")]
public sealed class TerrainTilesCliTests(MotoFixture moto, TerrainTileSet set) : IClassFixture<TerrainTileSet>, IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private async Task<string> BucketAsync(TerrainTileSet set)
    {
        string bucket = await moto.CreateBucketAsync();
        using var client = moto.CreateClient();
        for (int j = 0; j < 2; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = set.Key(set.X0 + i, set.Y0 + j), FilePath = set.Tile(set.X0 + i, set.Y0 + j),
                    CannedACL = S3CannedACL.PublicRead,
                });
            }
        }
        return bucket;
    }

    private string Config() => _tmp.File("podcache.json", new JsonObject
    {
        ["sources"] = new JsonObject { ["s3"] = new JsonObject { ["serviceUrl"] = moto.ServiceUrl, ["forcePathStyle"] = true } },
    }.ToJsonString());

    private static string Pipeline(string bucket, int zoom) => new JsonObject
    {
        ["elevation"] = new JsonObject
        {
            ["node"] = "datalib.terraintiles.TerrainTiles",
            ["attrs"] = new JsonObject { ["bucket"] = bucket, ["zoom"] = zoom, ["tile_format"] = "geotiff", ["interpolation"] = "nearest" },
        },
    }.ToJsonString();

    private static string Coords(TerrainTileSet set, int[] rows, int[] cols) => new JsonObject
    {
        ["coords"] = new JsonArray(
            new JsonObject { ["name"] = "lat", ["values"] = new JsonArray(rows.Select(r => (JsonNode)set.Centre(r, 0).Y).ToArray()) },
            new JsonObject { ["name"] = "lon", ["values"] = new JsonArray(cols.Select(c => (JsonNode)set.Centre(0, c).X).ToArray()) }),
        ["crs"] = "EPSG:3857",
    }.ToJsonString();

    private static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FourTiles_PrintsGdalsValues_ASecondProcessFetchesNothing()
    {
        string bucket = await BucketAsync(set);
        // Rows and columns on both sides of the seams (512), from the ones GDAL was asked for.
        int[] ri = [0, 38, 39, 78], ci = [0, 46, 47, 92];
        string p = _tmp.File("tiles.json", Pipeline(bucket, 10));
        string c = _tmp.File("c.json", Coords(set, ri.Select(i => set.Rows[i]).ToArray(), ci.Select(j => set.Cols[j]).ToArray()));
        string cache = _tmp.File("cache");
        string[] args = ["run", p, "--coords", c, "--config", Config(), "--cache-dir", cache, "--format", "json"];

        var first = await CliHarness.RunProcessAsync(_tmp.Path, [.. args, "--report", _tmp.File("r1.json")], TimeSpan.FromMinutes(2));
        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}: {first.Stderr}");
        var values = JsonNode.Parse(first.Stdout)!["values"]!.AsArray();
        for (int i = 0; i < ri.Length; i++)
        {
            for (int j = 0; j < ci.Length; j++)
            {
                Assert.Equal(set.Values[ri[i]][ci[j]], values[i]![j]!.GetValue<double>());
            }
        }
        Assert.Equal("computed", JsonNode.Parse(File.ReadAllText(_tmp.File("r1.json")))!["nodes"]!["elevation"]!["status"]!.GetValue<string>());

        var second = await CliHarness.RunProcessAsync(_tmp.Path, [.. args, "--report", _tmp.File("r2.json")], TimeSpan.FromMinutes(2));
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {second.Stderr}");
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal("hit:disk", JsonNode.Parse(File.ReadAllText(_tmp.File("r2.json")))!["nodes"]!["elevation"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_BadZoom_AndAMissingTile_Exit2NamingTheAttr()
    {
        string bucket = await BucketAsync(set);
        string c = _tmp.File("c.json", Coords(set, [100, 101], [1020, 1030]));

        var zoom = await CliHarness.RunProcessAsync(_tmp.Path,
            ["run", _tmp.File("z.json", Pipeline(bucket, 22)), "--coords", c, "--config", Config(), "--cache-dir", _tmp.File("cache")], TimeSpan.FromMinutes(2));
        Assert.True(zoom.ExitCode == 2, $"exit {zoom.ExitCode}: {zoom.Stderr}");
        Assert.Contains("elevation.attrs.zoom", zoom.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(zoom.Stderr);

        // Column 1030 is past the DEM's east edge: a tile that was never uploaded.
        var missing = await CliHarness.RunProcessAsync(_tmp.Path,
            ["run", _tmp.File("m.json", Pipeline(bucket, 10)), "--coords", c, "--config", Config(), "--cache-dir", _tmp.File("cache")], TimeSpan.FromMinutes(2));
        Assert.True(missing.ExitCode == 2, $"exit {missing.ExitCode}: {missing.Stderr}");
        Assert.Contains("elevation.attrs.bucket", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("404", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket}/geotiff/10/{set.X0 + 2}/{set.Y0}.tif", missing.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(missing.Stderr);
    }
}
