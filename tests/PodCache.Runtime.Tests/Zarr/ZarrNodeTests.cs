using System.Diagnostics;
using System.Text.Json;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Zarr;

/// <summary>
/// data.Zarr over stores written by python's zarr (and xarray's layout: <c>_ARRAY_DIMENSIONS</c>, consolidated
/// metadata): values as zarr reads them, only the window's chunks read, missing chunks as fill_value, new keys when a
/// chunk is rewritten, keys that would leave the store refused.
/// </summary>
public sealed class ZarrNodeTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private const string Script = """
        import sys, json, zarr, numcodecs, numpy as np
        path, mode = sys.argv[1], sys.argv[2]
        g = zarr.open_group(path, mode='w')
        lat = np.linspace(50, 40, 21)          # descending, 0.5 apart
        lon = np.linspace(-10, 5, 31)
        data = (np.arange(21 * 31).reshape(21, 31) * 1.5 - 100).astype('<f4')
        compressor = numcodecs.Blosc(cname='lz4', clevel=5, shuffle=numcodecs.Blosc.SHUFFLE) if mode != 'zlib' else numcodecs.Zlib(level=3)
        if mode == 'xarray':
            # xarray's layout: dims named on every array, coordinates under their own names, metadata consolidated
            g.array('y', lat, chunks=(21,)).attrs['_ARRAY_DIMENSIONS'] = ['y']
            g.array('x', lon, chunks=(31,)).attrs['_ARRAY_DIMENSIONS'] = ['x']
            a = g.array('temp', data.T, chunks=(8, 5), compressor=compressor)   # stored (x, y): lon first
            a.attrs['_ARRAY_DIMENSIONS'] = ['x', 'y']
            zarr.consolidate_metadata(path)
        else:
            g.array('lat', lat, chunks=(10,))
            g.array('lon', lon, chunks=(10,))
            a = g.array('data', data, chunks=(4, 6), compressor=compressor, fill_value=-999)
            if mode == 'sparse':
                for key in ['1.1', '2.3']:
                    del g.store['data/' + key]
        sys.stdout.write(json.dumps(data[3:13, 7:26].astype(float).tolist()))
        """;

    private double[][] Write(string name, string mode)
    {
        string script = _tmp.File("make-zarr.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, _tmp.File(name), mode]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"python zarr could not write the store (apt-get install python3-zarr python3-numcodecs): {err}");
        }
        return JsonSerializer.Deserialize<double[][]>(output)!;
    }

    private static readonly Coordinates Window =
        Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.4, 44.1]}, {"name": "lon", "values": [-6.4, 2.4]}]}""");

    private static Task<PipelineRun> Run(string store, string attrs = "", PipelineRunner? runner = null) =>
        (runner ?? new PipelineRunner(TieredCache.InMemory(1L << 26))).RunAsync(Pipeline.Parse(
            "{\"z\": {\"node\": \"core.data.zarr_source.Zarr\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(store) + attrs + "}}}"), Window);

    [Theory]
    [InlineData("blosc")]
    [InlineData("zlib")]
    public async Task AWindow_EqualsWhatZarrReads(string mode)
    {
        var expected = Write("s.zarr", mode);
        var a = (await Run(_tmp.File("s.zarr"))).Output!;
        Assert.Equal(new[] { 10, 19 }, a.Shape);
        Assert.Equal(48.5, a.Coordinates["lat"][0]);
        Assert.Equal(-6.5, a.Coordinates["lon"][0]);
        Assert.Equal(expected.SelectMany(r => r).ToArray(), a.Values.ToArray());
    }

    [Fact]
    public async Task XarrayLayout_DimsFromArrayDimensions_ConsolidatedMetadata_TransposedToTheRequest()
    {
        var expected = Write("x.zarr", "xarray");
        var a = (await Run(_tmp.File("x.zarr"), ", \"data_key\": \"temp\", \"lat_key\": \"y\", \"lon_key\": \"x\"")).Output!;
        Assert.Equal(["lat", "lon"], a.Dims);
        Assert.Equal(expected.SelectMany(r => r).ToArray(), a.Values.ToArray());
    }

    [Fact]
    public async Task MissingChunks_ReadAsFillValue()
    {
        var expected = Write("m.zarr", "sparse");
        var a = (await Run(_tmp.File("m.zarr"))).Output!;
        // Chunk (1, 1) covers rows 4..7 and columns 6..11; in the window that is rows 4..7, columns 7..11.
        for (int r = 0; r < 10; r++)
        {
            for (int c = 0; c < 19; c++)
            {
                int row = r + 3, col = c + 7;
                bool hole = (row / 4 == 1 && col / 6 == 1) || (row / 4 == 2 && col / 6 == 3);
                Assert.Equal(hole ? -999 : expected[r][c], a[r, c]);
            }
        }
    }

    [Fact]
    public async Task ARewrittenChunk_GetsNewKeys_AnUntouchedStoreIsAHit()
    {
        Write("k.zarr", "zlib");
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var first = await Run(_tmp.File("k.zarr"), runner: runner);
        var again = await Run(_tmp.File("k.zarr"), runner: runner);
        Assert.Equal(first.Nodes["z"].NodeKey, again.Nodes["z"].NodeKey);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), again.Nodes["z"].Status);
        File.SetLastWriteTimeUtc(Path.Combine(_tmp.File("k.zarr"), "data", "1.1"), DateTime.UtcNow.AddMinutes(1));
        var third = await Run(_tmp.File("k.zarr"), runner: runner);
        Assert.NotEqual(first.Nodes["z"].NodeKey, third.Nodes["z"].NodeKey);
        Assert.Equal(CacheStatus.Computed, third.Nodes["z"].Status);
    }

    private static async Task<Sources.RangeHttpServer> ServeAsync(string store, string prefix)
    {
        var server = await Sources.RangeHttpServer.StartAsync();
        foreach (var file in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories))
        {
            server.Put(prefix + "/" + Path.GetRelativePath(store, file).Replace('\\', '/'), File.ReadAllBytes(file));
        }
        return server;
    }

    internal static PipelineRunner RemoteRunner(IMemoCache cache)
    {
        var io = new PodCache.Runtime.Sources.IO.SourceIO();
        var versions = new PodCache.Runtime.Sources.IO.SourceVersions(io, new PodCache.Runtime.Sources.IO.InMemorySourceVersionStore(),
            TimeSpan.Zero, TimeSpan.Zero);
        return new PipelineRunner(cache, new RunnerOptions
        {
            SourceServices = new PodCache.Runtime.Sources.IO.SourceServices(io, versions, new PodCache.Runtime.Sources.IO.BlockCache(cache)),
        });
    }

    [Fact]
    public async Task OverHttp_EqualsTheLocalRead_FetchesOnlyTheWindowsChunks_AndASecondRunFetchesNoChunk()
    {
        var expected = Write("h.zarr", "blosc");
        await using var server = await ServeAsync(_tmp.File("h.zarr"), "/stores/h.zarr");
        string url = server.UrlOf("/stores/h.zarr").AbsoluteUri;
        var cache = TieredCache.InMemory(1L << 26);
        var run = await Run(url, runner: RemoteRunner(cache));
        Assert.Equal(expected.SelectMany(r => r).ToArray(), run.Output!.Values.ToArray());
        // Rows 3..12 and columns 7..25 of 4 x 6 chunks: chunk rows 0..3, chunk columns 1..4 — 16 of the 30 chunks.
        var chunkGets = server.Requests.Where(r => r.Method == "GET" && r.Path.StartsWith("/stores/h.zarr/data/", StringComparison.Ordinal)
            && !r.Path.EndsWith(".zarray", StringComparison.Ordinal)).Select(r => r.Path).Distinct().ToArray();
        Assert.Equal(16, chunkGets.Length);

        server.ClearLog();
        // A new result key (another window), the same store version: the chunks come from the block cache.
        var other = await RemoteRunner(cache).RunAsync(Pipeline.Parse(
            "{\"z\": {\"node\": \"data.Zarr\", \"attrs\": {\"source\": " + JsonSerializer.Serialize(url) + "}}}"),
            Coordinates.Parse("""{"coords": [{"name": "lat", "values": [48.0, 45.1]}, {"name": "lon", "values": [-5.9, 1.4]}]}"""));
        Assert.Equal(CacheStatus.Computed, other.Nodes["z"].Status);
        Assert.DoesNotContain(server.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task OverHttp_AMissingStore_IsAnErrorAtTheSourceAttr()
    {
        await using var server = await Sources.RangeHttpServer.StartAsync();
        var ex = await Assert.ThrowsAsync<PipelineException>(() => Run(server.UrlOf("/nope.zarr").AbsoluteUri, runner: RemoteRunner(TieredCache.InMemory(1L << 20))));
        Assert.Contains("z.attrs.source", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no Zarr store", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_NameTheStoreOrTheKey_AndKeysNeverLeaveTheStore()
    {
        Write("e.zarr", "zlib");
        var noStore = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("absent.zarr")));
        Assert.Contains("absent.zarr", noStore.Message, StringComparison.Ordinal);
        var noKey = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("e.zarr"), ", \"data_key\": \"nope\""));
        Assert.Contains("nope", noKey.Message, StringComparison.Ordinal);
        File.WriteAllText(_tmp.File("secret.json"), "{}");
        var escape = await Assert.ThrowsAnyAsync<Exception>(() => Run(_tmp.File("e.zarr"), ", \"data_key\": \"../secret\""));
        Assert.Contains("../secret", escape.Message, StringComparison.Ordinal);
        var url = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"z\": {\"node\": \"data.Zarr\", \"attrs\": {\"source\": \"ftp://h/store.zarr\"}}}"));
        Assert.Contains("z.attrs.source", url.Message, StringComparison.Ordinal);
    }
}
