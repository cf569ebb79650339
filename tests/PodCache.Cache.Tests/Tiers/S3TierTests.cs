using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.S3;
using PodCache.Tests.S3;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>The tier contract and the S3-specific behaviour, against a real S3 protocol server (moto).</summary>
[Collection("moto")]
public sealed class S3TierTests : CacheTierContract
{
    private readonly MotoFixture _moto;
    private readonly string _bucket;
    private readonly IAmazonS3 _client;
    private readonly List<string> _dirs = [];
    private readonly List<IDisposable> _owned = [];

    public S3TierTests(MotoFixture moto)
    {
        _moto = moto;
        _bucket = moto.CreateBucketAsync().GetAwaiter().GetResult();
        _client = moto.CreateClient();
    }

    protected override ICacheTier CreateTier(long maxBytes) => Create(maxBytes);

    /// <summary>A tier as one worker sees it: its own machine index (cache directory), the shared bucket.</summary>
    private S3Tier Create(long maxBytes = 1 << 24, string? serviceUrl = null, Action<S3TierOptions>? configure = null, TimeProvider? time = null,
        string? dir = null)
    {
        dir ??= NewDir();
        var index = new MachineIndex(dir, time ?? Time);
        var options = new S3TierOptions
        {
            Bucket = _bucket,
            Prefix = "pc/",
            ServiceUrl = serviceUrl ?? _moto.ServiceUrl,
            MaxBytes = maxBytes,
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var tier = new S3Tier(options, index, new ValueCodecs(), time: time ?? Time);
        _owned.Add(tier);
        _owned.Add(index);
        return tier;
    }

    private string NewDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "podcache-s3-" + Guid.NewGuid().ToString("N"));
        _dirs.Add(dir);
        return dir;
    }

    public override void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var d in _dirs)
        {
            try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        base.Dispose();
    }

    private async Task<List<S3Object>> ListAsync(string prefix)
    {
        var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix });
        return page.S3Objects ?? [];
    }

    private async Task<byte[]> GetBytesAsync(string objectKey)
    {
        using var r = await _client.GetObjectAsync(_bucket, objectKey);
        using var ms = new MemoryStream();
        await r.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    private static byte[] Bytes(CacheEntry e) => ((BinaryValue)e.Value).Bytes.ToArray();

    [Fact]
    public async Task Put_WritesOneObjectUnderPrefixAbCdKey_WithEntryFormatAndMetadata()
    {
        var tier = Create();
        var e = Entry("layout", "value", ttl: TimeSpan.FromHours(6), cost: 1.25);
        await tier.PutAsync(e);

        string hex = e.Key.ToString();
        string expected = $"pc/{hex[..2]}/{hex[2..4]}/{hex}";
        Assert.Equal(expected, tier.ObjectKey(e.Key));
        var objects = await ListAsync("pc/");
        Assert.Equal([expected], objects.Select(o => o.Key));
        var bytes = await GetBytesAsync(expected);
        Assert.Equal("PCE1"u8.ToArray(), bytes[..4]);
        Assert.Equal("PCE!"u8.ToArray(), bytes[^4..]);
        var head = await _client.GetObjectMetadataAsync(_bucket, expected);
        Assert.Equal(e.Expires!.Value.ToUnixTimeMilliseconds().ToString(), head.Metadata["podcache-expires"]);
        Assert.Equal(e.Created.ToUnixTimeMilliseconds().ToString(), head.Metadata["podcache-created"]);
        Assert.Equal("1.25", head.Metadata["podcache-cost"]);
        Assert.Equal(bytes.Length, tier.GetStatistics().Bytes);
    }

    [Fact]
    public async Task TryGet_WrittenByAnotherWorker_ServedWithProvenanceAndAccounted()
    {
        var a = Create();
        var b = Create();
        await a.PutAsync(Entry("shared", "value"));
        Assert.Equal(0, b.GetStatistics().Entries);

        var got = await b.TryGetAsync(Key.Hash("shared"));

        Assert.NotNull(got);
        Assert.Equal("{\"by\":\"test\"}", got!.Provenance);
        Assert.Equal(1, b.GetStatistics().Entries);
        Assert.Equal(a.GetStatistics().Bytes, b.GetStatistics().Bytes);
    }

    [Fact]
    public async Task Put_LargerThanOnePart_StreamsMultipartAndRoundTripsExactly()
    {
        var tier = Create(64 << 20, configure: o => { o.PartSize = 5 << 20; o.MaxConcurrentParts = 2; });
        var payload = new byte[13 << 20];
        new Random(20261125).NextBytes(payload);
        var e = new CacheEntry(Key.Hash("big"), new BinaryValue("application/octet-stream", payload), Time.GetUtcNow(), null, 3);

        await tier.PutAsync(e);
        var got = await tier.TryGetAsync(e.Key);

        Assert.NotNull(got);
        Assert.Equal(payload, Bytes(got!));
        var head = await _client.GetObjectMetadataAsync(_bucket, tier.ObjectKey(e.Key));
        Assert.EndsWith("-3\"", head.ETag); // three parts: 5 + 5 + 3 MiB
        var uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket });
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("garbage")]
    [InlineData("other-key")]
    public async Task TryGet_CorruptObject_IsMissDeletedAndCounted(string damage)
    {
        var tier = Create();
        var e = Entry("victim", "some value worth keeping", padTo: 3000);
        await tier.PutAsync(e);
        string objectKey = tier.ObjectKey(e.Key);
        var bytes = await GetBytesAsync(objectKey);
        byte[] broken = damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            "flip" => Flip(bytes, bytes.Length - 100),
            "garbage" => Enumerable.Range(0, 500).Select(i => (byte)(i * 31)).ToArray(),
            _ => await OtherEntryBytesAsync(tier),
        };
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = objectKey, InputStream = new MemoryStream(broken) });

        Assert.Null(await tier.TryGetAsync(e.Key));
        Assert.Equal(1, tier.CorruptCount);
        Assert.DoesNotContain(await ListAsync("pc/"), o => o.Key == objectKey);
        Assert.Equal(0, tier.GetStatistics().Entries);
    }

    private async Task<byte[]> OtherEntryBytesAsync(S3Tier tier)
    {
        var other = Entry("other", "other value");
        await tier.PutAsync(other);
        var bytes = await GetBytesAsync(tier.ObjectKey(other.Key));
        await tier.DeleteAsync(other.Key);
        return bytes;
    }

    private static byte[] Flip(byte[] b, int at)
    {
        var c = (byte[])b.Clone();
        c[at] ^= 0x40;
        return c;
    }

    [Fact]
    public async Task HalfUploadedObject_NeverVisibleNorServed()
    {
        var tier = Create();
        var key = Key.Hash("half");
        // A writer that sent two parts and died: the multipart upload is open, the object does not exist.
        var upload = new S3UploadStream(_client, _bucket, tier.ObjectKey(key), 5 << 20, 2, 1 << 20, [], default);
        var thread = Task.Factory.StartNew(() => upload.Write(new byte[11 << 20]), TaskCreationOptions.LongRunning);
        await thread;

        Assert.False(await tier.ContainsAsync(key));
        Assert.Null(await tier.TryGetAsync(key));
        var uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket });
        Assert.Single(uploads.MultipartUploads);

        // gc aborts uploads older than the given age (zero here: the writer is known dead).
        var gcTier = Create(time: TimeProvider.System);
        var result = await gcTier.CollectGarbageAsync(staleUploadAge: TimeSpan.FromSeconds(-5));
        Assert.Equal(1, result!.AbortedUploads);
        uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket });
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task Reconcile_AccountsOtherWorkersObjects_DropsVanished_AndEvictsOverBudget()
    {
        const int size = 10_000;
        var mine = Create(maxBytes: 5 * size);
        var other = Create(maxBytes: 1 << 24);
        await mine.PutAsync(Entry("mine-0", "m", padTo: size));
        await mine.PutAsync(Entry("mine-1", "m", padTo: size));
        for (int i = 0; i < 6; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await other.PutAsync(Entry("other-" + i, "o", padTo: size));
        }
        await other.DeleteAsync(Key.Hash("mine-1"));
        Assert.Equal(2, mine.GetStatistics().Entries);

        var r = await mine.ReconcileAsync();

        Assert.NotNull(r);
        Assert.Equal(7, r!.Objects);
        Assert.Equal(6, r.Added);
        Assert.Equal(1, r.Removed);
        Assert.True(r.Evicted >= 3, $"evicted {r.Evicted}");
        var stats = mine.GetStatistics();
        Assert.True(stats.Bytes <= 5 * size, $"{stats.Bytes} bytes accounted over a budget of {5 * size}");
        Assert.Equal(stats.Entries, (await ListAsync("pc/")).Count);
        Assert.Equal(stats.Bytes, (await ListAsync("pc/")).Sum(o => o.Size ?? 0));
    }

    [Fact]
    public async Task Put_ReconcileIntervalPassed_ReconcilesInBackgroundAndKeepsBudget()
    {
        const int size = 10_000;
        var mine = Create(maxBytes: 4 * size, configure: o => o.ReconcileInterval = TimeSpan.FromMinutes(1));
        var other = Create(maxBytes: 1 << 24);
        for (int i = 0; i < 6; i++)
        {
            await other.PutAsync(Entry("other-" + i, "o", padTo: size));
        }
        await mine.PutAsync(Entry("mine-0", "m", padTo: size));
        Assert.Equal(1, mine.GetStatistics().Entries); // not due yet: no listing

        Time.Advance(TimeSpan.FromMinutes(2));
        await mine.PutAsync(Entry("mine-1", "m", padTo: size));
        await mine.BackgroundReconciliation.WaitAsync(TimeSpan.FromSeconds(60));

        var stats = mine.GetStatistics();
        Assert.True(stats.Bytes <= 4 * size, $"{stats.Bytes} bytes accounted over a budget of {4 * size}");
        Assert.Equal(stats.Entries, (await ListAsync("pc/")).Count);
        using var index = new MachineIndex(_dirs[0], Time);
        Assert.NotNull(index.GetSetting(S3Tier.ReconciledAtSetting));
    }

    [Fact]
    public async Task CollectGarbage_DeletesExpiredObjectsOfEveryWorker_KeepsLive()
    {
        var writer = Create();
        await writer.PutAsync(Entry("short", "s", ttl: TimeSpan.FromMinutes(1)));
        await writer.PutAsync(Entry("long", "l", ttl: TimeSpan.FromDays(1)));
        await writer.PutAsync(Entry("never", "n"));
        Time.Advance(TimeSpan.FromHours(1));
        // A worker that never saw these objects: it learns their expiry from the object metadata.
        var collector = Create();

        var result = await collector.CollectGarbageAsync();

        Assert.Equal(1, result!.Expired);
        var left = (await ListAsync("pc/")).Select(o => o.Key).ToHashSet();
        Assert.Equal(2, left.Count);
        Assert.DoesNotContain(writer.ObjectKey(Key.Hash("short")), left);
        Assert.Equal(2, collector.GetStatistics().Entries);
    }

    [Fact]
    public async Task CollectGarbage_DeletesLeaseLeftByDeadHolder()
    {
        var tier = Create(time: TimeProvider.System, configure: o => o.LeaseTtl = TimeSpan.FromSeconds(1));
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = tier.LeaseObjectKey(Key.Hash("x")), ContentBody = "{}" });
        // Object timestamps have one-second resolution; ten lease lifetimes must pass.
        var late = new DateTimeOffsetTime(DateTimeOffset.UtcNow.AddSeconds(30));
        var gc = Create(time: late, configure: o => o.LeaseTtl = TimeSpan.FromSeconds(1));

        var result = await gc.CollectGarbageAsync();

        Assert.Equal(1, result!.StaleLeases);
        Assert.Empty(await ListAsync("pc/leases/"));
    }

    [Fact]
    public async Task ClosedPort_OperationsMissQuickly_FailureCountedAndS3SkippedAfterwards()
    {
        string dir = NewDir();
        var tier = Create(serviceUrl: $"http://127.0.0.1:{MotoServer.FreePort()}", dir: dir,
            configure: o => { o.MaxErrorRetry = 1; o.Timeout = TimeSpan.FromSeconds(2); o.RetryAfter = TimeSpan.FromMinutes(1); });

        await tier.PutAsync(Entry("a", "alpha"));
        Assert.Null(await tier.TryGetAsync(Key.Hash("a")));
        Assert.False(await tier.ContainsAsync(Key.Hash("a")));
        Assert.False(await tier.DeleteAsync(Key.Hash("a")));

        Assert.True(tier.IsUnavailable);
        Assert.Equal(1, tier.ErrorCount); // the first failure; the rest were skipped without a request
        // Counters are batched: written on the timer, a full batch, the next index call or dispose. Another connection
        // (another process) reads them once written.
        _owned.OfType<MachineIndex>().Last().FlushStatistics();
        using var index = new MachineIndex(dir);
        var counters = index.Counters();
        Assert.Equal(1, counters["s3.errors"]);
        Assert.True(counters["s3.skipped"] >= 3);
        Assert.Contains("put", index.GetSetting("s3.lastError"));
        Assert.Equal(0, tier.GetStatistics().Entries);

        // After the back-off it tries again.
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(tier.IsUnavailable);
        Assert.Null(await tier.TryGetAsync(Key.Hash("a")));
        Assert.Equal(2, tier.ErrorCount);
    }

    [Fact]
    public async Task SlowServer_NeverAnswers_RequestsTimeOutBoundedAndCounted()
    {
        // Accepts connections and never answers: a hung S3 endpoint.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
            }
        });
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var tier = Create(serviceUrl: $"http://127.0.0.1:{port}", configure: o => { o.MaxErrorRetry = 1; o.Timeout = TimeSpan.FromMilliseconds(500); });
        var timer = System.Diagnostics.Stopwatch.StartNew();

        Assert.Null(await tier.TryGetAsync(Key.Hash("a")));
        await tier.PutAsync(Entry("a", "alpha"));

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(20), $"took {timer.Elapsed}");
        Assert.Equal(1, tier.ErrorCount);
        await stop.CancelAsync();
        await acceptor;
        foreach (var c in held) c.Dispose();
    }

    [Fact]
    public async Task ServerStoppedMidRun_TieredCacheServesFromDiskOrComputes_NeverThrows()
    {
        using var own = new MotoServer();
        await own.StartAsync();
        string bucket = await own.CreateBucketAsync();
        string dir = NewDir();
        using var index = new MachineIndex(dir, Time);
        using var s3 = new S3Tier(new S3TierOptions
        {
            Bucket = bucket,
            ServiceUrl = own.ServiceUrl,
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromSeconds(2),
        }, index, new ValueCodecs(), time: Time);
        var disk = new PodCache.Cache.Tiers.Disk.DiskTier(new PodCache.Cache.Tiers.Disk.DiskTierOptions { Path = dir }, index, new ValueCodecs(), time: Time);
        var cache = new TieredCache([new PodCache.Cache.Tiers.Ram.RamTier(1 << 20, time: Time), disk, s3], time: Time);
        var before = await cache.GetOrComputeAsync(Key.Hash("before"), _ => ValueTask.FromResult(Value("b")));
        Assert.Equal(CacheStatus.Computed, before.Status);
        await cache.Tiers[0].DeleteAsync(Key.Hash("before"));

        own.Stop();

        var fromDisk = await cache.GetOrComputeAsync<BinaryValue>(Key.Hash("before"), _ => throw new InvalidOperationException("must not compute"));
        var computed = await cache.GetOrComputeAsync(Key.Hash("after"), _ => ValueTask.FromResult(Value("a")));
        Assert.Equal(CacheStatus.Hit(TierNames.Disk), fromDisk.Status);
        Assert.Equal(CacheStatus.Computed, computed.Status);
        Assert.True(s3.ErrorCount >= 1);
        Assert.True(index.Counters()["s3.errors"] >= 1);
    }

    /// <summary>A clock fixed at a given instant.</summary>
    private sealed class DateTimeOffsetTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
