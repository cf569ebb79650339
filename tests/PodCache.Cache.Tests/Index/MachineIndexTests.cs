using PodCache.Cache.Index;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Index;

public sealed class MachineIndexTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-index-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public void TryAcquireLease_HeldBySelf_Reentrant_ThenReleased()
    {
        using var index = new MachineIndex(_dir);
        var k = Key.Hash("a");
        Assert.True(index.TryAcquireLease(k, TimeSpan.FromSeconds(10)));
        Assert.True(index.TryAcquireLease(k, TimeSpan.FromSeconds(10)));
        Assert.False(index.IsLeasedByOther(k));
        index.ReleaseLease(k);
    }

    [Fact]
    public void Reserve_OverBudget_ChoosesVictimsAndKeepsTotalWithinBudget()
    {
        using var index = new MachineIndex(_dir);
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 4; i++)
        {
            Assert.NotNull(index.Reserve(Key.Hash("k" + i), "disk", 100, 400, now, null, 1, (c, n) => []));
            index.Commit(Key.Hash("k" + i), "disk", 100);
        }
        Assert.Equal(400, index.Bytes("disk"));

        var victims = index.Reserve(Key.Hash("new"), "disk", 150, 400, now, null, 1,
            (candidates, needed) => candidates.OrderBy(c => c.Key.ToString()).TakeWhile((_, i) => i * 100 < needed).ToList());

        Assert.NotNull(victims);
        Assert.Equal(2, victims!.Count);
        Assert.True(index.Bytes("disk") <= 400);
    }

    [Fact]
    public void Reserve_LargerThanBudget_Refused()
    {
        using var index = new MachineIndex(_dir);
        Assert.Null(index.Reserve(Key.Hash("x"), "disk", 500, 400, DateTimeOffset.UtcNow, null, 1, (c, n) => []));
        Assert.Equal(0, index.Bytes("disk"));
    }

    [Fact]
    public void Heartbeat_OwnRowNotCountedAsOther()
    {
        using var index = new MachineIndex(_dir);
        index.Heartbeat(1234);
        Assert.Equal(0, index.OtherProcessesRamBytes(TimeSpan.FromSeconds(10)));
    }
}
