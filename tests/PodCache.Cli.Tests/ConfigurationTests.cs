using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PodCache.Cache.Configuration;
using PodCache.Cache.Tiers.S3;
using PodCache.Cluster;
using PodCache.Runtime.Hosting;
using PodCache.Server;

namespace PodCache.Cli.Tests;

/// <summary>
/// The one configuration pipeline: file, PODCACHE__ environment variables, flags; one document validated once; each
/// problem named by where it came from; the reference (docs/configuration.md) equal to what the options do.
/// </summary>
public class ConfigurationTests
{
    private static PodCacheOptions Load(string? json, IDictionary? env = null, params ConfigurationOverride[] flags)
    {
        var builder = new ConfigurationBuilder();
        if (json is not null) builder.Add(new PodCacheJsonFileSource("podcache.json", json));
        builder.AddPodCacheEnvironment(env ?? new Hashtable());
        builder.AddPodCacheOverrides(flags);
        return PodCacheOptions.Load(builder.Build());
    }

    [Fact]
    public void Environment_Overrides_TheFile_AndFlags_OverrideBoth_WhateverTheCase()
    {
        const string file = """{"cache": {"policy": "lfu", "tiers": {"ram": {"maxBytes": "1GiB"}, "disk": {"path": "from-file", "maxBytes": "2GiB"}}}}""";
        var env = new Hashtable { ["PODCACHE__CACHE__TIERS__RAM__MAXBYTES"] = "2GiB", ["podcache__cache__policy"] = "gdsf", ["OTHER"] = "x" };

        var fileOnly = Load(file);
        var withEnv = Load(file, env);
        var withFlag = Load(file, env, new ConfigurationOverride("cache.tiers.ram.maxBytes", "3GiB", "--set cache.tiers.ram.maxBytes"),
            new ConfigurationOverride("cache.tiers.disk.path", "from-flag", "--cache-dir"));

        Assert.Equal((1L << 30, "lfu", "from-file"), (fileOnly.Cache.RamMaxBytes, fileOnly.Cache.Policy, fileOnly.Cache.DiskPath));
        Assert.Equal((2L << 30, "gdsf", "from-file"), (withEnv.Cache.RamMaxBytes, withEnv.Cache.Policy, withEnv.Cache.DiskPath));
        Assert.Equal((3L << 30, "gdsf", "from-flag"), (withFlag.Cache.RamMaxBytes, withFlag.Cache.Policy, withFlag.Cache.DiskPath));
        Assert.Equal(2L << 30, withFlag.Cache.DiskMaxBytes);
        Assert.Equal(ConfigurationOriginKind.Environment, withFlag.Document.OriginOf("cache.policy").Kind);
        Assert.Equal("podcache__cache__policy", withFlag.Document.OriginOf("cache.policy").Name);
        Assert.Equal("--cache-dir", withFlag.Document.OriginOf("cache.tiers.disk.path").Name);
        Assert.Equal(new ConfigurationOrigin(ConfigurationOriginKind.File, "podcache.json"), withFlag.Document.OriginOf("cache.tiers.disk.maxBytes"));
    }

    [Fact]
    public void Environment_Strings_AreTyped_ByTheirKey_AndListsTakeIndexesOrOneValue()
    {
        var env = new Hashtable
        {
            ["PODCACHE__LIMITS__MAXNODES"] = "12",
            ["PODCACHE__CACHE__TIERS__DISK__LZ4"] = "true",
            ["PODCACHE__SOURCES__REVALIDATEAFTER"] = "90",
            ["PODCACHE__SOURCES__HTTP__TIMEOUT"] = "2m",
            ["PODCACHE__SOURCES__ALLOW__URLS__1"] = "https://b.example.org/",
            ["PODCACHE__SOURCES__ALLOW__URLS__0"] = "https://a.example.org/",
            ["PODCACHE__SOURCES__ALLOW__FILES"] = "/data",
        };
        var o = Load(null, env);

        Assert.Equal(12, o.Limits.MaxNodes);
        Assert.True(o.Cache.DiskLz4);
        Assert.Equal(TimeSpan.FromSeconds(90), o.Sources.RevalidateAfter);
        Assert.Equal(TimeSpan.FromMinutes(2), o.Sources.Http.Timeout);
        Assert.Equal(["https://a.example.org/", "https://b.example.org/"], o.Sources.AllowUrls);
        Assert.Equal(["/data"], o.Sources.AllowFiles);
    }

