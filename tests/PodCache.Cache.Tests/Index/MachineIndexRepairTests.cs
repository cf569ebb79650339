using Microsoft.Data.Sqlite;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Index;

public sealed class MachineIndexRepairTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-repair-" + Guid.NewGuid().ToString("N"));

    public MachineIndexRepairTests() => Directory.CreateDirectory(_dir);

    private string IndexPath => Path.Combine(_dir, MachineIndex.FileName);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private void WriteSoundIndexWithRows(int rows)
    {
        using var index = new MachineIndex(_dir);
        for (int i = 0; i < rows; i++)
        {
            index.Upsert(new IndexEntry(Key.Hash("r" + i), "disk", 100 + i, DateTimeOffset.UnixEpoch, null, 1, 0, DateTimeOffset.UnixEpoch, true));
        }
    }

    [Fact]
    public void Constructor_GarbageFile_ThrowsCacheIndexExceptionNamingTheFileAndLeavesItAlone()
    {
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(IndexPath, garbage);

        var ex = Assert.Throws<CacheIndexException>(() => new MachineIndex(_dir));

        Assert.Equal(IndexPath, ex.IndexPath);
        Assert.Contains(IndexPath, ex.Message);
        Assert.Contains("not a database", ex.Message);
        Assert.Equal(garbage, File.ReadAllBytes(IndexPath));
    }

    [Fact]
    public void MoveAsideIfDamaged_Garbage_RenamesItWithATimestampAndANewIndexOpens()
    {
        File.WriteAllText(IndexPath, "this is not SQLite");
        var time = new FakeTime(new DateTimeOffset(2026, 12, 2, 7, 8, 9, TimeSpan.Zero));

        var moved = MachineIndex.MoveAsideIfDamaged(_dir, time);

        Assert.NotNull(moved);
        Assert.Equal(IndexPath + ".corrupt-20261202T070809000Z", moved.Value.MovedTo);
        Assert.Equal("this is not SQLite", File.ReadAllText(moved.Value.MovedTo));
        Assert.False(File.Exists(IndexPath));
        using var fresh = new MachineIndex(_dir);
        Assert.Empty(fresh.Entries("disk"));
    }

    [Fact]
    public void MoveAsideIfDamaged_Truncated_IsDamaged()
    {
        WriteSoundIndexWithRows(2000);
        SqliteConnection.ClearAllPools();
        long length = new FileInfo(IndexPath).Length;
        Assert.True(length > 3 * 4096, $"index of {length} bytes");
        using (var f = new FileStream(IndexPath, FileMode.Open)) f.SetLength(length / 2);

        var moved = MachineIndex.MoveAsideIfDamaged(_dir);

        Assert.NotNull(moved);
        Assert.False(File.Exists(IndexPath));
    }

    [Fact]
    public void MoveAsideIfDamaged_Directory_IsMovedAside()
    {
        Directory.CreateDirectory(IndexPath);
        Assert.Throws<CacheIndexException>(() => new MachineIndex(_dir));

        var moved = MachineIndex.MoveAsideIfDamaged(_dir);

        Assert.NotNull(moved);
        Assert.Contains("directory", moved.Value.Reason);
        Assert.True(Directory.Exists(moved.Value.MovedTo));
        using var fresh = new MachineIndex(_dir);
        Assert.True(File.Exists(IndexPath));
    }

    [Fact]
    public void MoveAsideIfDamaged_SoundOrMissingIndex_IsLeftAlone()
    {
        Assert.Null(MachineIndex.MoveAsideIfDamaged(_dir));
        WriteSoundIndexWithRows(10);

        Assert.Null(MachineIndex.MoveAsideIfDamaged(_dir));

        using var index = new MachineIndex(_dir);
        Assert.Equal(10, index.Entries("disk").Count);
    }

    [Fact]
    public void Catalog_IndexFull_IsBestEffortAndNeverThrows()
    {
        using var index = new MachineIndex(_dir);
        index.LimitPages(index.PageCount());
        var group = Key.Hash("g");
        // Enough rows of a few hundred bytes to need pages the cap refuses.
        for (int i = 0; i < 200; i++)
        {
            index.Add(group, Key.Hash("m" + i), new string('d', 400));
        }
        Assert.True(index.Find(group).Count < 200);
    }
}
