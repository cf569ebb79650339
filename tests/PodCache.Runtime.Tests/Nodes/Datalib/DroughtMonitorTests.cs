using System.Diagnostics;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Nodes.Datalib;

/// <summary>
/// datalib.drought_monitor's DroughtMonitorCategory (data.Zarr under another name) and DroughtCategory over a store
/// written by python zarr as PODPAC's drought parameters are (one array per threshold, d0 … d4, and the soil moisture),
/// compared with the category numpy computes from PODPAC's formula on the same arrays.
/// </summary>
public sealed class DroughtMonitorTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    // The thresholds rise from d4 to d0 as in the real store; a few cells are made to hit PODPAC's edge cases: equal
    // thresholds (0 x inf = NaN), NaN moisture, moisture below 0 and above 0.75, moisture exactly on a threshold.
    private const string Script = """
        import sys, json, zarr, numcodecs, numpy as np
        path = sys.argv[1]
        rng = np.random.default_rng(20261202)
        lat = np.linspace(49, 25, 25)
        lon = np.linspace(-125, -68, 58)
        shape = (lat.size, lon.size)
        base = rng.uniform(0.02, 0.08, shape)
        steps = rng.uniform(0.01, 0.06, (5,) + shape)
        d4 = base
        d3 = d4 + steps[0]; d2 = d3 + steps[1]; d1 = d2 + steps[2]; d0 = d1 + steps[3]
        sm = rng.uniform(-0.05, 0.85, shape)
        d3[0, 0] = d4[0, 0]; sm[0, 0] = d4[0, 0]          # a zero-width segment hit exactly
        sm[0, 1] = np.nan
        sm[0, 2] = -0.01
        sm[0, 3] = 0.9
        sm[0, 4] = d2[0, 4]
        sm[0, 5] = 0.75
        g = zarr.open_group(path, mode='w')
        g.array('lat', lat, chunks=(10,))
        g.array('lon', lon, chunks=(20,))
        for name, a in [('d0', d0), ('d1', d1), ('d2', d2), ('d3', d3), ('d4', d4), ('sm', sm)]:
            g.array(name, a, chunks=(8, 16), compressor=numcodecs.Blosc(cname='zstd', clevel=3, shuffle=numcodecs.Blosc.SHUFFLE))
        # PODPAC's DroughtCategory.algorithm, written out in numpy.
        with np.errstate(all='ignore'):
            cat = ((sm >= 0) * (sm < d4) * ((sm - 0) / (d4 - 0) + 0)
                + (sm >= d4) * (sm < d3) * ((sm - d4) / (d3 - d4) + 1)
                + (sm >= d3) * (sm < d2) * ((sm - d3) / (d2 - d3) + 2)
                + (sm >= d2) * (sm < d1) * ((sm - d2) / (d1 - d2) + 3)
                + (sm >= d1) * (sm < d0) * ((sm - d1) / (d0 - d1) + 4)
                + (sm >= d0) * (sm < 0.75) * ((sm - d0) / (0.75 - d1) + 5)
                + (sm >= 0.75) * 6)
        out = {'category': [[None if np.isnan(v) else float(v) for v in row] for row in cat], 'd2': d2.tolist()}
        sys.stdout.write(json.dumps(out))
        """;

    private (double?[][] Category, double[][] D2) Write(string name)
    {
        string script = _tmp.File("make-drought.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, _tmp.File(name)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"python zarr could not write the store (apt-get install python3-zarr): {err}");
        }
        var doc = JsonDocument.Parse(output).RootElement;
        return (JsonSerializer.Deserialize<double?[][]>(doc.GetProperty("category").GetRawText())!,
            JsonSerializer.Deserialize<double[][]>(doc.GetProperty("d2").GetRawText())!);
    }

    private static readonly Coordinates WholeGrid =
        Coordinates.Parse("""{"coords": [{"name": "lat", "start": 49, "stop": 25, "step": -1}, {"name": "lon", "start": -125, "stop": -68, "step": 1}]}""");

    private static string Category(string store, string smNode = "data.Zarr")
    {
        string src = JsonSerializer.Serialize(store);
        string d(int i) => $"\"d{i}\": {{\"node\": \"datalib.drought_monitor.DroughtMonitorCategory\", \"attrs\": {{\"source\": {src}, \"data_key\": \"d{i}\"}}}},";
        return "{" + d(0) + d(1) + d(2) + d(3) + d(4)
            + $"\"sm\": {{\"node\": \"{smNode}\", \"attrs\": {{\"source\": {src}, \"data_key\": \"sm\"}}}},"
            + "\"cat\": {\"node\": \"datalib.drought_monitor.DroughtCategory\", \"inputs\": {\"soil_moisture\": \"sm\", \"d0\": \"d0\", \"d1\": \"d1\", \"d2\": \"d2\", \"d3\": \"d3\", \"d4\": \"d4\"}}}";
    }

    [Fact]
    public async Task DroughtCategory_OverAStoreOfThresholds_EqualsNumpyOnPodpacsFormula()
    {
        var (expected, _) = Write("drought.zarr");
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(Pipeline.Parse(Category(_tmp.File("drought.zarr"))), WholeGrid);
        var a = run.Output!;
        Assert.Equal(new[] { 25, 58 }, a.Shape);
        int nan = 0;
        for (int r = 0; r < 25; r++)
        {
            for (int c = 0; c < 58; c++)
            {
                if (expected[r][c] is { } v)
                {
                    Assert.Equal(v, a[r, c], 12);
                }
                else
                {
                    nan++;
                    Assert.True(double.IsNaN(a[r, c]), $"cell ({r}, {c}) is {a[r, c]}, numpy has NaN");
                }
            }
        }
        // The zero-width segment (0 x inf) and the NaN moisture.
        Assert.True(nan >= 2);
        Assert.True(double.IsNaN(a[0, 0]) && double.IsNaN(a[0, 1]));
        Assert.Equal(0, a[0, 2]);
        Assert.Equal(6, a[0, 3]);
        Assert.Equal(6, a[0, 5]);
    }

    [Fact]
    public async Task DroughtMonitorCategory_ReadsAsDataZarr_UnderKeysOfItsOwn()
    {
        var (_, d2) = Write("d.zarr");
        string src = JsonSerializer.Serialize(_tmp.File("d.zarr"));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var pipeline = Pipeline.Parse(
            "{\"dm\": {\"node\": \"datalib.drought_monitor.DroughtMonitorCategory\", \"attrs\": {\"source\": " + src + ", \"data_key\": \"d2\"}},"
            + "\"z\": {\"node\": \"data.Zarr\", \"attrs\": {\"source\": " + src + ", \"data_key\": \"d2\"}},"
            + "\"out\": {\"node\": \"algorithm.Arithmetic\", \"inputs\": {\"A\": \"dm\", \"B\": \"z\"}, \"attrs\": {\"eqn\": \"A - B\"}}}");
        var run = await runner.RunAsync(pipeline, WholeGrid);
        Assert.Equal(d2.SelectMany(r => r).ToArray(), (await run.GetAsync("dm")).Values.ToArray());
        Assert.All(run.Output!.Values.ToArray(), v => Assert.Equal(0, v));
        Assert.NotEqual(run.Nodes["dm"].NodeKey, run.Nodes["z"].NodeKey);
    }

    [Theory]
    [InlineData("\"node\": \"datalib.DroughtMonitorCategory\"")]
    [InlineData("\"node\": \"podpacdatalib.drought_monitor.DroughtMonitorCategory\"")]
    [InlineData("\"plugin\": \"podpacdatalib.drought_monitor\", \"node\": \"DroughtMonitorCategory\"")]
    [InlineData("\"plugin\": \"podpacdatalib\", \"node\": \"drought_monitor.DroughtMonitorCategory\"")]
    [InlineData("\"plugin\": \"podpac\", \"node\": \"datalib.drought_monitor.DroughtMonitorCategory\"")]
    public void TheNamesPodpacWrites_AreOneTypeWithOneKey(string naming)
    {
        static string Key(string pipeline) => Pipeline.Parse(pipeline).Nodes.Single().Type.Name;
        string canonical = """{"a": {"node": "datalib.drought_monitor.DroughtMonitorCategory", "attrs": {"source": "d.zarr", "data_key": "d0"}}}""";
        string other = "{\"a\": {" + naming + ", \"attrs\": {\"source\": \"d.zarr\", \"data_key\": \"d0\"}}}";
        Assert.Equal("datalib.drought_monitor.DroughtMonitorCategory", Key(other));
        Assert.Equal(new NodeKeys(Pipeline.Parse(canonical)).NodeKey("a"), new NodeKeys(Pipeline.Parse(other)).NodeKey("a"));
    }

    [Fact]
    public void DroughtCategory_NeedsAllSixInputs_AtTheInputsPath()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"s": {"node": "algorithm.SinCoords"},
             "cat": {"node": "datalib.drought_monitor.DroughtCategory", "inputs": {"soil_moisture": "s", "d0": "s"}}}
            """));
        Assert.Contains(ex.Errors, e => e.Path == "cat.inputs" && e.Message.Contains("'d4'", StringComparison.Ordinal));
    }
}
