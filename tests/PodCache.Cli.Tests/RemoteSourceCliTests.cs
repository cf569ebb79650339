using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodCache.Server;
using PodCache.Cli.Tests.Server;
using PodCache.Runtime.Tests.Raster;
using PodCache.Runtime.Tests.Sources;

namespace PodCache.Cli.Tests;

/// <summary>
/// Remote sources through the CLI (SPEC §10): <c>podcache run</c> over an HTTP raster equals the local read, a second
/// process sends no request; 404 is invalid input at the source attr (exit 2), 503 a failure naming the node (exit 1),
/// credentials never printed; the plan's per-source block counts; a relative source against the pipeline's folder;
/// <c>podcache serve</c> refuses URLs not under <c>sources.allow.urls</c> before any connection; and the
/// examples/remote walk-through.
/// </summary>
[Collection("multi-process")]
public sealed partial class RemoteSourceCliTests : IAsyncLifetime
{
    private static readonly TestTiff Tiff = new() { Width = 200, Height = 200, Tile = 32, Value = (b, r, c) => r * 1000 + c };
    private static readonly byte[] TiffBytes = Tiff.ToBytes();

    private RangeHttpServer _server = null!;
    private readonly TempDir _tmp = new();

    public async Task InitializeAsync()
    {
        _server = await RangeHttpServer.StartAsync();
        _server.Put("/dem.tif", TiffBytes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tmp.Dispose();
    }

    private string Cache => Path.Combine(_tmp.Path, "cache");

    private static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Coordinates on the pixel centres of rows [r0, r0+rows) and columns [c0, c0+cols) of <see cref="Tiff"/>.</summary>
    private static string Window(int r0, int rows, int c0, int cols)
    {
        double dx = Tiff.Scale![0], dy = Tiff.Scale[1];
        double lat0 = 40 - dy * (r0 + 0.5), lon0 = -106 + dx * (c0 + 0.5);
        return $$"""{"coords": [{"name": "lat", "start": {{F(lat0)}}, "stop": {{F(lat0 - dy * (rows - 1))}}, "step": {{F(-dy)}}}, {"name": "lon", "start": {{F(lon0)}}, "stop": {{F(lon0 + dx * (cols - 1))}}, "step": {{F(dx)}}}], "crs": "EPSG:4326"}""";
    }

    private static string PipelineJson(string source) =>
        new JsonObject { ["dem"] = new JsonObject { ["node"] = "data.Rasterio", ["attrs"] = new JsonObject { ["source"] = source } } }.ToJsonString();

    private string Url(string path) => _server.UrlOf(path).AbsoluteUri;

    /// <summary>Writes p-NAME.json over <paramref name="source"/> and c-NAME.json; returns the run/plan arguments after the command.</summary>
    private string[] Files(string name, string source, string coords)
    {
        string p = _tmp.File($"p-{name}.json", PipelineJson(source));
        string c = _tmp.File($"c-{name}.json", coords);
        return [p, "--coords", c];
    }

    private static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", stderr, StringComparison.Ordinal);
    }

    private static string Describe(CliHarness.Result r) => $"exit {r.ExitCode}\nstdout:\n{r.Stdout}\nstderr:\n{r.Stderr}";

    private string RequestLog() => string.Join("\n", _server.Requests.Select(q => $"{q.Method} {q.Path} {q.Range} {q.Status} {q.BodyBytes}"));

