using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PodCache.Cli.Tests;

/// <summary>
/// A damaged machine index, and things that are not entry files, met by real <c>podcache</c> processes: the run
/// warns once and computes without the disk tier (never exit 134, never a stack trace), and <c>cache gc</c> rebuilds
/// the index from the entry files.
/// </summary>
[Collection("multi-process")]
public sealed class IndexRecoveryTests
{
    private const string Case = "008-convolution-mean-sincoords";

    private static string CaseFile(string file) => Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", Case, file);

    private static Task<CliHarness.Result> RunAsync(TempDir tmp, string cache, params string[] extra) =>
        CliHarness.RunProcessAsync(tmp.Path, ["run", CaseFile("pipeline.json"), "--coords", CaseFile("coords.json"), "--cache-dir", cache,
            "--format", "json", .. extra], TimeSpan.FromSeconds(60));

    private static Task<CliHarness.Result> CliAsync(TempDir tmp, params string[] args) =>
        CliHarness.RunProcessAsync(tmp.Path, args, TimeSpan.FromSeconds(60));

    private static string IndexOf(string cache) => Path.Combine(cache, "index.db");

    private static int EntryFileCount(string cache) =>
        Directory.EnumerateFiles(Path.Combine(cache, "entries"), "*.pce", SearchOption.AllDirectories).Count();