    [Fact]
    public void Problems_AreAllListed_EachNamingItsFileVariableOrFlag_AndNothingIsOpened()
    {
        const string file = """{"cache": {"tiers": {"ram": {"maxBytes": "plenty"}, "disk": {"lz4": "yes"}}}, "limits": {"maxNodes": 0}}""";
        var env = new Hashtable { ["PODCACHE__CACHE__POLICY"] = "fifo", ["PODCACHE__CACHE__TIERS__RAM__MAXBYTE"] = "1GiB" };
        var ex = Assert.Throws<ConfigurationException>(() =>
            Load(file, env, new ConfigurationOverride("sources.http.retries", "many", "--set sources.http.retries")));

        Assert.StartsWith("6 configuration problem(s):", ex.Message);
        Assert.Contains("podcache.json: cache.tiers.ram.maxBytes: 'plenty' is not a size", ex.Message);
        Assert.Contains("podcache.json: cache.tiers.disk.lz4: must be true or false", ex.Message);
        Assert.Contains("podcache.json: limits.maxNodes: must be at least 1", ex.Message);
        Assert.Contains("environment PODCACHE__CACHE__POLICY: cache.policy: must be one of cost-aware, lru", ex.Message);
        Assert.Contains("environment PODCACHE__CACHE__TIERS__RAM__MAXBYTE: cache.tiers.ram.MAXBYTE: unknown key; cache.tiers.ram has maxBytes", ex.Message);
        Assert.Contains("--set sources.http.retries: sources.http.retries: must be a whole number from 0 to 20", ex.Message);
    }

    [Fact]
    public void OneFile_KeepsItsFormat_AndOneProblem_IsOneLine()
    {
        var many = Assert.Throws<ConfigurationException>(() => Load("""{"cache": {"policy": 3, "tiers": {"tape": {}}}}"""));
        var one = Assert.Throws<ConfigurationException>(() => Load("""{"cache": {"policy": 3}}"""));

        Assert.StartsWith("podcache.json: 2 problem(s):", many.Message);
        Assert.Contains("cache.tiers.tape: unknown key; cache.tiers has disk, ram and s3", many.Message);
        Assert.Equal("podcache.json: cache.policy: must be one of cost-aware, lru, lfu, gdsf, gds, cachey", one.Message);
    }

    [Fact]
    public void EmptyTierObject_StillNamesTheTier_AndCacheDirVariable_CountsOnlyWithoutAFile()
    {
        var ramOnly = Load("""{"cache": {"tiers": {"ram": {}}}}""");
        var withDisk = Load("""{"cache": {"tiers": {"ram": {}, "disk": {}}}}""");
        var legacy = PodCacheOptions.Load(PodCacheConfiguration.Build(null, environment: new Hashtable { ["PODCACHE_CACHE_DIR"] = "/tmp/legacy" }));
        var legacyUnder = PodCacheOptions.Load(PodCacheConfiguration.Build(null,
            environment: new Hashtable { ["PODCACHE_CACHE_DIR"] = "/tmp/legacy", ["PODCACHE__CACHE__TIERS__DISK__PATH"] = "/tmp/new" }));

        Assert.False(ramOnly.Cache.DiskEnabled);
        Assert.True(withDisk.Cache.DiskEnabled);
        Assert.Equal("/tmp/legacy", legacy.Cache.DiskPath);
        Assert.Equal("environment PODCACHE_CACHE_DIR", legacy.Document.OriginOf("cache.tiers.disk.path").ToString());
        Assert.Equal("/tmp/new", legacyUnder.Cache.DiskPath);
    }

    // ---- the reference against the options ----

    private static ConfigurationDocument Doc(IEnumerable<(string Path, string Json)> values)
    {
        var root = new JsonObject();
        foreach (var (path, json) in values)
        {
            var parts = path.Split('.');
            var o = root;
            foreach (var part in parts[..^1])
            {
                o = (JsonObject)(o[part] ??= new JsonObject());
            }
            o[parts[^1]] = JsonNode.Parse(json);
        }
        return ConfigurationDocument.FromJson(root.ToJsonString());
    }

    /// <summary>Every option a document makes, as text: the runtime's, the S3 tier's, the server's and the cluster member's.</summary>
    private static string Dump(ConfigurationDocument doc)
    {
        var o = PodCacheOptions.Load(doc);
        var parts = new List<string> { Describe(o.Cache), Describe(o.Limits), Describe(o.Sources) };
        if (o.Cache.S3 is { } s3) parts.Add(Describe(S3TierOptions.FromJson(s3)));
        parts.Add(Describe(ServerOptions.Read(doc, apiToken: "token")));
        var cluster = doc.Section("cluster");
        if (ClusterSettings.Requested(cluster, _ => [])) parts.Add(Describe(ClusterSettings.Build(cluster, _ => [])));
        return string.Join("\n", parts);
    }

