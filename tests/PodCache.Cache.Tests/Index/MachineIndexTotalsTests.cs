using Microsoft.Data.Sqlite;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests.Index;

/// <summary>
/// The per-tier byte totals that reservations read instead of summing every row, and the batch a large full tier
/// evicts at a time.
/// </summary>
public sealed class MachineIndexTotalsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-totals-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static IndexEntry Row(string key, string tier, long bytes) =>
        new(Key.Hash(key), tier, bytes, Now, null, 1, 0, Now, true);

    private static void AssertTotals(MachineIndex index, params string[] tiers)
    {
        foreach (var tier in tiers)
        {
            Assert.Equal(index.SummedBytes(tier), index.Bytes(tier));
        }
    }

    [Fact]
    public void Totals_FollowEveryWayRowsChange()
    {
        using var index = new MachineIndex(_dir);
        for (int i = 0; i < 5; i++)
        {
            index.Reserve(Key.Hash("d" + i), "disk", 1000 + i, 1 << 20, Now, null, 1, (c, n) => []);
        }
        index.Commit(Key.Hash("d0"), "disk", 700);          // final size below the reservation
        index.Reserve(Key.Hash("d1"), "disk", 50, 1 << 20, Now, null, 1, (c, n) => []); // a key reserved again
        index.Upsert(Row("s1", "s3", 300));
        index.Upsert(Row("s1", "s3", 900));                 // replaced: counted once
        Assert.True(index.AddIfMissing(Row("s2", "s3", 40)));
        Assert.False(index.AddIfMissing(Row("s2", "s3", 4000)));
        Assert.True(index.Remove(Key.Hash("d2"), "disk"));
        AssertTotals(index, "disk", "s3");
        Assert.Equal(700 + 50 + 1003 + 1004, index.Bytes("disk"));
        Assert.Equal(940, index.Bytes("s3"));

        var trimmed = index.TrimToBudget("s3", 100, (c, n) => c.Where(e => e.Bytes == 900).ToList());
        Assert.Single(trimmed);
        Assert.Equal(40, index.Bytes("s3"));
        Assert.Equal(0, index.Bytes("ram"));
        AssertTotals(index, "disk", "s3");
    }

    [Fact]
    public void Open_IndexWrittenBeforeTotals_FillsThemFromTheRows()
    {
        using (var index = new MachineIndex(_dir))
        {
            index.Upsert(Row("a", "disk", 123));
            index.Upsert(Row("b", "disk", 877));
            index.Upsert(Row("c", "s3", 5));
        }
        using (var db = new SqliteConnection($"Data Source={Path.Combine(_dir, MachineIndex.FileName)};Pooling=False"))
        {
            db.Open();
            using var drop = db.CreateCommand();
            drop.CommandText = """
                DROP TRIGGER entries_bytes_insert; DROP TRIGGER entries_bytes_delete; DROP TRIGGER entries_bytes_update;
                DROP TABLE tier_bytes;
                """;
            drop.ExecuteNonQuery();
        }

        using var reopened = new MachineIndex(_dir);

        Assert.Equal(1000, reopened.Bytes("disk"));
        Assert.Equal(5, reopened.Bytes("s3"));
        reopened.Upsert(Row("d", "disk", 1));
        Assert.Equal(1001, reopened.Bytes("disk"));
    }

    [Fact]
    public void Reserve_FullSmallTier_AsksForExactlyWhatIsNeeded()
    {
        using var index = new MachineIndex(_dir);
        for (int i = 0; i < 10; i++)
        {
            index.Reserve(Key.Hash("k" + i), "disk", 100, 1000, Now, null, 1, (c, n) => []);
            index.Commit(Key.Hash("k" + i), "disk", 100);
        }
        long asked = -1;

        index.Reserve(Key.Hash("new"), "disk", 150, 1000, Now, null, 1, (c, n) =>
        {
            asked = n;
            return c.OrderBy(e => e.Key.ToString()).Take(2).ToList();
        });

        Assert.Equal(150, asked);
        Assert.Equal(950, index.Bytes("disk"));
    }

    [Fact]
    public void Reserve_FullLargeTier_FreesABatchOfItsBudget_AndStaysWithinIt()
    {
        using var index = new MachineIndex(_dir);
        int rows = MachineIndex.EvictionBatchRows + 200;
        long budget = rows * 100L;
        for (int i = 0; i < rows; i++)
        {
            index.Reserve(Key.Hash("k" + i), "disk", 100, budget, Now, null, 1, (c, n) => []);
            index.Commit(Key.Hash("k" + i), "disk", 100);
        }
        Assert.Equal(budget, index.Bytes("disk"));
        var asked = new List<long>();
        IReadOnlyList<IndexEntry> Oldest(IReadOnlyList<IndexEntry> c, long n)
        {
            asked.Add(n);
            return c.OrderBy(e => e.Key.ToString()).Take((int)((n + 99) / 100)).ToList();
        }

        for (int i = 0; i < 10; i++)
        {
            Assert.NotNull(index.Reserve(Key.Hash("new" + i), "disk", 100, budget, Now, null, 1, Oldest));
        }

        // One batch of a 64th of the budget made room for all ten; nothing else was asked.
        Assert.Equal([budget / MachineIndex.EvictionBatchFraction], asked);
        Assert.InRange(index.Bytes("disk"), budget - (budget / MachineIndex.EvictionBatchFraction), budget);
        AssertTotals(index, "disk");
    }
}
