using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tests.Tiers;

public sealed class DiskTierTests : CacheTierContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-disk-" + Guid.NewGuid().ToString("N"));
    private readonly List<MachineIndex> _indexes = [];

    protected override ICacheTier CreateTier(long maxBytes) => Create(maxBytes);

    private DiskTier Create(long maxBytes, bool lz4 = false)
    {
        var index = new MachineIndex(_dir, Time);
        _indexes.Add(index);
        return new DiskTier(new DiskTierOptions { Path = _dir, MaxBytes = maxBytes, Lz4 = lz4 }, index, new ValueCodecs(), time: Time);
    }

    public override void Dispose()
    {
        foreach (var i in _indexes) i.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        base.Dispose();
    }

    private sealed class VariableScope(long limit) : PodCache.Cache.Budgets.IBudgetScope
    {
        public long Limit { get; set; } = limit;

        public long CurrentLimit() => Limit;
    }

    [Fact]
    public async Task Scope_CapsTheTier_AndTrimToLimitEvictsWhenItShrinks()
    {
        var tier = Create(1 << 22);
        var scope = new VariableScope(60_000);
        tier.Scope = scope;
        Assert.Equal(60_000, tier.CurrentLimit());
        for (int i = 0; i < 10; i++)
        {
            await tier.PutAsync(Entry("s" + i, "v" + i, padTo: 10_000));
        }
        Assert.InRange(tier.GetStatistics().Bytes, 1, 60_000);

        scope.Limit = 25_000;
        int evicted = tier.TrimToLimit();
        var stats = tier.GetStatistics();
        Assert.True(evicted > 0);
        Assert.InRange(stats.Bytes, 1, 25_000);
        Assert.Equal(stats.Entries, Directory.EnumerateFiles(Path.Combine(_dir, "entries"), "*", SearchOption.AllDirectories).Count());

        scope.Limit = long.MaxValue;
        Assert.Equal(1 << 22, tier.CurrentLimit());
        Assert.Equal(0, tier.TrimToLimit());
    }

    [Fact]
    public async Task TryGet_FromAnotherInstance_SeesTheEntry()
    {
        var a = Create(1 << 20);
        await a.PutAsync(Entry("shared", "value"));
        var b = Create(1 << 20);
        var got = await b.TryGetAsync(Key.Hash("shared"));
        Assert.NotNull(got);
        Assert.Equal("{\"by\":\"test\"}", got!.Provenance);
    }

    [Fact]
    public async Task Lz4_RoundTrips_AndShrinksCompressibleData()
    {
        var tier = Create(1 << 22, lz4: true);
        var e = Entry("z", "z", padTo: 200_000);
        await tier.PutAsync(e);
        Assert.True(new FileInfo(tier.PathOf(e.Key)).Length < 20_000);
        var got = await tier.TryGetAsync(e.Key);
        Assert.Equal(((BinaryValue)e.Value).Bytes.ToArray(), ((BinaryValue)got!.Value).Bytes.ToArray());
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public async Task TryGet_CorruptFile_IsMissRemovedAndCounted(string damage)
    {
        var tier = Create(1 << 20);
        var e = Entry("victim", "some value worth keeping", padTo: 3000);
        await tier.PutAsync(e);
        string path = tier.PathOf(e.Key);
        var bytes = File.ReadAllBytes(path);
        byte[] broken = damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            "flip" => Flip(bytes, bytes.Length - 100),
            "garbage" => Enumerable.Range(0, 500).Select(i => (byte)(i * 31)).ToArray(),
            _ => [],
        };
        File.WriteAllBytes(path, broken);

        Assert.Null(await tier.TryGetAsync(e.Key));
        Assert.False(File.Exists(path));
        Assert.Equal(1, tier.CorruptCount);
        Assert.Equal(0, tier.GetStatistics().Entries);
    }

    private static byte[] Flip(byte[] b, int at)
    {
        var c = (byte[])b.Clone();
        c[at] ^= 0x40;
        return c;
    }

    [Fact]
    public async Task Put_WritesNoTempFilesBehind()
    {
        var tier = Create(1 << 20);
        for (int i = 0; i < 5; i++) await tier.PutAsync(Entry("k" + i, "v"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "tmp")));
    }

    [Fact]
    public async Task Open_AbandonedTempFileOfDeadProcess_IsDeleted()
    {
        Create(1 << 20);
        // pid 1 has another start time than recorded here, so it counts as dead.
        string stale = Path.Combine(_dir, "tmp", $"{Key.Hash("x")}.1.123.abc.tmp");
        await File.WriteAllBytesAsync(stale, [1, 2, 3]);
        Create(1 << 20);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task CollectExpired_RemovesOnlyExpired()
    {
        var tier = Create(1 << 20);
        await tier.PutAsync(Entry("short", "s", ttl: TimeSpan.FromMinutes(1)));
        await tier.PutAsync(Entry("long", "l", ttl: TimeSpan.FromDays(1)));
        await tier.PutAsync(Entry("never", "n"));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, tier.CollectExpired());
        Assert.Equal(2, tier.GetStatistics().Entries);
    }
    /// <summary>Over two hashing chunks and far over the reader's small-read window: the payload is read straight into the value.</summary>
    private CacheEntry Large(string name)
    {
        var bytes = new byte[(9 << 20) + 12345];
        new Random(20261203).NextBytes(bytes);
        return new CacheEntry(Key.Hash(name), new BinaryValue("application/octet-stream", bytes), Time.GetUtcNow(), null, 3, "{}");
    }

    [Fact]
    public async Task TryGet_LargeEntry_RoundTripsByteExact()
    {
        var tier = Create(1 << 26);
        var e = Large("large");
        await tier.PutAsync(e);

        var got = await tier.TryGetAsync(e.Key);

        Assert.NotNull(got);
        Assert.True(((BinaryValue)e.Value).Bytes.Span.SequenceEqual(((BinaryValue)got!.Value).Bytes.Span));
        Assert.Equal(1, tier.GetStatistics().Hits);
    }

    [Theory]
    [InlineData("flip-first-chunk")]
    [InlineData("flip-last-chunk")]
    [InlineData("flip-header")]
    [InlineData("truncate")]
    [InlineData("extend")]
    public async Task TryGet_LargeEntryCorrupt_IsMissRemovedAndCounted(string damage)
    {
        var tier = Create(1 << 26);
        var e = Large("large-victim");
        await tier.PutAsync(e);
        string path = tier.PathOf(e.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        byte[] broken = damage switch
        {
            "flip-first-chunk" => Flip(bytes, 3 << 20),
            "flip-last-chunk" => Flip(bytes, bytes.Length - 5000),
            "flip-header" => Flip(bytes, 40),
            "truncate" => bytes[..(bytes.Length - (1 << 20))],
            _ => [.. bytes, .. new byte[4096]],
        };
        await File.WriteAllBytesAsync(path, broken);

        Assert.Null(await tier.TryGetAsync(e.Key));
        Assert.False(File.Exists(path));
        Assert.Equal(1, tier.CorruptCount);
        Assert.Equal(0, tier.GetStatistics().Entries);
    }
}
