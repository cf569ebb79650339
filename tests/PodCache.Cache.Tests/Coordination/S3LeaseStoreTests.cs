using CsCheck;
using PodCache.Cache.Coordination;
using PodCache.Cache.Index;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.S3;

namespace PodCache.Cache.Tests.Coordination;

/// <summary>Lease bodies are untrusted: whatever they hold, reading one never throws and never yields an unbelievable expiry.</summary>
public sealed class S3LeaseStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podcache-lease-" + Guid.NewGuid().ToString("N"));
    private readonly MachineIndex _index;
    private readonly S3Tier _tier;
    private readonly S3LeaseStore _store;

    public S3LeaseStoreTests()
    {
        var time = new FakeTime(Now);
        _index = new MachineIndex(_dir, time);
        // Never contacted: Parse works on bodies already read.
        _tier = new S3Tier(new S3TierOptions { Bucket = "leases", ServiceUrl = "http://127.0.0.1:9", LeaseTtl = TimeSpan.FromSeconds(30) },
            _index, new ValueCodecs(), time: time);
        _store = new S3LeaseStore(_tier, time, "me");
    }

    public void Dispose()
    {
        _tier.Dispose();
        _index.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Long[-3_600_000, 7_200_000].Select(d => (Now.ToUnixTimeMilliseconds() + d).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Const("\"NaN\""), Gen.Const("null"), Gen.Const("[]"), Gen.Const("{}"), Gen.Const("true"));

    private static readonly Gen<string> Body = Gen.OneOf(
        Gen.Select(Number, Number, Number, Number, Gen.OneOf(Gen.Const("\"h\""), Gen.Const("7"), Gen.Const("\"\"")),
            (created, expires, pid, start, holder) =>
                $"{{\"holder\": {holder}, \"host\": \"x\", \"pid\": {pid}, \"start\": {start}, \"created\": {created}, \"expires\": {expires}}}"),
        Gen.String,
        Gen.String.Select(s => "{\"holder\": \"h\", \"expires\": " + s + "}"),
        Number.Select(n => "{\"holder\": \"h\", \"expires\": " + n + ", \"expires\": 1, \"holder\": 2}"));

    [Fact]
    public void Parse_AnyBody_NeverThrows_ExpiryAtMostMaxTtlAhead()
    {
        var limit = Now + S3TierOptions.MaxLeaseTtl + TimeSpan.FromMinutes(1);
        Body.Sample(body =>
        {
            var lease = _store.Parse(body, "\"etag\"", DateTime.UtcNow.AddYears(100));
            return lease.Expires <= limit && (lease.Valid || lease.Expires <= Now + TimeSpan.FromSeconds(30));
        }, iter: 5_000);
    }

    [Fact]
    public void Parse_LeaseWrittenByPodCache_BelievedWithItsExpiry()
    {
        var expires = Now + TimeSpan.FromSeconds(20);
        string body = $"{{\"holder\": \"h/1/2/x\", \"host\": \"box\", \"pid\": 12, \"start\": 34, \"created\": {(Now - TimeSpan.FromSeconds(10)).ToUnixTimeMilliseconds()}, \"expires\": {expires.ToUnixTimeMilliseconds()}}}";

        var lease = _store.Parse(body, "\"e\"", Now.UtcDateTime);

        Assert.True(lease.Valid);
        Assert.Equal(expires, lease.Expires);
        Assert.Equal(12, lease.Pid);
        Assert.Equal("box", lease.Host);
    }
}
