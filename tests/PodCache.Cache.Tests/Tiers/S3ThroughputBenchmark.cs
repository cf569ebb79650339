using System.Diagnostics;
using Amazon.S3.Model;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.S3;
using PodCache.Tests.S3;
using Xunit.Abstractions;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>
/// Prints (never asserts) S3 tier put/get throughput for a 64 MiB entry next to plain SDK calls moving the same bytes
/// through the same client, in one run against moto; asserts only that the entry round-trips byte-exact. Run alone:
/// <c>dotnet test tests/PodCache.Cache.Tests -c Release --filter "FullyQualifiedName~S3ThroughputBenchmark" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection("moto")]
[Trait("Category", "Benchmark")]
public sealed class S3ThroughputBenchmark(MotoFixture moto, ITestOutputHelper output)
{
    private const int Size = 64 << 20;
    private const int Rounds = 3;

    [Fact]
    public async Task Measure_64MiB_TierVersusPlainSdk()
    {
        string bucket = await moto.CreateBucketAsync();
        string dir = Path.Combine(Path.GetTempPath(), "podcache-s3-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var index = new MachineIndex(dir);
            using var tier = new S3Tier(new S3TierOptions { Bucket = bucket, ServiceUrl = moto.ServiceUrl, MaxBytes = 1L << 32 }, index, new ValueCodecs());
            var payload = new byte[Size];
            new Random(20261125).NextBytes(payload);
            var key = Key.Hash("bench");
            var entry = new CacheEntry(key, new BinaryValue("application/octet-stream", payload), DateTimeOffset.UtcNow, null, 1);
            var client = tier.Client;
            int part = tier.Options.PartSize;
            var times = new Dictionary<string, List<double>>
            {
                ["sdk PutObject (defaults)"] = [],
                ["sdk PutObject (no aws-chunked)"] = [],
                ["sdk multipart (same parts)"] = [],
                ["tier put"] = [],
                ["sdk GetObject"] = [],
                ["tier get (verified)"] = [],
            };
            CacheEntry? last = null;
            for (int round = 0; round < Rounds; round++)
            {
                times["sdk PutObject (defaults)"].Add(await Time(async () =>
                {
                    using var body = new MemoryStream(payload, writable: false);
                    await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", InputStream = body, AutoCloseStream = false });
                }));
                times["sdk PutObject (no aws-chunked)"].Add(await Time(async () =>
                {
                    using var body = new MemoryStream(payload, writable: false);
                    await client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket, Key = "plain", InputStream = body, AutoCloseStream = false, UseChunkEncoding = false,
                    });
                }));
                times["sdk multipart (same parts)"].Add(await Time(async () =>
                {
                    var init = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "multipart" });
                    var tags = await Task.WhenAll(Enumerable.Range(0, (Size + part - 1) / part).Select(async i =>
                    {
                        int length = Math.Min(part, Size - i * part);
                        using var body = new MemoryStream(payload, i * part, length, writable: false);
                        var r = await client.UploadPartAsync(new UploadPartRequest
                        {
                            BucketName = bucket, Key = "multipart", UploadId = init.UploadId, PartNumber = i + 1, PartSize = length,
                            InputStream = body, UseChunkEncoding = false,
                        });
                        return new PartETag(i + 1, r.ETag);
                    }));
                    var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "multipart", UploadId = init.UploadId };
                    complete.AddPartETags(tags);
                    await client.CompleteMultipartUploadAsync(complete);
                }));
                times["tier put"].Add(await Time(async () => await tier.PutAsync(entry)));
                times["sdk GetObject"].Add(await Time(async () =>
                {
                    using var r = await client.GetObjectAsync(bucket, "plain");
                    var bytes = new byte[r.ContentLength];
                    await r.ResponseStream.ReadExactlyAsync(bytes);
                }));
                times["tier get (verified)"].Add(await Time(async () => last = await tier.TryGetAsync(key)));
            }

            output.WriteLine($"64 MiB = {Size} bytes against moto at {moto.ServiceUrl}, {Rounds} rounds each, one SDK client "
                + $"(tier: part size {part >> 20} MiB, {tier.Options.MaxConcurrentParts} parts in flight):");
            foreach (var (name, list) in times)
            {
                list.Sort();
                output.WriteLine($"  {name,-31} median {Size / 1e6 / list[Rounds / 2],7:F1} MB/s ({list[Rounds / 2] * 1000,6:F0} ms)   best {Size / 1e6 / list[0],7:F1} MB/s");
            }
            Assert.NotNull(last);
            Assert.True(((BinaryValue)last!.Value).Bytes.Span.SequenceEqual(payload));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static async Task<double> Time(Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        return sw.Elapsed.TotalSeconds;
    }
}
