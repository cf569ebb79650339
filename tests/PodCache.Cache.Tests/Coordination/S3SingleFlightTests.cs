using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using PodCache.Cache.Coordination;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Ram;
using PodCache.Cache.Tiers.S3;
using PodCache.Tests.S3;

namespace PodCache.Cache.Tests.Coordination;

/// <summary>
/// Workers that share only a bucket (each its own cache directory and index) coordinate through lease objects.
/// Lease expiry runs on a fake clock; polling runs on real time, bounded by each test's timeout.
/// </summary>
[Collection("moto")]
public sealed class S3SingleFlightTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly MotoFixture _moto;
    private readonly string _bucket;
    private readonly IAmazonS3 _client;
    private readonly FakeTime _time = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> _owned = [];
    private readonly List<string> _dirs = [];

    public S3SingleFlightTests(MotoFixture moto)
    {
        _moto = moto;
        _bucket = moto.CreateBucketAsync().GetAwaiter().GetResult();
        _client = moto.CreateClient();
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var d in _dirs)
        {
            try { Directory.Delete(d, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Worker(TieredCache Cache, S3Tier S3, S3SingleFlight Flight);

    private Worker NewWorker(string? serviceUrl = null, string? bucket = null, TimeSpan? maxWait = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "podcache-s3sf-" + Guid.NewGuid().ToString("N"));
        _dirs.Add(dir);
        var index = new MachineIndex(dir, _time);
        var s3 = new S3Tier(new S3TierOptions
        {
            Bucket = bucket ?? _bucket,
            ServiceUrl = serviceUrl ?? _moto.ServiceUrl,
            LeaseTtl = TimeSpan.FromSeconds(30),
            LeasePollMax = TimeSpan.FromMilliseconds(100),
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromSeconds(2),
            LeaseMaxWait = maxWait ?? TimeSpan.FromMinutes(10),
        }, index, new ValueCodecs(), time: _time);
        _owned.Add(s3);
        _owned.Add(index);
        var flight = new S3SingleFlight(s3, new MachineSingleFlight(index, time: _time));
        var cache = new TieredCache([new RamTier(1 << 20, time: _time), s3], singleFlight: flight, time: _time);
        return new Worker(cache, s3, flight);
    }

    private static BinaryValue V(string s) => new("text/plain", Encoding.UTF8.GetBytes(s));

    private async Task<bool> LeaseExistsAsync(S3Tier tier, Key key)
    {
        var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = tier.LeaseObjectKey(key) });
        return (page.S3Objects ?? []).Count > 0;
    }

    private async Task PlantLeaseAsync(S3Tier tier, Key key, string host, int pid, long start, DateTimeOffset expires)
    {
        var body = new JsonObject
        {
            ["holder"] = $"{host}/{pid}/{start}/planted",
            ["host"] = host,
            ["pid"] = pid,
            ["start"] = start,
            ["expires"] = expires.ToUnixTimeMilliseconds(),
        };
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = tier.LeaseObjectKey(key), ContentBody = body.ToJsonString() });
    }

    [Fact]
    public async Task TwoWorkers_SameKeyAtOnce_ComputedOnce_OtherServedFromS3()
    {
        var a = NewWorker();
        var b = NewWorker();
        var key = Key.Hash("shared");
        int calls = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = a.Cache.GetOrComputeAsync(key, async _ =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return V("value");
        });
        while (!await LeaseExistsAsync(a.S3, key)) await Task.Delay(10);

        var second = b.Cache.GetOrComputeAsync(key, async _ =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return V("value");
        });
        while (b.Flight.Waits == 0) await Task.Delay(10).WaitAsync(Bound);
        gate.SetResult();
        var results = await Task.WhenAll(first, second).WaitAsync(Bound);

        Assert.Equal(1, calls);
        Assert.Equal(CacheStatus.Computed, results[0].Status);
        Assert.Equal(CacheStatus.Hit(TierNames.S3), results[1].Status);
        Assert.Equal("value", Encoding.UTF8.GetString(results[1].Value.Bytes.Span));
        Assert.False(await LeaseExistsAsync(a.S3, key));
    }

    [Fact]
    public async Task LeaseOfAnotherHost_ExpiresWhileWaiting_TakenOverAndComputedOnce()
    {
        var w = NewWorker();
        var key = Key.Hash("expiring");
        await PlantLeaseAsync(w.S3, key, "some-other-host", 4242, 1, _time.GetUtcNow() + TimeSpan.FromSeconds(30));
        int calls = 0;

        var run = w.Cache.GetOrComputeAsync(key, _ =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(V("mine"));
        });
        while (w.Flight.Waits == 0) await Task.Delay(10).WaitAsync(Bound);
        Assert.Equal(0, calls);
        _time.Advance(TimeSpan.FromSeconds(31));
        var result = await run.WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, calls);
        Assert.Equal(1, w.Flight.Takeovers);
        Assert.False(await LeaseExistsAsync(w.S3, key));
    }

    [Fact]
    public async Task LeaseOfDeadProcessOnThisHost_TakenOverWithoutWaitingForExpiry()
    {
        var w = NewWorker();
        var key = Key.Hash("orphan");
        // This pid with another start time is a process that no longer exists.
        await PlantLeaseAsync(w.S3, key, Environment.MachineName, Environment.ProcessId, 12345, _time.GetUtcNow() + TimeSpan.FromHours(1));

        var result = await w.Cache.GetOrComputeAsync(key, _ => ValueTask.FromResult(V("mine"))).WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, w.Flight.Takeovers);
    }

    [Fact]
    public async Task LiveLeaseOfAnotherWorker_ValueAppears_WaiterServedFromS3WithoutComputing()
    {
        var waiter = NewWorker();
        var writer = NewWorker();
        var key = Key.Hash("remote");
        await PlantLeaseAsync(waiter.S3, key, "some-other-host", 4242, 1, _time.GetUtcNow() + TimeSpan.FromMinutes(5));

        var run = waiter.Cache.GetOrComputeAsync<BinaryValue>(key, _ => throw new InvalidOperationException("must not compute"));
        while (waiter.Flight.Waits == 0) await Task.Delay(10).WaitAsync(Bound);
        await writer.S3.PutAsync(new CacheEntry(key, V("theirs"), _time.GetUtcNow(), null, 1));
        var result = await run.WaitAsync(Bound);

        Assert.Equal(CacheStatus.Hit(TierNames.S3), result.Status);
        Assert.Equal("theirs", Encoding.UTF8.GetString(result.Value.Bytes.Span));
        Assert.Equal(0, waiter.Flight.Takeovers);
    }

    [Fact]
    public async Task S3Unreachable_WorkRunsWithoutLease()
    {
        var w = NewWorker($"http://127.0.0.1:{MotoServer.FreePort()}");

        var result = await w.Cache.GetOrComputeAsync(Key.Hash("k"), _ => ValueTask.FromResult(V("v"))).WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, w.Flight.Degraded);
        Assert.True(w.S3.ErrorCount >= 1);
    }

    [Fact]
    public async Task MissingBucket_WorkRunsWithoutLease_FailureCounted()
    {
        var w = NewWorker(bucket: "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await w.Cache.GetOrComputeAsync(Key.Hash("k"), _ => ValueTask.FromResult(V("v"))).WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, w.Flight.Degraded);
        Assert.True(w.S3.ErrorCount >= 1);
    }

    /// <summary>Lease bodies no PodCache worker writes; each must cost at most one TTL, never a stall or a crash.</summary>
    public static TheoryData<string, string> BadLeases()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new()
        {
            { "year 9999", $$"""{"holder": "h/1/1/x", "host": "elsewhere", "pid": 7, "start": 1, "expires": {{DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()}}}""" },
            { "past a DateTimeOffset", """{"holder": "h", "expires": 9223372036854775807}""" },
            { "negative", """{"holder": "h", "expires": -9223372036854775807}""" },
            { "NaN", """{"holder": "h", "expires": "NaN"}""" },
            { "fraction", """{"holder": "h", "expires": 1e300}""" },
            { "wrong types", """{"holder": 5, "host": [], "pid": "x", "expires": true}""" },
            { "negative pid and start", $$"""{"holder": "h", "host": "elsewhere", "pid": -1, "start": -9223372036854775808, "expires": {{now + 60_000}}}""" },
            { "older than its ttl", $$"""{"holder": "h", "created": {{now - 7_200_000}}, "expires": {{now + 60_000}}}""" },
            { "garbage", "\u0000\u00ff not json {{{" },
            { "deep", new string('[', 5000) + new string(']', 5000) },
            { "huge", "{\"holder\": \"" + new string('x', 2 << 20) + "\", \"expires\": " + (now + 3_000_000) + "}" },
            { "empty", "" },
        };
    }

    [Theory]
    [MemberData(nameof(BadLeases))]
    public async Task BadLeaseBody_LivesOneTtlFromItsWrite_ThenTakenOverAndComputedOnce(string name, string body)
    {
        var w = NewWorker();
        var key = Key.Hash("bad-lease-" + name);
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = w.S3.LeaseObjectKey(key), ContentBody = body });
        int calls = 0;

        var run = w.Cache.GetOrComputeAsync(key, _ =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(V("mine"));
        });
        while (w.Flight.Waits == 0 && !run.IsCompleted) await Task.Delay(10).WaitAsync(Bound);
        Assert.Equal(0, calls);
        // One TTL (30 s) after the object's write, whatever the body claims; a minute covers the test's own setup.
        _time.Advance(TimeSpan.FromSeconds(60));
        var result = await run.WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, calls);
        Assert.Equal(1, w.Flight.Takeovers);
        Assert.False(await LeaseExistsAsync(w.S3, key));
    }

    [Fact]
    public async Task BelievableLeaseNeverReleased_WaiterComputesAfterLeaseMaxWait()
    {
        var w = NewWorker(maxWait: TimeSpan.FromSeconds(90));
        var key = Key.Hash("stuck-holder");
        // Within the largest TTL, so believed; its holder (another host) is alive as far as anyone here can tell.
        await PlantLeaseAsync(w.S3, key, "some-other-host", 4242, 1, _time.GetUtcNow() + TimeSpan.FromMinutes(50));

        var run = w.Cache.GetOrComputeAsync(key, _ => ValueTask.FromResult(V("mine")));
        while (w.Flight.Waits == 0) await Task.Delay(10).WaitAsync(Bound);
        _time.Advance(TimeSpan.FromSeconds(60));
        await Task.Delay(300);
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(31));
        var result = await run.WaitAsync(Bound);

        Assert.Equal(CacheStatus.Computed, result.Status);
        Assert.Equal(1, w.Flight.GaveUp);
        Assert.Equal(0, w.Flight.Takeovers);
    }
}