    private static void AssertNoCrash(CliHarness.Result r)
    {
        Assert.NotEqual(134, r.ExitCode);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    /// <summary>A warm cache directory and the output a fresh computation prints.</summary>
    private static async Task<(string Cache, string Expected)> WarmAsync(TempDir tmp)
    {
        var fresh = await RunAsync(tmp, Path.Combine(tmp.Path, "reference"));
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        string cache = Path.Combine(tmp.Path, "cache");
        var warm = await RunAsync(tmp, cache);
        Assert.True(warm.ExitCode == 0, warm.Stderr);
        Assert.Equal(fresh.Stdout, warm.Stdout);
        return (cache, fresh.Stdout);
    }

    private static void DeleteIndex(string cache)
    {
        foreach (var f in Directory.EnumerateFiles(cache, "index.db*")) File.Delete(f);
    }

    private static async Task<JsonNode> StatsAsync(TempDir tmp, string cache)
    {
        var stats = await CliAsync(tmp, "cache", "stats", "--json", "--cache-dir", cache);
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        return JsonNode.Parse(stats.Stdout)!;
    }

    [Fact]
    public async Task Run_GarbageIndex_ExitsZeroWithOneWarningAndCorrectValues_ThenGcRebuildsAndStatsCountEntries()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        int files = EntryFileCount(cache);
        Assert.True(files > 0);
        DeleteIndex(cache);
        var garbage = new byte[4096];
        new Random(12).NextBytes(garbage);
        File.WriteAllBytes(IndexOf(cache), garbage);

        var run = await RunAsync(tmp, cache);

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(expected, run.Stdout);
        var warnings = run.Stderr.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains(IndexOf(cache), warnings[0]);
        Assert.Contains("without the disk tier", warnings[0]);
        Assert.Contains("podcache cache gc", warnings[0]);

        var gc = await CliAsync(tmp, "cache", "gc", "--cache-dir", cache);

        AssertNoCrash(gc);
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("moved it aside", gc.Stdout);
        Assert.Contains($"index: {files} entry files registered", gc.Stdout);
        var aside = Assert.Single(Directory.GetFiles(cache, "index.db.corrupt-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
        var disk = (await StatsAsync(tmp, cache))["tiers"]!["disk"]!;
        Assert.Equal(files, disk["entries"]!.GetValue<int>());
        long onDisk = Directory.EnumerateFiles(Path.Combine(cache, "entries"), "*.pce", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(onDisk, disk["bytes"]!.GetValue<long>());

        var report = Path.Combine(tmp.Path, "after.json");
        var after = await RunAsync(tmp, cache, "--report", report);
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Equal(expected, after.Stdout);
        Assert.Empty(after.Stderr);
        var manifest = JsonNode.Parse(File.ReadAllText(report))!;
        string output = manifest["output"]!.GetValue<string>();
        Assert.Equal("hit:disk", manifest["nodes"]![output]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_TruncatedIndex_ExitsZeroWithAWarningAndGcRebuilds()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        // Grow the index past a few pages (many catalog and counter rows) so that truncation cuts real tables.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await RunAsync(tmp, cache)).ExitCode);
        }
        int files = EntryFileCount(cache);
        long length = new FileInfo(IndexOf(cache)).Length;
        using (var f = new FileStream(IndexOf(cache), FileMode.Open)) f.SetLength(Math.Min(length / 2, 8192));

        var run = await RunAsync(tmp, cache);

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(expected, run.Stdout);
        Assert.Contains("warning: the cache index", run.Stderr);

        var gc = await CliAsync(tmp, "cache", "gc", "--cache-dir", cache);
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("moved it aside", gc.Stdout);
        Assert.Equal(files, (await StatsAsync(tmp, cache))["tiers"]!["disk"]!["entries"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_IndexIsADirectory_ExitsZeroWithAWarningAndGcMovesItAside()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        int files = EntryFileCount(cache);
        DeleteIndex(cache);
        Directory.CreateDirectory(IndexOf(cache));

        var run = await RunAsync(tmp, cache);

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(expected, run.Stdout);
        Assert.Contains("warning: the cache index", run.Stderr);

        var gc = await CliAsync(tmp, "cache", "gc", "--cache-dir", cache);
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Contains("it is a directory", gc.Stdout);
        Assert.True(File.Exists(IndexOf(cache)));
        Assert.Single(Directory.GetDirectories(cache, "index.db.corrupt-*"));
        Assert.Equal(files, (await StatsAsync(tmp, cache))["tiers"]!["disk"]!["entries"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_LostIndex_EntriesAreRegisteredAgainSoStatsAndClearSeeThem()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        int files = EntryFileCount(cache);
        DeleteIndex(cache);

        var run = await RunAsync(tmp, cache);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(expected, run.Stdout);
        Assert.Equal(files, (await StatsAsync(tmp, cache))["tiers"]!["disk"]!["entries"]!.GetValue<int>());
        var clear = await CliAsync(tmp, "cache", "clear", "--cache-dir", cache);
        Assert.True(clear.ExitCode == 0, clear.Stderr);
        Assert.Equal(0, EntryFileCount(cache));
    }

    [Fact]
    public async Task Run_FifoOrDirectoryAtTheOutputsEntryPath_IsAMissAndTheValueIsComputed()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        var report = Path.Combine(tmp.Path, "report.json");
        Assert.Equal(0, (await RunAsync(tmp, cache, "--report", report)).ExitCode);
        var manifest = JsonNode.Parse(File.ReadAllText(report))!;
        string output = manifest["output"]!.GetValue<string>();
        string key = manifest["nodes"]![output]!["resultKey"]!.GetValue<string>();
        string entry = Path.Combine(cache, "entries", key[..2], key[2..4], key + ".pce");
        Assert.True(File.Exists(entry));

        File.Delete(entry);
        using (var mkfifo = Process.Start("mkfifo", entry))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var withFifo = await RunAsync(tmp, cache, "--report", report);

        AssertNoCrash(withFifo);
        Assert.True(withFifo.ExitCode == 0, withFifo.Stderr);
        Assert.Equal(expected, withFifo.Stdout);
        Assert.Equal("computed", JsonNode.Parse(File.ReadAllText(report))!["nodes"]![output]!["status"]!.GetValue<string>());
        Assert.True(new FileInfo(entry).Length > 0, "the entry was written again as a regular file");

        File.Delete(entry);
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, "keep-me"), "not the cache's");
        var withDirectory = await RunAsync(tmp, cache);

        AssertNoCrash(withDirectory);
        Assert.True(withDirectory.ExitCode == 0, withDirectory.Stderr);
        Assert.Equal(expected, withDirectory.Stdout);
        Assert.True(File.Exists(Path.Combine(entry, "keep-me")));
    }

    [Fact]
    public async Task Run_ImmutableCacheDirectory_ExitsZeroWithAWarningAndCorrectValues()
    {
        using var tmp = new TempDir();
        var (cache, expected) = await WarmAsync(tmp);
        // Tests run as root here, and chmod does not stop root; the immutable attribute does (ext4, xfs, btrfs).
        Assert.Equal(0, await ChattrAsync("+i", cache));
        try
        {
            var run = await RunAsync(tmp, cache);

            AssertNoCrash(run);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(expected, run.Stdout);
            Assert.Contains("warning: the cache index", run.Stderr);
        }
        finally
        {
            await ChattrAsync("-i", cache);
        }
    }

    private static async Task<int> ChattrAsync(string flag, string path)
    {
        using var p = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
