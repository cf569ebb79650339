using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Hdf5;

/// <summary>
/// data.H5PY on files written by h5py: every numeric type, chunked and gzip+shuffle-compressed datasets, groups, a window
/// that crosses chunks, value by value what h5py reads; errors that name the key.
/// </summary>
public sealed class H5NodeTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private const string Script = """
        import sys, h5py, numpy as np
        path, dtype, chunks, compression = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        lat = np.linspace(50, 40, 21)          # descending, 0.5 apart
        lon = np.linspace(-10, 5, 31)
        rng = np.random.default_rng(3)
        data = (rng.uniform(-100, 100, (21, 31)) if np.dtype(dtype).kind == 'f' else rng.integers(0, 100, (21, 31))).astype(dtype)
        with h5py.File(path, 'w') as f:
            f['lat'] = lat
            f['lon'] = lon
            kw = {}
            if chunks != 'none': kw['chunks'] = tuple(int(c) for c in chunks.split('x'))
            if compression != 'none': kw.update(compression='gzip', shuffle=True)
            g = f.create_group('grp')
            g.create_dataset('data', data=data, **kw)
            # rows 3..12, columns 7..25 as h5py reads them, little-endian float64, for the test to compare with
            sys.stdout.buffer.write(data[3:13, 7:26].astype('<f8').tobytes())
        """;

    private double[] Write(string name, string dtype, string chunks, string compression)
    {
        string script = _tmp.File("make.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, _tmp.File(name), dtype, chunks, compression])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3 (h5py: apt-get install python3-h5py)");
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"h5py could not write the file (apt-get install python3-h5py): {err}");
        }
        var bytes = ms.ToArray();
        var values = new double[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static async Task<DataArray> Run(string path, string dataKey = "/grp/data", string extra = "")
    {
        var pipeline = Pipeline.Parse("{\"h\": {\"node\": \"core.data.h5py_source.H5PY\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path) +
            ", \"data_key\": " + JsonSerializer.Serialize(dataKey) + ", \"lat_key\": \"/lat\", \"lon_key\": \"/lon\"" + extra + "}}}");
        // Rows 3..12 are lat 48.5 .. 44; columns 7..25 are lon -6.5 .. 2.5 (a quarter step inside, so exactly those).
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.4, 44.1]}, {"name": "lon", "values": [-6.4, 2.4]}]}""");
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, coords);
        return run.Output!;
    }

    [Theory]
    [InlineData("<f8", "none", "none")]
    [InlineData("<f4", "4x8", "gzip")]
    [InlineData(">f8", "5x5", "none")]
    [InlineData("<i2", "6x7", "gzip")]
    [InlineData("<u1", "none", "none")]
    [InlineData(">i4", "3x31", "gzip")]
    [InlineData("<u2", "21x4", "none")]
    [InlineData("<i8", "4x4", "gzip")]
    [InlineData("<u4", "none", "none")]
    public async Task AWindow_EqualsWhatH5pyReads(string dtype, string chunks, string compression)
    {
        string name = $"t-{dtype.Replace('<', 'l').Replace('>', 'b')}-{chunks}-{compression}.h5";
        var expected = Write(name, dtype, chunks, compression);
        var a = await Run(_tmp.File(name));
        Assert.Equal(new[] { 10, 19 }, a.Shape);
        Assert.Equal(48.5, a.Coordinates["lat"][0]);
        Assert.Equal(44.0, a.Coordinates["lat"][9]);
        Assert.Equal(-6.5, a.Coordinates["lon"][0]);
        Assert.Equal(expected, a.Values.ToArray());
    }

    [Fact]
    public async Task OverHttp_EqualsTheLocalRead_AndASecondWindowFetchesNothing()
    {
        var expected = Write("r.h5", "<f4", "4x8", "gzip");
        await using var server = await Sources.RangeHttpServer.StartAsync();
        server.Put("/files/r.h5", File.ReadAllBytes(_tmp.File("r.h5")));
        string url = server.UrlOf("/files/r.h5").AbsoluteUri;
        var cache = TieredCache.InMemory(1L << 26);
        var pipeline = Pipeline.Parse("{\"h\": {\"node\": \"data.Dataset\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(url) +
            ", \"data_key\": \"/grp/data\", \"lat_key\": \"/lat\", \"lon_key\": \"/lon\"}}}");

        var run = await Zarr.ZarrNodeTests.RemoteRunner(cache).RunAsync(pipeline,
            Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.4, 44.1]}, {"name": "lon", "values": [-6.4, 2.4]}]}"""));

        Assert.Equal(expected, run.Output!.Values.ToArray());
        Assert.Contains(server.Requests, r => r.Method == "GET" && r.Path == "/files/r.h5");
        server.ClearLog();
        var other = await Zarr.ZarrNodeTests.RemoteRunner(cache).RunAsync(pipeline,
            Coordinates.Parse("""{"coords": [{"name": "lat", "values": [49.0, 47.1]}, {"name": "lon", "values": [0.1, 4.0]}]}"""));
        Assert.Equal(CacheStatus.Computed, other.Nodes["h"].Status);
        Assert.DoesNotContain(server.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task OverHttp_AMissingFile_IsAnErrorAtTheSourceAttr()
    {
        await using var server = await Sources.RangeHttpServer.StartAsync();
        var pipeline = Pipeline.Parse("{\"h\": {\"node\": \"data.H5PY\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(server.UrlOf("/nope.h5").AbsoluteUri) +
            ", \"data_key\": \"/grp/data\"}}}");

        var ex = await Assert.ThrowsAsync<PipelineException>(() => Zarr.ZarrNodeTests.RemoteRunner(TieredCache.InMemory(1L << 20)).RunAsync(pipeline,
            Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.4]}, {"name": "lon", "values": [2.4]}]}""")));

        Assert.Contains("h.attrs.source", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NanVals_BecomeNanVal()
    {
        var expected = Write("n.h5", "<i2", "none", "none");
        double hole = expected[5];
        var a = await Run(_tmp.File("n.h5"), extra: ", \"nan_vals\": [" + hole.ToString(CultureInfo.InvariantCulture) + "], \"nan_val\": -1");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] == hole ? -1 : expected[i], a.Values[i]);
        }
    }

    [Fact]
    public async Task Errors_NameTheKeyOrTheFile()
    {
        Write("e.h5", "<f8", "none", "none");
        var missingKey = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("e.h5"), "/grp/nope"));
        Assert.Contains("/grp/nope", missingKey.Message, StringComparison.Ordinal);
        var missingFile = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("absent.h5")));
        Assert.Contains("absent.h5", missingFile.Message, StringComparison.Ordinal);
        File.WriteAllText(_tmp.File("not.h5"), "this is not HDF5");
        var notHdf5 = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("not.h5")));
        Assert.Contains("not.h5", notHdf5.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", notHdf5.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedAttrs_AreRefusedByName()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(
            "{\"h\": {\"node\": \"data.H5PY\", \"attrs\": {\"source\": \"x.h5\", \"cf_time\": true, \"crs\": \"EPSG:2193\"}}}"));
        Assert.Contains("h.attrs.cf_time", ex.Message, StringComparison.Ordinal);
        Assert.Contains("h.attrs.crs: EPSG:2193 is not a coordinate system PodCache can transform", ex.Message, StringComparison.Ordinal);
        var url = Assert.Throws<PipelineException>(() => Pipeline.Parse(
            "{\"h\": {\"node\": \"data.H5PY\", \"attrs\": {\"source\": \"ftp://h.example/x.h5\"}}}"));
        Assert.Contains("h.attrs.source", url.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARewrittenFile_GetsNewKeys()
    {
        Write("k.h5", "<f8", "none", "none");
        string path = _tmp.File("k.h5");
        var pipeline = Pipeline.Parse("{\"h\": {\"node\": \"data.H5PY\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(path) +
            ", \"data_key\": \"/grp/data\", \"lat_key\": \"/lat\", \"lon_key\": \"/lon\"}}}");
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.4, 44.1]}, {"name": "lon", "values": [-6.4, 2.4]}]}""");
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var first = await runner.RunAsync(pipeline, coords);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var second = await runner.RunAsync(pipeline, coords);
        Assert.NotEqual(first.Nodes["h"].NodeKey, second.Nodes["h"].NodeKey);
        Assert.Equal(CacheStatus.Computed, second.Nodes["h"].Status);
    }
}