    private static string Describe(object? value, int depth = 0)
    {
        switch (value)
        {
            case null: return "null";
            case string s: return s;
            case IPAddress or TimeSpan or Enum: return value.ToString()!;
            case IFormattable f when value.GetType().IsPrimitive: return f.ToString(null, CultureInfo.InvariantCulture);
            case bool b: return b ? "true" : "false";
            case JsonNode or ConfigurationDocument: return "";
            case IEnumerable e: return "[" + string.Join(",", e.Cast<object?>().Select(x => Describe(x, depth + 1))) + "]";
        }
        if (depth > 2) return value.ToString() ?? "";
        return value.GetType().Name + "{" + string.Join(";", value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(JsonObject) && p.PropertyType != typeof(ConfigurationDocument))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + Describe(p.GetValue(value), depth + 1))) + "}";
    }

    // Naming one tier turns the unnamed ones off, so the base names RAM and disk; the S3 tier needs its bucket and the
    // cluster member its port before their other keys mean anything.
    private static (string, string)[] Base(ConfigurationKey key) =>
    [
        ("cache.tiers.ram", "{}"), ("cache.tiers.disk", "{}"),
        .. key.Path.StartsWith("cache.tiers.s3.", StringComparison.Ordinal) && key.Path != "cache.tiers.s3.bucket" ? [("cache.tiers.s3.bucket", "\"podcache\"")] : Array.Empty<(string, string)>(),
        .. key.Path.StartsWith("cluster.", StringComparison.Ordinal) && key.Path != "cluster.port" ? [("cluster.port", "0")] : Array.Empty<(string, string)>(),
    ];

    [Fact]
    public void EveryDocumentedDefault_IsTheOptionsDefault()
    {
        foreach (var key in ConfigurationReference.Keys.Where(k => k.Default is not null))
        {
            string defaults = Dump(Doc(Base(key)));
            string explicitDefault = Dump(Doc([.. Base(key), (key.Path, key.Default!)]));
            Assert.True(defaults == explicitDefault, $"{key.Path}: the reference says {key.Default}, but setting it changes the options");
        }
    }

    [Fact]
    public void EveryKey_IsRead_ItsSampleIsValid_AndChangesTheOptions()
    {
        foreach (var key in ConfigurationReference.Keys)
        {
            string defaults = Dump(Doc(Base(key)));
            string sample = Dump(Doc([.. Base(key), (key.Path, key.Sample)]));
            Assert.True(defaults != sample, $"{key.Path}: setting it to {key.Sample} changes nothing");
        }
    }

    [Fact]
    public void EveryKey_RejectsAWrongValue_NamingItsPath()
    {
        foreach (var key in ConfigurationReference.Keys.Where(k => k.Kind != ConfigurationValueKind.String))
        {
            string wrong = key.Kind == ConfigurationValueKind.StringList ? "[3]" : "\"not-a-value\"";
            var ex = Assert.ThrowsAny<ConfigurationException>(() => Dump(Doc([.. Base(key), (key.Path, wrong)])));
            Assert.Contains(key.Path, ex.Message);
        }
    }

    private static string DocPath => Path.Combine(CliHarness.RepoRoot, "docs", "configuration.md");
    private const string Begin = "<!-- reference: generated by ConfigurationReference.ToMarkdown; PODCACHE_UPDATE_DOCS=1 dotnet test rewrites it -->";
    private const string End = "<!-- end of reference -->";

    [Fact]
    public void Doc_Reference_IsTheReferenceTable()
    {
        string doc = File.ReadAllText(DocPath).ReplaceLineEndings("\n");
        int b = doc.IndexOf(Begin, StringComparison.Ordinal), e = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(b >= 0 && e > b, $"{DocPath} lacks the reference markers");
        string current = doc[(b + Begin.Length)..e].Trim('\n');
        string expected = ConfigurationReference.ToMarkdown().Trim('\n');
        if (current != expected && Environment.GetEnvironmentVariable("PODCACHE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(DocPath, doc[..(b + Begin.Length)] + "\n" + expected + "\n" + doc[e..]);
            return;
        }
        Assert.Equal(expected, current);
    }

    // ---- the CLI ----

    [Fact]
    public async Task ConfigCommand_ShowsEachValue_AndWhereItCameFrom()
    {
        using var tmp = new TempDir();
        string file = tmp.File("podcache.json", """{"cache": {"tiers": {"ram": {"maxBytes": "256MiB"}}}, "server": {"port": 9000}}""");
        var r = await CliHarness.RunAsync("config", "--config", file, "--http-port", "9090", "--set", "limits.maxNodes=77", "--format", "json");

        Assert.Equal(0, r.ExitCode);
        var json = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("256MiB", (string?)json["cache.tiers.ram.maxBytes"]!["value"]);
        Assert.Equal(file, (string?)json["cache.tiers.ram.maxBytes"]!["from"]);
        Assert.Equal(9090, (long)json["server.port"]!["value"]!);
        Assert.Equal("--http-port", (string?)json["server.port"]!["from"]);
        Assert.Equal("commandline", (string?)json["limits.maxNodes"]!["source"]);
        Assert.Equal("default", (string?)json["cache.policy"]!["source"]);
        Assert.Equal("cost-aware", (string?)json["cache.policy"]!["value"]);
        Assert.Equal(ConfigurationReference.Keys.Count, json.AsObject().Count);
    }

    [Fact]
    public async Task ConfigCommand_FromAProcess_ReadsTheEnvironment_AndRejectsABadVariable_Exit2()
    {
        using var tmp = new TempDir();
        using (var ok = CliHarness.Start(tmp.Path, ["config"], new Dictionary<string, string> { ["PODCACHE__CACHE__POLICY"] = "lru" }))
        {
            string stdout = await ok.StandardOutput.ReadToEndAsync();
            await ok.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            Assert.Equal(0, ok.ExitCode);
            Assert.Matches(@"cache\.policy\s+lru\s+environment PODCACHE__CACHE__POLICY", stdout);
        }
        using var bad = CliHarness.Start(tmp.Path, ["run", "p.json", "--coords", "c.json"],
            new Dictionary<string, string> { ["PODCACHE__CACHE__TIERS__RAM__MAXBYTES"] = "plenty" });
        string stderr = await bad.StandardError.ReadToEndAsync();
        await bad.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("environment PODCACHE__CACHE__TIERS__RAM__MAXBYTES: cache.tiers.ram.maxBytes: 'plenty' is not a size", stderr);
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, ".podcache")), "an invalid configuration opened the cache");
    }

    [Fact]
    public async Task Set_OnRun_OverridesTheFile()
    {
        using var tmp = new TempDir();
        string file = tmp.File("podcache.json", """{"limits": {"maxNodes": 1}}""");
        string pipeline = tmp.File("p.json", """{"a": {"node": "algorithm.SinCoords"}, "b": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A+1"}}}""");
        string coords = tmp.File("c.json", """{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""");

        var refused = await CliHarness.RunAsync("run", pipeline, "--coords", coords, "--config", file, "--cache-dir", tmp.Path);
        var allowed = await CliHarness.RunAsync("run", pipeline, "--coords", coords, "--config", file, "--cache-dir", tmp.Path, "--set", "limits.maxNodes=5");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(0, allowed.ExitCode);
    }

    // ---- AddPodCache ----

    [Fact]
    public async Task AddPodCache_FromAnApplicationsSection_RunsAPipeline_AndFailsAtStartupOnABadValue()
    {
        using var tmp = new TempDir();
        var appConfig = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PodCache:cache:tiers:ram:maxBytes"] = "64MiB",
            ["PodCache:cache:tiers:disk:path"] = tmp.Path,
            ["PodCache:limits:maxNodes"] = "10",
        }).Build();
        var services = new ServiceCollection().AddPodCache(appConfig.GetSection("PodCache"));
        await using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<PodCacheOptions>();
            Assert.Equal(64L << 20, options.Cache.RamMaxBytes);
            Assert.Equal(10, options.Limits.MaxNodes);
            var runner = provider.GetRequiredService<PodCache.Runtime.Execution.PipelineRunner>();
            var pipeline = PodCache.Runtime.Pipelines.Pipeline.Parse("""{"a": {"node": "algorithm.SinCoords"}}""");
            var coords = PodCache.Runtime.Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""");
            var run = await runner.RunAsync(pipeline, coords);
            Assert.Equal(2, run.Output!.Length);
            Assert.Same(provider.GetRequiredService<PodCacheHost>().Cache, provider.GetRequiredService<PodCache.Cache.IMemoCache>());
        }
        Assert.True(Directory.EnumerateFileSystemEntries(tmp.Path).Any(), "the disk tier was not in the section's directory");

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PodCache:cache:policy"] = "fifo" }).Build();
        var ex = Assert.Throws<ConfigurationException>(() => new ServiceCollection().AddPodCache(bad.GetSection("PodCache")));
        Assert.Contains("cache.policy: must be one of", ex.Message);
    }
}
