using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;
using PodCache.Tests.Cluster;
using Xunit.Abstractions;

namespace PodCache.Cli.Tests.Server;

/// <summary>
/// Three (or more) <c>podcache serve --cluster-port</c> OS processes on loopback for the cluster tests: free ports, the
/// first member as everyone's seed, each its own cache directory, <c>stable-after</c> 3 s. Every wait is bounded; on
/// failure the members' output is written to the test output and to <c>cluster-logs/</c> beside the test binaries.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>Seven nodes, two branches: every request needs seven distinct keys.</summary>
    public const string Pipeline = """
        {
          "sin": {"node": "algorithm.SinCoords"},
          "index": {"node": "algorithm.Arange"},
          "lat": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lat"}},
          "lon": {"node": "algorithm.CoordData", "attrs": {"coord_name": "lon"}},
          "a": {"node": "algorithm.Arithmetic", "inputs": {"S": "sin", "L": "lon"}, "attrs": {"eqn": "S * 2 + L / 100"}},
          "b": {"node": "algorithm.Arithmetic", "inputs": {"N": "index", "L": "lat"}, "attrs": {"eqn": "N / 1000 - L"}},
          "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "a", "B": "b"}, "attrs": {"eqn": "A * B"}},
          "podpac_output_node": "out"
        }
        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private static readonly DataArrayCodec Codec = new();
    private static readonly Pipeline Parsed = Runtime.Pipelines.Pipeline.Parse(Pipeline);

    private readonly TempDir _dir = new();
    private readonly ITestOutputHelper _output;
    private readonly string _name;
    private bool _failed;

    private TestCluster(ITestOutputHelper output, string name, IReadOnlyList<string> extraArgs)
    {
        _output = output;
        _name = name;
        Harness = new ClusterProcessHarness("dotnet", p =>
        [
            CliHarness.CliDll, "serve", "--http-port", $"{p.HttpPort}", "--cluster-port", $"{p.ClusterPort}", "--seed", p.Seed,
            "--min-members", "3", "--stable-after", "3s", "--cache-dir", Path.Combine(_dir.Path, $"m{p.Index}"), "--no-save-runs",
            .. extraArgs,
        ], _dir.Path);
    }

    public ClusterProcessHarness Harness { get; }

    public TempDir Dir => _dir;

    public IReadOnlyList<MemberProcess> Members => Harness.Members;

    /// <summary>Starts three members and waits (at most 120 s) until all are Up.</summary>
    public static async Task<TestCluster> StartAsync(ITestOutputHelper output, string name, params string[] extraArgs)
    {
        var c = new TestCluster(output, name, extraArgs);
        try
        {
            await c.Harness.StartAsync(3, "healthz", TimeSpan.FromSeconds(120));
        }
        catch
        {
            c.Failed();
            await c.DisposeAsync();
            throw;
        }
        return c;
    }

    /// <summary>Coordinates of a <paramref name="size"/> x <paramref name="size"/> grid whose first latitude is <paramref name="lat0"/>.</summary>
    public static string Coords(int lat0, int size) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"coords": [{"name": "lat", "start": {{lat0}}, "stop": {{lat0 - size + 1}}, "step": -1}, {"name": "lon", "start": 0, "stop": {{size - 1}}, "step": 1}], "crs": "EPSG:4326"}""");

    public static string Body(string coords) => TestServer.Body(Pipeline, coords);

    /// <summary>The output computed in this process, the reference for every member's answer.</summary>
    public static async Task<DataArray> ExpectedAsync(string coords)
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(Parsed, Coordinates.Parse(coords));
        return run.Output!;
    }

    /// <summary>POST /v1/runs to <paramref name="member"/>; the manifest, or an exception naming the status and problem.</summary>
    public static async Task<JsonObject> RunAsync(MemberProcess member, string body)
    {
        using var r = await Http.PostAsync(new Uri(member.Ports.HttpBase, "v1/runs"), new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"member {member.Ports.Index}: {(int)r.StatusCode} {text}", null, r.StatusCode);
        }
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Node <paramref name="nodeRef"/> computed in this process, the reference for every member's answer.</summary>
    public static async Task<DataArray> ExpectedAsync(string coords, string nodeRef)
    {
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(Parsed, Coordinates.Parse(coords));
        return await run.GetAsync(nodeRef);
    }

    /// <summary>A node of run <paramref name="runId"/> as <paramref name="member"/> serves it (msgpack, decoded).</summary>
    public static async Task<DataArray> OutputAsync(MemberProcess member, string runId, string nodeRef = "out")
    {
        using var r = await Http.GetAsync(new Uri(member.Ports.HttpBase, $"v1/runs/{runId}/nodes/{nodeRef}?format=msgpack"));
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"member {member.Ports.Index}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        byte[] bytes = await r.Content.ReadAsByteArrayAsync();
        using var ms = new MemoryStream(bytes);
        return (DataArray)Codec.Decode(ms, bytes.Length);
    }

    /// <summary>Asserts that <paramref name="actual"/> has exactly the values and shape of <paramref name="expected"/>.</summary>
    public static void AssertSame(DataArray expected, DataArray actual, string what)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.Values.ToArray();
        var a = actual.Values.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            if (!(e[i].Equals(a[i])))
            {
                Assert.Fail($"{what}: value {i} is {a[i]}, expected {e[i]}");
            }
        }
    }

    public static async Task<JsonObject> StatsAsync(MemberProcess member)
    {
        using var r = await member.GetAsync("v1/stats");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The distinct ResultKeys a manifest lists.</summary>
    public static IEnumerable<string> ResultKeys(JsonObject manifest) =>
        manifest["nodes"]!.AsObject().Select(n => n.Value!["resultKey"]!.GetValue<string>());

    /// <summary>Marks the test failed so disposal keeps the members' logs.</summary>
    public void Failed() => _failed = true;

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        if (_failed)
        {
            string logs = Path.Combine(AppContext.BaseDirectory, "cluster-logs", _name);
            Directory.CreateDirectory(logs);
            foreach (var m in Harness.Members)
            {
                File.WriteAllText(Path.Combine(logs, $"member{m.Ports.Index}.log"), m.Output);
                _output.WriteLine($"---- member {m.Ports.Index} (http {m.Ports.HttpPort}, cluster {m.Ports.ClusterPort}) ----");
                _output.WriteLine(m.Output.Length > 20_000 ? m.Output[^20_000..] : m.Output);
            }
            _output.WriteLine($"logs kept in {logs}");
        }
        _dir.Dispose();
    }
}
