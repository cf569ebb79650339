using PodCache.Cache;
namespace PodCache.Notebooks.Tests;

public class PodCacheSessionTests
{
    private static string Pipeline => Path.Combine(TestPaths.SinAnomaly, "pipeline.json");

    private static string SmallCoords(TempDir dir)
    {
        string path = Path.Combine(dir.Path, "coords.json");
        File.WriteAllText(path, """{"coords": [{"name": "lat", "values": [1, 2, 3]}, {"name": "lon", "values": [3, 4]}]}""");
        return path;
    }

    [Fact]
    public async Task RunAsync_SavesTheRun_AnotherSessionReopensItAndPullsANode()
    {
        using var dir = new TempDir();
        string coords = SmallCoords(dir);
        string cacheDir = Path.Combine(dir.Path, "cache");
        string runId;
        using (var pc = PodCacheNotebook.Open(cacheDir))
        {
            var run = await pc.RunAsync(Pipeline, coords);
            runId = run.RunId;
            Assert.Equal(4, run.ComputedCount);
        }

        using var again = PodCacheNotebook.Open(cacheDir);
        var reopened = again.OpenRun("latest");
        Assert.Equal(runId, reopened.RunId);
        Assert.Equal(runId, Assert.Single(again.ListRuns()).RunId);
        var sin = await reopened.GetResultAsync("sin");
        Assert.Equal(CacheStatus.Hit(TierNames.Disk), sin.Nodes["sin"].Status);
        Assert.Equal([3, 2], sin.Output!.Shape);
    }

    [Fact]
    public async Task Statistics_AfterARunAndAHit_CountsTheRamHit()
    {
        using var dir = new TempDir();
        string coords = SmallCoords(dir);
        using var pc = PodCacheNotebook.Open(Path.Combine(dir.Path, "cache"));
        await pc.RunAsync(Pipeline, coords);
        var plan = await pc.PlanAsync(Pipeline, coords);
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), plan.Nodes[plan.OutputRef].Status);
        await pc.RunAsync(Pipeline, coords);

        var stats = pc.Statistics();

        Assert.Equal(["ram", "disk"], stats.Tiers.Select(t => t.Tier));
        Assert.True(stats["ram"]!.Hits >= 1);
        Assert.True(stats["disk"]!.Entries >= 4);
    }
}
