using PodCache.Cache.Configuration;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.S3;
using PodCache.Tests.S3;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>
/// A stalled S3 (a listener that accepts and never answers) against the real SDK client: attempts are counted at the
/// listener, the clock of the skip window is fake, and every test is bounded in time.
/// </summary>
[Collection("moto")]
public sealed class StallBreakerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public StallBreakerTests()
    {
        // The SDK's default credential chain finds moto's dummy credentials (set by MotoServer) instead of probing.
        _ = MotoServer.FreePort();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var d in _dirs)
        {
            try { Directory.Delete(d, recursive: true); } catch (IOException) { }
        }
    }

    private string NewDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "podcache-stall-" + Guid.NewGuid().ToString("N"));
        _dirs.Add(dir);
        return dir;
    }

    [Fact]
    public async Task TierOperations_EndpointNeverAnswers_OneAttemptDespiteSdkRetries()
    {
        await using var silent = new SilentServer();
        var time = new FakeTime(DateTimeOffset.UtcNow);
        using var index = new MachineIndex(NewDir(), time);
        using var tier = new S3Tier(new S3TierOptions
        {
            Bucket = "stalled",
            ServiceUrl = silent.ServiceUrl,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromMilliseconds(500),
        }, index, new ValueCodecs(), time: time);

        Assert.Null(await tier.TryGetAsync(Key.Hash("a")).AsTask().WaitAsync(Bound));
        Assert.False(await tier.ContainsAsync(Key.Hash("b")).AsTask().WaitAsync(Bound));

        // Three attempts (MaxErrorRetry 2) each waiting a full timeout was the cost before the breaker.
        Assert.Equal(1, silent.Requests);
        Assert.True(tier.IsUnavailable);
        // One failure for the operation, not one per cut-short attempt.
        Assert.Equal(1, tier.ErrorCount);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 3)]
    public async Task CacheStack_StalledS3_ShortLivedAsksOnceForTheProcess_ServerAsksAgainAfterRetryAfter(bool shortLived, int expectedRequests)
    {
        await using var silent = new SilentServer();
        var time = new FakeTime(DateTimeOffset.UtcNow);
        var s3 = new System.Text.Json.Nodes.JsonObject
        {
            ["bucket"] = "stalled",
            ["serviceUrl"] = silent.ServiceUrl,
            ["timeout"] = 0.5,
            ["maxErrorRetry"] = 2,
            ["retryAfter"] = "PT30S",
        };
        var config = new CacheConfig { DiskPath = NewDir(), S3 = s3 };
        await using var stack = CacheStack.Create(config, new ValueCodecs(), time: time, shortLived: shortLived);
        int computed = 0;

        for (int i = 0; i < 3; i++)
        {
            var result = await stack.Cache.GetOrComputeAsync(Key.Hash("k" + i), _ =>
            {
                computed++;
                return ValueTask.FromResult(new BinaryValue("text/plain", new byte[] { (byte)i }));
            }).WaitAsync(Bound);
            Assert.Equal(CacheStatus.Computed, result.Status);
            // Past the skip window of a long-lived process: it asks S3 again.
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(3, computed);
        // A server tries again after each skip window (one attempt each time); a CLI process never asks again.
        Assert.Equal(expectedRequests, silent.Requests);
    }
}