    [Fact]
    public async Task Run_HttpSource_EqualsTheLocalRead_ASecondProcessSendsNoRequestAndHits()
    {
        string coords = Window(40, 30, 50, 60);
        string local = Path.Combine(_tmp.Path, "local.tif");
        File.WriteAllBytes(local, TiffBytes);
        var expected = await CliHarness.RunAsync(["run", .. Files("local", local, coords), "--format", "json", "--cache-dir", Path.Combine(_tmp.Path, "local-cache")]);
        Assert.True(expected.ExitCode == 0, Describe(expected));

        string[] remote = Files("remote", Url("/dem.tif"), coords);
        var first = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. remote, "--format", "json", "--cache-dir", Cache]);
        Assert.True(first.ExitCode == 0, Describe(first));
        var e = JsonNode.Parse(expected.Stdout)!;
        var a = JsonNode.Parse(first.Stdout)!;
        Assert.Equal(e.ToJsonString(), a.ToJsonString());
        Assert.Contains(_server.Requests, q => q.Method == "GET");
        Assert.True(_server.BytesSent < TiffBytes.Length, $"{_server.BytesSent} bytes sent of a {TiffBytes.Length}-byte file");

        _server.ClearLog();
        string report = _tmp.File("r2.json");
        var second = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. remote, "--format", "summary", "--cache-dir", Cache, "--report", report]);
        Assert.True(second.ExitCode == 0, Describe(second));
        // Within revalidateAfter (60 s by default) the version remembered in the machine index is used: no HEAD, no GET.
        Assert.True(_server.Requests.Count == 0, RequestLog());
        Assert.Matches(new Regex(@"^\s+dem\s+hit:disk\s", RegexOptions.Multiline), second.Stdout);
        Assert.Equal("hit:disk", JsonNode.Parse(File.ReadAllText(report))!["nodes"]!["dem"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_404_IsInvalidInputAtTheSourceAttr_Exit2_NoStackTrace()
    {
        string url = Url("/missing.tif");
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("404", url, Window(0, 2, 0, 2)), "--cache-dir", Cache]);
        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Contains("dem.attrs.source", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(url, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("404", r.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task Run_503EveryTime_IsAFailureNamingTheNode_Exit1()
    {
        _server.Put("/down.tif", TiffBytes);
        for (int i = 0; i < 64; i++)
        {
            _server.Enqueue("/down.tif", Fault.Status(503));
        }
        string url = Url("/down.tif");
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("503", url, Window(0, 2, 0, 2)), "--cache-dir", Cache]);
        Assert.True(r.ExitCode == 1, Describe(r));
        Assert.Contains("dem", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("dem.attrs.source", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(url, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("503", r.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(r.Stderr);
        // The first attempt and the retries (3 by default), no more.
        Assert.InRange(_server.RequestsTo("/down.tif").Count, 2, 4);
    }

    [Fact]
    public async Task Run_UrlWithCredentials_404_NeverPrintsThem()
    {
        var port = _server.BaseUri.Port;
        string url = $"http://user:secret@127.0.0.1:{port}/x.tif";
        var r = await CliHarness.RunProcessAsync(_tmp.Path, ["run", .. Files("creds", url, Window(0, 2, 0, 2)), "--cache-dir", Cache]);
        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Contains("dem.attrs.source", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}/x.tif", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("404", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("user:", r.Stderr, StringComparison.Ordinal);
    }

    private static readonly Regex SourceLine = new(@"^\s+dem\s+(?<url>\S+): (?<cached>\d+) blocks cached \([\d,]+ B\), (?<fetch>\d+) to fetch \((?<bytes>[\d,]+) B\)",
        RegexOptions.Multiline);

    [Fact]
    public async Task PlanSummary_ShowsBlocksToFetchBeforeTheFirstRun_AndCachedAfterIt()
    {
        string url = Url("/dem.tif");
        // Window A: rows 40-59, columns 40-59, inside tile (1, 1). Window B: rows 35-45, columns 50-62, the same tile,
        // not a sub-grid of A (so its result is computed, from cached blocks).
        string[] a = Files("planA", url, Window(40, 20, 40, 20));
        string[] b = Files("planB", url, Window(35, 11, 50, 13));

        var before = await CliHarness.RunAsync(["plan", .. a, "--format", "summary", "--cache-dir", Cache]);
        Assert.True(before.ExitCode == 0, Describe(before));
        Assert.Contains("sources:", before.Stdout, StringComparison.Ordinal);
        var m = SourceLine.Match(before.Stdout);
        Assert.True(m.Success, before.Stdout);
        Assert.Equal(url, m.Groups["url"].Value);
        Assert.Equal("0", m.Groups["cached"].Value);
        Assert.True(int.Parse(m.Groups["fetch"].Value, CultureInfo.InvariantCulture) >= 2, before.Stdout); // the header and the tile
        Assert.Matches(new Regex(@"^\s+dem\s+computed\s", RegexOptions.Multiline), before.Stdout);

        var run = await CliHarness.RunAsync(["run", .. a, "--format", "summary", "--cache-dir", Cache]);
        Assert.True(run.ExitCode == 0, Describe(run));
        Assert.Contains("sources:", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^\s+" + Regex.Escape(url) + @": fetched [\d,]+ B in \d+ requests \(\d+ blocks\), \d+ blocks from the cache", RegexOptions.Multiline),
            run.Stdout);

        // Window A itself is now a hit: nothing of it to read.
        var hit = await CliHarness.RunAsync(["plan", .. a, "--format", "summary", "--cache-dir", Cache]);
        Assert.True(hit.ExitCode == 0, Describe(hit));
        Assert.Matches(new Regex(@"^\s+dem\s+hit:disk\s", RegexOptions.Multiline), hit.Stdout);
        Assert.DoesNotContain("sources:", hit.Stdout, StringComparison.Ordinal);

        _server.ClearLog();
        var after = await CliHarness.RunAsync(["plan", .. b, "--format", "summary", "--cache-dir", Cache]);
        Assert.True(after.ExitCode == 0, Describe(after));
        Assert.DoesNotContain(_server.Requests, q => q.Method == "GET");
        // What the plan predicts for B is what the run of B does: everything from the cache, nothing fetched.
        var runB = await CliHarness.RunAsync(["run", .. b, "--format", "summary", "--cache-dir", Cache]);
        Assert.True(runB.ExitCode == 0, Describe(runB));
        Assert.Contains($"{url}: fetched 0 B in 0 requests (0 blocks)", runB.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, q => q.Method == "GET");

        m = SourceLine.Match(after.Stdout);
        Assert.True(m.Success, after.Stdout);
        Assert.True(int.Parse(m.Groups["cached"].Value, CultureInfo.InvariantCulture) >= 2, after.Stdout);
        Assert.True(m.Groups["fetch"].Value == "0" && m.Groups["bytes"].Value == "0",
            "the plan of B counts blocks to fetch that the run of B finds cached:\n" + after.Stdout + "\n" + runB.Stdout);
    }

    [Fact]
    public async Task RelativeSource_ResolvesAgainstThePipelineFilesFolder_NotTheWorkingDirectory()
    {
        string project = Path.Combine(_tmp.Path, "project");
        string elsewhere = Path.Combine(_tmp.Path, "elsewhere");
        Directory.CreateDirectory(Path.Combine(project, "data"));
        Directory.CreateDirectory(Path.Combine(elsewhere, "data"));
        File.WriteAllBytes(Path.Combine(project, "data", "dem.tif"), TiffBytes);
        // A different raster at the same relative path under the working directory: must not be the one read.
        File.WriteAllBytes(Path.Combine(elsewhere, "data", "dem.tif"),
            new TestTiff { Width = 200, Height = 200, Tile = 32, Value = (b, r, c) => -1 }.ToBytes());
        string pipeline = Path.Combine(project, "pipeline.json");
        File.WriteAllText(pipeline, PipelineJson("data/dem.tif"));
        string coords = _tmp.File("c-rel.json", Window(10, 5, 20, 5));

        var r = await CliHarness.RunProcessAsync(elsewhere, ["run", pipeline, "--coords", coords, "--format", "json", "--cache-dir", Cache]);
        Assert.True(r.ExitCode == 0, Describe(r));
        var expected = await CliHarness.RunAsync(["run", .. Files("abs", Path.Combine(project, "data", "dem.tif"), Window(10, 5, 20, 5)),
            "--format", "json", "--cache-dir", Path.Combine(_tmp.Path, "abs-cache")]);
        Assert.True(expected.ExitCode == 0, Describe(expected));
        Assert.Equal(JsonNode.Parse(expected.Stdout)!.ToJsonString(), JsonNode.Parse(r.Stdout)!.ToJsonString());
        Assert.Contains("10020", r.Stdout, StringComparison.Ordinal); // row 10, column 20

        // A relative path that exists only under the working directory is not found.
        File.WriteAllBytes(Path.Combine(elsewhere, "only-here.tif"), TiffBytes);
        File.WriteAllText(pipeline, PipelineJson("only-here.tif"));
        var missing = await CliHarness.RunProcessAsync(elsewhere, ["run", pipeline, "--coords", coords, "--cache-dir", Cache]);
        Assert.True(missing.ExitCode == 2, Describe(missing));
        Assert.Contains(Path.Combine(project, "only-here.tif"), missing.Stderr, StringComparison.Ordinal);
    }

    // ---- podcache serve ----

    private static async Task<T> WithServerAsync<T>(string root, string cache, string[] extra, Func<HttpClient, Task<T>> body)
    {
        using var p = CliHarness.Start(root, ["serve", "--http-port", "0", "--cache-dir", cache, .. extra]);
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

    private sealed record Answer(HttpStatusCode Status, string Text, TimeSpan Took);

    private static async Task<Answer> PostAsync(HttpClient http, string source)
    {
        var clock = Stopwatch.StartNew();
        using var r = await http.PostAsync("v1/runs",
            new StringContent(TestServer.Body(PipelineJson(source), Window(40, 10, 40, 10)), Encoding.UTF8, "application/json"));
        return new Answer(r.StatusCode, await r.Content.ReadAsStringAsync(), clock.Elapsed);
    }

    private static JsonArray Errors(Answer a) => JsonNode.Parse(a.Text)!["errors"]!.AsArray();

    private static void AssertUrlRefused(Answer a)
    {
        Assert.True(a.Status == HttpStatusCode.BadRequest, $"{(int)a.Status}: {a.Text}");
        var error = Assert.Single(Errors(a));
        // The server names request-body paths: the pipeline's dem.attrs.source is pipeline.dem.attrs.source.
        Assert.Equal("pipeline.dem.attrs.source", (string?)error!["path"]);
        Assert.StartsWith("URL not allowed", (string?)error["message"], StringComparison.Ordinal);
        // Refused before any connection: no timeout to a black-holed address, no "connection refused".
        Assert.True(a.Took < TimeSpan.FromSeconds(5), $"took {a.Took}");
    }

    [Fact]
    public async Task Serve_RemoteSourceWithoutAllowList_Is400BeforeAnyRequest_MetadataAndClosedPortsToo()
    {
        string root = Path.Combine(_tmp.Path, "root");
        Directory.CreateDirectory(root);
        var answers = await WithServerAsync(root, Cache, [], async http => new[]
        {
            await PostAsync(http, Url("/dem.tif")),
            await PostAsync(http, "http://169.254.169.254/latest/meta-data/iam/security-credentials/x.tif"),
            await PostAsync(http, "http://127.0.0.1:1/x.tif"),
        });
        foreach (var a in answers)
        {
            AssertUrlRefused(a);
        }
        Assert.Equal(Errors(answers[0]).ToJsonString(), Errors(answers[1]).ToJsonString());
        Assert.Equal(Errors(answers[0]).ToJsonString(), Errors(answers[2]).ToJsonString());
        Assert.True(_server.Requests.Count == 0, RequestLog());
    }

    [Fact]
    public async Task Serve_RemoteSourceUnderConfiguredAllowList_Is200_OtherHostsStillRefused()
    {
        string root = Path.Combine(_tmp.Path, "root");
        Directory.CreateDirectory(root);
        string config = _tmp.File("serve-config.json", new JsonObject
        {
            ["sources"] = new JsonObject { ["allow"] = new JsonObject { ["urls"] = new JsonArray($"http://127.0.0.1:{_server.BaseUri.Port}/") } },
        }.ToJsonString());
        var (ok, metadata, closed) = await WithServerAsync(root, Cache, ["--config", config], async http =>
            (await PostAsync(http, Url("/dem.tif")), await PostAsync(http, "http://169.254.169.254/latest/meta-data/x.tif"),
             await PostAsync(http, "http://127.0.0.1:1/x.tif")));

        Assert.True(ok.Status == HttpStatusCode.OK, $"{(int)ok.Status}: {ok.Text}");
        Assert.Contains(_server.Requests, q => q.Method == "GET" && q.Path == "/dem.tif");
        AssertUrlRefused(metadata);
        AssertUrlRefused(closed);
    }

    // ---- examples/remote ----

    [GeneratedRegex(@"^server: (\d+) requests, (\d+) bytes sent$", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"^\s+(\w+)\s+(computed|hit:\w+|pruned)\s", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task ExamplesRemote_RunSh_FetchesATenthOfTheCog_ThenNothing_ThenRecomputesOnlyDownstreamOfTheNewForecast()
    {
        // The served COG exactly as the script makes it, for its size.
        string cog = Path.Combine(_tmp.Path, "dem.tif");
        var make = Process.Start(new ProcessStartInfo("python3")
        {
            ArgumentList = { Path.Combine(CliHarness.RepoRoot, "examples", "remote", "make_cog.py"), cog, "--size", "2048", "--seed", "1" },
            UseShellExecute = false,
        })!;
        using (make)
        {
            await make.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(0, make.ExitCode);
        }
        long cogBytes = new FileInfo(cog).Length;
        Assert.True(cogBytes > 10_000_000, $"{cogBytes} bytes");

        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = CliHarness.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("examples/remote/run.sh");
        int port = FreePort();
        psi.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("examples/remote/run.sh did not finish in 5 minutes:\n" + await stdoutTask);
            }
        }
        string stdout = await stdoutTask, stderr = await stderrTask;
        string all = $"exit {p.ExitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}";
        // The script serves on $PORT: the pipelines it runs must read that port, not a fixed one.
        Assert.True(!stderr.Contains("127.0.0.1:8765", StringComparison.Ordinal),
            $"run.sh served on PORT={port}, but its pipelines read http://127.0.0.1:8765/:\n{all}");
        Assert.True(p.ExitCode == 0, all);

        // The sections `say` starts ("== ..."), each ending with the server line of that step.
        var sections = Regex.Split(stdout, @"^.*== .*$", RegexOptions.Multiline).Skip(1).ToArray();
        Assert.True(sections.Length == 6, all);
        var served = sections.Select(s =>
        {
            var m = ServerLine().Match(s);
            Assert.True(m.Success, all);
            return (Requests: long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Bytes: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }).ToArray();

        // 1. The first COG run: the header and the touched tile, far less than the file.
        Assert.True(served[0].Requests > 0, all);
        Assert.True(served[0].Bytes > 0 && served[0].Bytes < cogBytes / 10, $"{served[0].Bytes} bytes of a {cogBytes}-byte file\n{all}");
        // 2. The same request in a new process: nothing at all.
        Assert.Contains("server: 0 requests, 0 bytes sent", sections[1], StringComparison.Ordinal);

        // 5. After the forecast was replaced: forecast and snowline computed, relief (on the unchanged dem) not.
        var status = NodeLine().Matches(sections[4]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.True(status.Count >= 4, all);
        Assert.Equal("computed", status["forecast"]);
        Assert.Equal("computed", status["snowline"]);
        Assert.True(status["relief"] is "hit:disk" or "pruned", all);
        Assert.NotEqual("computed", status["dem"]);
    }
}
