using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary>
/// Runs every case of the hostile-input corpus (<c>tests/hostile/NAME/</c>, see docs/fuzzing.md) through the CLI as
/// a real process (exit code and message) and through one real <c>podcache serve</c> process shared by all cases
/// (status, message, and the server still answering afterwards).
/// </summary>
[Collection("multi-process")]
public sealed class HostileCorpusTests(HostileCorpusTests.ServerFixture server) : IClassFixture<HostileCorpusTests.ServerFixture>
{
    private static string CorpusDir => Path.Combine(CliHarness.RepoRoot, "tests", "hostile");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(CorpusDir).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    public static TheoryData<string> HttpCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases())
        {
            if (Expectation.Load(name).Http is not null) data.Add(name);
        }
        return data;
    }

    [Fact]
    public void Corpus_HasCases_EachWithExpectation()
    {
        Assert.True(Cases().Count >= 25, "the corpus holds the seeded cases");
        foreach (var name in Cases())
        {
            var e = Expectation.Load(name);
            Assert.True(e.Args.Length > 0 || e.Http is not null, $"{name}: expect.json gives neither args nor http");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Cli_HostileCase_ExitsWithExpectedCodeAndMessage(string name)
    {
        var e = Expectation.Load(name);
        if (e.Args.Length == 0) return; // an HTTP-only case (a body no file stands for)
        using var tmp = new TempDir();
        CaseFiles.Materialize(name, tmp.Path);
        var env = new Dictionary<string, string> { ["PODCACHE_CACHE_DIR"] = Path.Combine(tmp.Path, "cache") };
        using var p = CliHarness.Start(tmp.Path, e.Args, env);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{name}: podcache {string.Join(' ', e.Args)} did not finish within 60 s");
        }
        string err = await stderr;
        string all = $"{name}: exit {p.ExitCode}\nstdout: {await stdout}\nstderr: {err}";
        Assert.True(e.Exit == p.ExitCode, all);
        Assert.True(e.Stderr is null || err.Contains(e.Stderr, StringComparison.Ordinal), $"expected stderr to contain '{e.Stderr}'\n{all}");
        Assert.DoesNotContain("   at ", err); // no stack trace
        Assert.DoesNotContain("Unhandled exception", err);
    }

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Serve_HostileCase_AnswersExpectedStatusAndStaysUp(string name)
    {
        var e = Expectation.Load(name);
        using var tmp = new TempDir();
        CaseFiles.Materialize(name, tmp.Path);
        string body = CaseFiles.Body(tmp.Path);
        using var response = await server.Client.PostAsync("v1/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(e.Http == (int)response.StatusCode, $"{name}: HTTP {(int)response.StatusCode}: {text}");
        string problem = Problem(text);
        Assert.True(e.HttpContains is null || problem.Contains(e.HttpContains, StringComparison.Ordinal),
            $"{name}: expected the problem to contain '{e.HttpContains}': {text}");
        Assert.DoesNotContain("   at ", text);
        Assert.False(server.Process.HasExited, $"{name}: the server exited ({server.Stderr()})");
        using var health = await server.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A problem response as text: its detail, then each error as <c>path: message</c> on a line.</summary>
    private static string Problem(string text)
    {
        try
        {
            var o = JsonNode.Parse(text)!.AsObject();
            var lines = new List<string> { o["detail"]?.GetValue<string>() ?? "" };
            if (o["errors"] is JsonArray errors)
            {
                lines.AddRange(errors.Select(x => $"{x!["path"]?.GetValue<string>()}: {x["message"]?.GetValue<string>()}"));
            }
            return string.Join("\n", lines);
        }
        catch (System.Text.Json.JsonException)
        {
            return text;
        }
    }

    /// <summary>One case's expect.json.</summary>
    internal sealed record Expectation(string[] Args, int Exit, string? Stderr, int? Http, string? HttpContains)
    {
        public static Expectation Load(string name)
        {
            var o = JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusDir, name, "expect.json")))!.AsObject();
            string[] args = o["args"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToArray() : [];
            return new Expectation(args, o["exit"]?.GetValue<int>() ?? 2, o["stderr"]?.GetValue<string>(),
                o["http"]?.GetValue<int>(), o["httpContains"]?.GetValue<string>());
        }
    }

    /// <summary>Copies a case's files and writes the inputs its generate.json describes.</summary>
    internal static class CaseFiles
    {
        public static void Materialize(string name, string destination)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(CorpusDir, name)))
            {
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
            }
            string gen = Path.Combine(destination, "generate.json");
            if (!File.Exists(gen)) return;
            var items = JsonNode.Parse(File.ReadAllText(gen)) switch
            {
                JsonArray arr => arr.Select(x => x!.AsObject()).ToList(),
                JsonObject one => [one],
                _ => throw new InvalidDataException($"{name}: generate.json must be an object or an array of objects"),
            };
            foreach (var g in items)
            {
                File.WriteAllText(Path.Combine(destination, g["file"]!.GetValue<string>()), Generate(g));
            }
        }

        /// <summary>
        /// The generated text: <c>template</c> (default <c>"$"</c>) with <c>$</c> replaced by the generated part —
        /// <c>nest</c>: <c>prefix</c> x count + <c>middle</c> + <c>suffix</c> x count; <c>nested-arrays</c> /
        /// <c>nested-objects</c>: the same with [ ] or {"a": }; <c>repeat</c>: <c>text</c> x count, joined by <c>separator</c>.
        /// </summary>
        public static string Generate(JsonObject g)
        {
            string kind = g["kind"]!.GetValue<string>();
            int count = g["count"]?.GetValue<int>() ?? g["depth"]?.GetValue<int>() ?? throw new InvalidDataException("generate.json needs count or depth");
            string middle = g["middle"]?.GetValue<string>() ?? "0";
            string part = kind switch
            {
                "nest" => Repeat(g["prefix"]!.GetValue<string>(), count) + middle + Repeat(g["suffix"]!.GetValue<string>(), count),
                "nested-arrays" => Repeat("[", count) + middle + Repeat("]", count),
                "nested-objects" => Repeat("{\"a\": ", count) + middle + Repeat("}", count),
                "repeat" => string.Join(g["separator"]?.GetValue<string>() ?? "", Enumerable.Repeat(g["text"]!.GetValue<string>(), count)),
                _ => throw new InvalidDataException($"unknown generate kind '{kind}'"),
            };
            return (g["template"]?.GetValue<string>() ?? "$").Replace("$", part, StringComparison.Ordinal);
        }

        private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

        /// <summary>body.json as given, or a run request made of pipeline.json and coords.json as text (malformed stays malformed).</summary>
        public static string Body(string dir)
        {
            string raw = Path.Combine(dir, "body.json");
            if (File.Exists(raw)) return File.ReadAllText(raw);
            string pipeline = File.ReadAllText(Path.Combine(dir, "pipeline.json"));
            string coords = File.Exists(Path.Combine(dir, "coords.json"))
                ? File.ReadAllText(Path.Combine(dir, "coords.json"))
                : """{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""";
            return $"{{\"pipeline\": {pipeline}, \"coordinates\": {coords}}}";
        }
    }

    /// <summary>One <c>podcache serve</c> process for every HTTP case.</summary>
    public sealed class ServerFixture : IAsyncLifetime
    {
        private readonly TempDir _dir = new();
        private Task<string>? _stderr;

        public Process Process { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public string Stderr() => _stderr is { IsCompleted: true } t ? t.Result : "(still running)";

        public async Task InitializeAsync()
        {
            Process = CliHarness.Start(_dir.Path, ["serve", "--http-port", "0", "--cache-dir", Path.Combine(_dir.Path, "cache")]);
            _stderr = Process.StandardError.ReadToEndAsync();
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await Process.StandardOutput.ReadLineAsync(startup.Token) ?? throw new InvalidOperationException("podcache serve wrote nothing");
            const string prefix = "podcache serve: listening on ";
            Assert.StartsWith(prefix, line);
            _ = Process.StandardOutput.ReadToEndAsync();
            Client = new HttpClient { BaseAddress = new Uri(line[prefix.Length..].Split(' ')[0] + "/"), Timeout = TimeSpan.FromSeconds(60) };
        }

        public async Task DisposeAsync()
        {
            Client?.Dispose();
            if (Process is { HasExited: false })
            {
                PodCache.Cli.ChildServer.Terminate(Process);
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await Process.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    Process.Kill(entireProcessTree: true);
                }
            }
            Process?.Dispose();
            _dir.Dispose();
        }
    }
}
