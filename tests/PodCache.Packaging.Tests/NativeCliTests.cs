using System.Text.Json.Nodes;

namespace PodCache.Packaging.Tests;

/// <summary>
/// podcache-native, published as a user publishes it (<c>dotnet publish src/Cli/Native -c Release</c>: Native AOT, clang
/// and zlib1g-dev installed by scripts/test.sh), against the podcache tool of the same build.
/// </summary>
public sealed class NativeExecutable : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "podcache-native-" + Guid.NewGuid().ToString("N"));
    public string Path_ => System.IO.Path.Combine(Root, "podcache-native");
    public static string ManagedCli => System.IO.Path.Combine(PackageFeed.RepoRoot, "src", "Cli", "bin", "Release", "net10.0", "podcache.dll");

    public NativeExecutable()
    {
        if (!File.Exists(ManagedCli))
        {
            throw new InvalidOperationException($"{ManagedCli} is missing: build the solution first (dotnet build PodCache.sln -c Release), as scripts/test.sh does");
        }
        var r = PackageFeed.Run("dotnet", ["publish", System.IO.Path.Combine(PackageFeed.RepoRoot, "src", "Cli", "Native"), "-c", "Release", "-nologo", "-o", Root],
            PackageFeed.RepoRoot, TimeSpan.FromMinutes(10));
        if (r.ExitCode != 0 || !File.Exists(Path_))
        {
            throw new InvalidOperationException($"dotnet publish src/Cli/Native failed ({r.ExitCode}; it needs clang and zlib1g-dev, which scripts/test.sh installs):\n{r.Output}");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class NativeCollection : ICollectionFixture<NativeExecutable>
{
    public const string Name = "native executable";
}

[Collection(NativeCollection.Name)]
public sealed class NativeCliTests(NativeExecutable native) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("podcache-native-test-").FullName;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result Run(string file, IEnumerable<string> args, string workingDirectory)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The tests' own variables must not configure either process.
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("PODCACHE", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(k);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {Timeout}");
        }
        p.WaitForExit();
        return new(p.ExitCode, stdout.Result, stderr.Result);
    }

    private Result Native(string cwd, params string[] args) => Run(native.Path_, args, cwd);

    private static Result Managed(string cwd, params string[] args) => Run("dotnet", [NativeExecutable.ManagedCli, .. args], cwd);

    private string CacheDir(string name) => Path.Combine(_work, name);

    /// <summary>
    /// Every conformance case: the same stderr and exit code from both builds, and the same stdout but for the last bit
    /// of a reduction's rounding.
    /// </summary>
    [Fact]
    public void EveryConformanceCase_GivesTheToolsOutput()
    {
        var cases = Directory.GetDirectories(Path.Combine(PackageFeed.RepoRoot, "tests", "conformance", "cases"))
            .Where(d => File.Exists(Path.Combine(d, "pipeline.json")) && File.Exists(Path.Combine(d, "coords.json"))).Order(StringComparer.Ordinal).ToList();
        Assert.True(cases.Count >= 43, $"only {cases.Count} conformance cases found");
        var differ = new List<string>();
        int i = 0, rounded = 0;
        foreach (var dir in cases)
        {
            string[] args = ["run", "pipeline.json", "--coords", "coords.json", "--no-progress"];
            var m = Managed(dir, [.. args, "--cache-dir", CacheDir($"m{i}")]);
            var n = Native(dir, [.. args, "--cache-dir", CacheDir($"n{i}")]);
            i++;
            if (m.ExitCode != n.ExitCode || m.Stderr != n.Stderr)
            {
                differ.Add($"{Path.GetFileName(dir)}: exit {m.ExitCode}/{n.ExitCode}; native stderr: {n.Stderr.Trim()[..Math.Min(300, n.Stderr.Trim().Length)]}");
            }
            else if (m.Stdout != n.Stdout)
            {
                // Reductions vectorised at another width (the JIT uses this CPU's widest vectors, the native build its
                // baseline) may round differently in the last bit; nothing else may differ.
                string? where = SameWithinRounding(JsonNode.Parse(m.Stdout), JsonNode.Parse(n.Stdout), "$");
                if (where is not null) differ.Add($"{Path.GetFileName(dir)}: stdout differs at {where}");
                else rounded++;
            }
        }
        Assert.True(differ.Count == 0, "podcache-native differs from podcache on:\n" + string.Join('\n', differ));
        Assert.True(rounded <= cases.Count / 10, $"{rounded} of {cases.Count} cases differ in rounding: more than vector width explains");
    }

    /// <summary>Null when <paramref name="a"/> and <paramref name="b"/> are equal but for numbers within a few ulps, else the first path where they differ.</summary>
    private static string? SameWithinRounding(JsonNode? a, JsonNode? b, string path)
    {
        switch (a, b)
        {
            case (null, null):
                return null;
            case (JsonObject oa, JsonObject ob):
                if (!oa.Select(kv => kv.Key).SequenceEqual(ob.Select(kv => kv.Key))) return path + " (keys)";
                return oa.Select(kv => SameWithinRounding(kv.Value, ob[kv.Key], path + "." + kv.Key)).FirstOrDefault(w => w is not null);
            case (JsonArray xa, JsonArray xb):
                if (xa.Count != xb.Count) return path + " (length)";
                return xa.Select((x, i) => SameWithinRounding(x, xb[i], $"{path}[{i}]")).FirstOrDefault(w => w is not null);
            case (JsonValue va, JsonValue vb) when va.GetValueKind() == System.Text.Json.JsonValueKind.Number && vb.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                double x = va.GetValue<double>(), y = vb.GetValue<double>();
                return x == y || Math.Abs(x - y) <= 1e-12 * Math.Max(Math.Abs(x), Math.Abs(y)) ? null : $"{path} ({x:R} vs {y:R})";
            default:
                return a!.ToJsonString() == b?.ToJsonString() ? null : path;
        }
    }

    /// <summary>
    /// Both builds read and write the same cache: what the tool computed the native executable answers from the disk
    /// tier, and a run the native executable saved is pulled back by the tool.
    /// </summary>
    [Fact]
    public void TheTwoBuilds_ShareOneCache_AndItsSavedRuns()
    {
        string dir = Path.Combine(PackageFeed.RepoRoot, "tests", "conformance", "cases", "008-convolution-mean-sincoords");
        string cache = CacheDir("shared");
        string[] run = ["run", "pipeline.json", "--coords", "coords.json", "--no-progress", "--cache-dir", cache];
        var first = Managed(dir, [.. run, "--report", Path.Combine(_work, "m.json")]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var second = Native(dir, [.. run, "--report", Path.Combine(_work, "n.json")]);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var m = JsonNode.Parse(File.ReadAllText(Path.Combine(_work, "m.json")))!;
        var n = JsonNode.Parse(File.ReadAllText(Path.Combine(_work, "n.json")))!;
        string output = m["output"]!.GetValue<string>();
        Assert.Equal("computed", m["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.Equal("hit:disk", n["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.Equal(m["nodes"]![output]!["resultKey"]!.GetValue<string>(), n["nodes"]![output]!["resultKey"]!.GetValue<string>());

        // The native run's manifest, listed and pulled back by the tool.
        string runId = n["runId"]!.GetValue<string>();
        var runs = Managed(dir, "runs", "--cache-dir", cache, "--format", "json");
        Assert.True(runs.ExitCode == 0, runs.Stderr);
        Assert.Contains(runId, runs.Stdout, StringComparison.Ordinal);
        var pulled = Managed(dir, "get", runId, "--node", output, "--cache-dir", cache);
        Assert.True(pulled.ExitCode == 0, pulled.Stderr);
        Assert.Equal(second.Stdout, pulled.Stdout);
        var stats = Native(dir, "cache", "stats", "--cache-dir", cache, "--format", "json");
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        Assert.Equal(Managed(dir, "cache", "stats", "--cache-dir", cache, "--format", "json").Stdout, stats.Stdout);
    }

    /// <summary>GeoTIFF and PNG output (LibTiff, the PNG writer) from the native executable: the tool's bytes.</summary>
    [Fact]
    public void GeoTiffAndPng_AreTheToolsBytes()
    {
        string dir = Path.Combine(PackageFeed.RepoRoot, "examples", "pipelines", "sin-anomaly");
        foreach (string format in new[] { "geotiff", "png" })
        {
            string m = Path.Combine(_work, "m." + format), n = Path.Combine(_work, "n." + format);
            string[] run = ["run", "pipeline.json", "--coords", "coords.json", "--no-progress", "--format", format, "--cache-dir", CacheDir(format)];
            var rm = Managed(dir, [.. run, "--out", m]);
            Assert.True(rm.ExitCode == 0, rm.Stderr);
            var rn = Native(dir, [.. run, "--out", n]);
            Assert.True(rn.ExitCode == 0, rn.Stderr);
            Assert.True(new FileInfo(n).Length > 1000, $"{format}: {new FileInfo(n).Length} bytes");
            Assert.Equal(File.ReadAllBytes(m), File.ReadAllBytes(n));
        }
    }

    /// <summary>Invalid input: exit code 2, the tool's message naming the place, and nothing written to the cache.</summary>
    [Fact]
    public void BadInput_IsRefusedAsByTheTool_AndWritesNothing()
    {
        File.WriteAllText(Path.Combine(_work, "bad.json"), """{"a": {"node": "algorithm.Arithmetic", "attrs": {"eqn": "A + C"}, "inputs": {"A": "b"}}, "b": {"node": "algorithm.SinCoords"}}""");
        File.WriteAllText(Path.Combine(_work, "coords.json"), """{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 0.5}, {"name": "lon", "start": 0, "stop": 1, "step": 0.5}]}""");
        string cache = CacheDir("bad");
        string[] args = ["run", "bad.json", "--coords", "coords.json", "--cache-dir", cache, "--no-progress"];
        var n = Native(_work, args);
        var m = Managed(_work, args);
        Assert.Equal(2, n.ExitCode);
        Assert.Equal(m.ExitCode, n.ExitCode);
        Assert.Equal(m.Stderr, n.Stderr);
        Assert.Contains("a.attrs.eqn", n.Stderr, StringComparison.Ordinal);
        Assert.Empty(n.Stdout);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Any(f => !f.EndsWith(".db", StringComparison.Ordinal)
            && !f.Contains(".db-", StringComparison.Ordinal)), "the refused run wrote entries");
    }

    /// <summary>The server, the load test and config are the tool's: a clear error, exit code 2, and the help says so.</summary>
    [Fact]
    public void ToolOnlyCommands_AreRefusedWithWhereToRunThem()
    {
        foreach (string command in new[] { "serve", "loadtest", "config" })
        {
            var r = Native(_work, command, "--help");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"run `podcache {command}` with the podcache tool", r.Stderr, StringComparison.Ordinal);
        }
        var help = Native(_work, "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (string command in new[] { "run", "plan", "runs", "get", "cache", "inspect", "nodes" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", help.Stdout);
        }
        Assert.DoesNotMatch(@"(?m)^\s+serve\b", help.Stdout);
        // The same version scheme (MinVer's, with the commit); the height and commit match when both are built from one commit.
        var version = Native(_work, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?\+[0-9a-f]{40}\s*$", version.Stdout);
        Assert.Equal(Managed(_work, "--version").Stdout.Split('.')[0], version.Stdout.Split('.')[0]);
    }
}
