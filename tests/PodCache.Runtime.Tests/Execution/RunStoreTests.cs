using System.Text;
using PodCache.Cache.Index;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;
using PodCache.Runtime.Execution;

namespace PodCache.Runtime.Tests.Execution;

public sealed class RunStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-runstore-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string Manifest(int i, int size) => "{\"runId\": \"r" + i + "\", \"pad\": \"" + new string('x', size) + "\"}";

    [Fact]
    public void Save_PastMaxBytes_PrunesOldestFirstDownToNineTenthsAndKeepsTheNewest()
    {
        using var index = new MachineIndex(_dir);
        var store = new RunStore(_dir, index, maxBytes: 10_000);
        var written = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            written.Add(store.Save("r" + i, Manifest(i, 1000)));
            // Distinct write times, so "oldest" is well defined whatever the file system's timestamp resolution.
            File.SetLastWriteTimeUtc(written[^1], new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i));
        }

        var left = Directory.GetFiles(store.Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).ToHashSet();
        long bytes = Directory.GetFiles(store.Directory, "*.json").Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1, 10_000 + 1100);
        Assert.Contains("r29", left);
        // What is left is a suffix of the runs: the newest ones.
        int oldestLeft = left.Min(r => int.Parse(r[1..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(oldestLeft, 30 - oldestLeft).Select(i => "r" + i).ToHashSet(), left);
        Assert.True(oldestLeft > 15, $"oldest kept r{oldestLeft}");
        Assert.Equal(bytes, store.Bytes);
    }

    [Fact]
    public void Save_WithIndex_RunBytesCountAgainstTheDiskBudget()
    {
        using var index = new MachineIndex(_dir);
        var tier = new DiskTier(new DiskTierOptions { Path = _dir, MaxBytes = 1_000_000 }, index, new ValueCodecs());
        var store = new RunStore(_dir, index, maxBytes: 500_000);
        Assert.Equal(1_000_000, tier.CurrentLimit());

        string path = store.Save("r1", Manifest(1, 50_000));

        long length = new FileInfo(path).Length;
        Assert.Equal(length, store.Bytes);
        Assert.Equal(1_000_000 - length, tier.CurrentLimit());
        File.Delete(path);
        Assert.Equal(0, store.Prune());
        Assert.Equal(1_000_000, tier.CurrentLimit());
    }

    [Fact]
    public void Save_Unwritable_LeavesNoTempFileBehind()
    {
        var store = new RunStore(_dir, null, maxBytes: 1 << 20);
        Directory.CreateDirectory(store.PathOf("r1"));

        Assert.ThrowsAny<IOException>(() => store.Save("r1", Manifest(1, 10)));

        Assert.Equal([store.PathOf("r1")], Directory.GetFileSystemEntries(store.Directory));
    }
}
