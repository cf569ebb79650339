using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Server;

namespace PodCache.Cli.Tests.Server;

/// <summary>
/// A real <c>podcache serve</c> process started in a data directory: a client's pipeline reads files there and nowhere
/// else, and a refused file outside gets the same answer whether it exists or not.
/// </summary>
[Collection("multi-process")]
public sealed class ServeSourceAccessTests
{
    private const string Coords = """
        {"coords": [{"name": "lat", "start": 39.7578125, "stop": 39.3671875, "step": -0.015625},
                    {"name": "lon", "start": -105.7578125, "stop": -105.3671875, "step": 0.015625}], "crs": "EPSG:4326"}
        """;

    private static string Terrain => Path.Combine(CliHarness.RepoRoot, "examples", "data", "terrain.tif");

    private static string Body(string source) =>
        TestServer.Body(new JsonObject { ["dem"] = new JsonObject { ["node"] = "data.Raster", ["attrs"] = new JsonObject { ["source"] = source } } }.ToJsonString(), Coords);

    /// <summary>root/ (the server's working directory) with dem.tif, a file link and a directory link pointing out; outside/ with a real GeoTIFF.</summary>
    private sealed class Layout : IDisposable
    {
        private readonly TempDir _tmp = new();

        public Layout()
        {
            Root = Path.Combine(_tmp.Path, "root");
            Outside = Path.Combine(_tmp.Path, "outside");
            Directory.CreateDirectory(Path.Combine(Root, "sub"));
            Directory.CreateDirectory(Outside);
            File.Copy(Terrain, Path.Combine(Root, "dem.tif"));
            File.Copy(Terrain, Path.Combine(Outside, "present.tif"));
            File.CreateSymbolicLink(Path.Combine(Root, "passwd.tif"), "/etc/passwd");
            File.CreateSymbolicLink(Path.Combine(Root, "elsewhere.tif"), Path.Combine(Outside, "present.tif"));
            Directory.CreateSymbolicLink(Path.Combine(Root, "linkdir"), Outside);
        }

        public string Root { get; }

        public string Outside { get; }

        public string Cache => Path.Combine(_tmp.Path, "cache");

        public void Dispose() => _tmp.Dispose();
    }

    private static async Task<T> WithServerAsync<T>(Layout layout, string[] extra, Func<HttpClient, Task<T>> body)
    {
        using var p = CliHarness.Start(layout.Root, ["serve", "--http-port", "0", "--cache-dir", layout.Cache, .. extra]);
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await p.StandardOutput.ReadLineAsync(startup.Token) ?? throw new InvalidOperationException("no output: " + await stderr);
            Assert.StartsWith("podcache serve: listening on http://127.0.0.1:", line);
            using var http = new HttpClient
            {
                BaseAddress = new Uri(line["podcache serve: listening on ".Length..].Split(' ')[0] + "/"),
                Timeout = TimeSpan.FromSeconds(60),
            };
            return await body(http);
        }
        finally
        {
            if (!p.HasExited)
            {
                ChildServer.Terminate(p);
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await p.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string source)
    {
        using var r = await http.PostAsync("v1/runs", new StringContent(Body(source), Encoding.UTF8, "application/json"));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private static void AssertRefused((HttpStatusCode Status, string Text) r)
    {
        Assert.True(r.Status == HttpStatusCode.BadRequest, $"{(int)r.Status}: {r.Text}");
        var errors = JsonNode.Parse(r.Text)!["errors"]!.AsArray();
        var error = Assert.Single(errors);
        Assert.Equal("pipeline.dem.attrs.source", (string?)error!["path"]);
        Assert.Equal("not under an allowed data root", (string?)error["message"]);
    }

    [Fact]
    public async Task Serve_DefaultRoot_ServesInsideRefusesEveryWayOutIdentically()
    {
        using var layout = new Layout();
        var answers = await WithServerAsync(layout, [], async http =>
        {
            var ok = await PostAsync(http, "dem.tif");
            Assert.True(ok.Status == HttpStatusCode.OK, $"{(int)ok.Status}: {ok.Text}");

            var refused = new Dictionary<string, (HttpStatusCode, string)>
            {
                ["dotdot"] = await PostAsync(http, "../../../../../../etc/passwd"),
                ["absolute"] = await PostAsync(http, "/etc/passwd"),
                ["file link out"] = await PostAsync(http, "passwd.tif"),
                ["file link to a real raster out"] = await PostAsync(http, "elsewhere.tif"),
                ["directory link out"] = await PostAsync(http, "linkdir/present.tif"),
                ["dotdot through sub"] = await PostAsync(http, "sub/../../outside/present.tif"),
                ["present outside"] = await PostAsync(http, Path.Combine(layout.Outside, "present.tif")),
                ["missing outside"] = await PostAsync(http, Path.Combine(layout.Outside, "absent.tif")),
                ["file url"] = await PostAsync(http, "file:///etc/passwd"),
                ["http url"] = await PostAsync(http, "http://127.0.0.1:1/x.tif"),
            };
            var missingInside = await PostAsync(http, "absent.tif");
            return (refused, missingInside);
        });

        foreach (var (name, r) in answers.refused.Where(kv => !kv.Key.EndsWith("url", StringComparison.Ordinal)))
        {
            try
            {
                AssertRefused(r);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"{name}: {ex.Message}");
            }
        }
        // Byte for byte the same answer for a file that exists outside and one that does not.
        Assert.Equal(answers.refused["present outside"].Item2, answers.refused["missing outside"].Item2);
        Assert.Equal(answers.refused["present outside"].Item2, answers.refused["absolute"].Item2);
        Assert.Equal(HttpStatusCode.BadRequest, answers.refused["file url"].Item1);
        Assert.Contains("pipeline.dem.attrs.source", answers.refused["http url"].Item2);
        Assert.Contains("URL not allowed", answers.refused["http url"].Item2);
        // Inside the root a missing file may say so.
        Assert.Equal(HttpStatusCode.BadRequest, answers.missingInside.Status);
        Assert.DoesNotContain("not under an allowed data root", answers.missingInside.Text);
    }

    [Fact]
    public async Task Serve_DataRootAndConfigAllowList_AddTheirDirectoriesOnly()
    {
        using var layout = new Layout();
        string config = Path.Combine(layout.Cache + "-config.json");
        File.WriteAllText(config, new JsonObject
        {
            ["sources"] = new JsonObject { ["allow"] = new JsonObject { ["files"] = new JsonArray(Path.Combine(layout.Root, "sub")) } },
        }.ToJsonString());
        File.Copy(Terrain, Path.Combine(layout.Root, "sub", "in-sub.tif"));

        var (outside, sub, root) = await WithServerAsync(layout, ["--data-root", layout.Outside, "--config", config], async http =>
            (await PostAsync(http, Path.Combine(layout.Outside, "present.tif")), await PostAsync(http, "sub/in-sub.tif"), await PostAsync(http, "dem.tif")));

        Assert.True(outside.Status == HttpStatusCode.OK, outside.Text);
        Assert.True(sub.Status == HttpStatusCode.OK, sub.Text);
        // Roots given replace the working directory as the default.
        AssertRefused(root);
    }

    [Fact]
    public async Task Serve_DataRootMissing_Exit2()
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync("serve", "--http-port", "0", "--cache-dir", tmp.Path, "--data-root", Path.Combine(tmp.Path, "nope"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--data-root", r.Stderr);
    }
}
