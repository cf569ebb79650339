using PodCache.Cache.Budgets;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Ram;

namespace PodCache.Cache.Tests.Budgets;

public sealed class MachineRamBudgetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-ram-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task RamTier_OtherProcessHoldsMostOfTheMachineBudget_AdmitsOnlyTheRest()
    {
        using var index = new MachineIndex(_dir);
        // Another live process (the init process) reports 70 KB of RAM on this cache directory.
        var other = ProcessIdentity.Of(1) ?? throw new InvalidOperationException("pid 1 must exist");
        index.HeartbeatAs(other, 70_000);
        RamTier? ram = null;
        using var budget = new MachineRamBudget(index, machineMaxBytes: 100_000, () => ram?.Bytes ?? 0);
        ram = new RamTier(1_000_000, scope: budget);

        for (int i = 0; i < 10; i++)
        {
            await ram.PutAsync(new CacheEntry(Key.Hash("k" + i), new BinaryValue("x", new byte[9_936]), DateTimeOffset.UtcNow, null, 1));
        }

        // 100 KB machine budget − 70 KB held elsewhere leaves room for three 10 KB entries here.
        Assert.Equal(70_000, budget.OtherProcessesBytes);
        Assert.True(ram.Bytes <= 30_000, $"{ram.Bytes} bytes held");
        Assert.Equal(3, ram.GetStatistics().Entries);
    }

    [Fact]
    public void OtherProcessesRamBytes_DeadProcessRow_Ignored()
    {
        using var index = new MachineIndex(_dir);
        index.HeartbeatAs(new ProcessIdentity(1, 12345), 50_000);
        Assert.Equal(0, index.OtherProcessesRamBytes(TimeSpan.FromSeconds(10)));
    }
}
