using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Server;

namespace PodCache.Cli.Tests.Server;

/// <summary>A podcache server in this process on a free 127.0.0.1 port, over a temporary cache directory.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly TempDir _dir;

    private TestServer(TempDir dir, LocalRunService service, PodCacheServer server, string? token)
    {
        _dir = dir;
        Service = service;
        Server = server;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public LocalRunService Service { get; }

    public PodCacheServer Server { get; }

    public HttpClient Client { get; }

    public string CacheDir => Path.Combine(_dir.Path, "cache");

    /// <summary>The server's data root (its temporary directory): the only place its pipelines may read files from.</summary>
    public string DataRoot => _dir.Path;

    /// <summary>
    /// <see cref="CaseBody"/> for a case with data files beside its pipeline: the files are copied into the data root and
    /// the pipeline's relative <c>source</c> names made absolute there (a posted pipeline has no folder of its own, so
    /// its relative paths would resolve against the server's working directory).
    /// </summary>
    public string CaseBodyWithData(string name)
    {
        string pipeline = File.ReadAllText(Path.Combine(CaseDir(name), "pipeline.json"));
        foreach (var entry in Directory.EnumerateFileSystemEntries(CaseDir(name)))
        {
            string fileName = Path.GetFileName(entry);
            if (fileName is "pipeline.json" or "coords.json" or "expected.json")
            {
                continue;
            }
            string copy = Path.Combine(_dir.Path, name + "-" + fileName);
            if (Directory.Exists(entry))
            {
                // A directory store (Zarr): copied whole.
                foreach (var file in Directory.EnumerateFiles(entry, "*", SearchOption.AllDirectories))
                {
                    string target = Path.Combine(copy, Path.GetRelativePath(entry, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(file, target, overwrite: true);
                }
            }
            else
            {
                File.Copy(entry, copy, overwrite: true);
            }
            pipeline = pipeline.Replace($"\"source\": \"{fileName}\"", $"\"source\": \"{copy}\"", StringComparison.Ordinal);
        }
        return Body(pipeline, File.ReadAllText(Path.Combine(CaseDir(name), "coords.json")));
    }

    public static async Task<TestServer> StartAsync(string? apiToken = null, long maxBodyBytes = ServerOptions.DefaultMaxBodyBytes,
        bool clientSendsToken = true, bool saveRuns = true, long? maxInFlightBytes = null)
    {
        var dir = new TempDir();
        // Its temporary directory is its data root: tests write the rasters they read there.
        var service = LocalRunService.Open(null, Path.Combine(dir.Path, "cache"), saveRuns,
            maxInFlightBytes is { } budget ? new InFlightBudget(budget) : null, dataRoots: [dir.Path]);
        var options = new ServerOptions { Port = 0, ApiToken = apiToken, MaxBodyBytes = maxBodyBytes }.Validate();
        var server = await PodCacheServer.StartAsync(options, service, CacheSession.Codecs());
        return new TestServer(dir, service, server, clientSendsToken ? apiToken : null);
    }

    public static string CaseDir(string name) => Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", name);

    /// <summary>The request body for a conformance case, built from the files' text so bare NaN stays as PODPAC wrote it.</summary>
    public static string CaseBody(string name, string? node = null) =>
        Body(File.ReadAllText(Path.Combine(CaseDir(name), "pipeline.json")), File.ReadAllText(Path.Combine(CaseDir(name), "coords.json")), node);

    public static string Body(string pipelineJson, string coordsJson, string? node = null) =>
        $"{{\"pipeline\": {pipelineJson}, \"coordinates\": {coordsJson}{(node is null ? "" : $", \"node\": \"{node}\"")}}}";

    public Task<HttpResponseMessage> PostRunAsync(string body) =>
        Client.PostAsync("v1/runs", new StringContent(body, Encoding.UTF8, "application/json"));

    public async Task<JsonObject> PostRunOkAsync(string body)
    {
        using var r = await PostRunAsync(body);
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var r = await Client.GetAsync(path);
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts an RFC 7807 problem with <paramref name="status"/>; returns it.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage r, int status)
    {
        string text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"expected {status}, got {(int)r.StatusCode}: {text}");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var p = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(status, p["status"]!.GetValue<int>());
        Assert.StartsWith("urn:podcache:problem:", p["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(p["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(p["detail"]!.GetValue<string>()));
        return p;
    }

    public static IReadOnlyList<string> ErrorPaths(JsonObject problem) =>
        problem["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Service.DisposeAsync();
        _dir.Dispose();
    }
}
