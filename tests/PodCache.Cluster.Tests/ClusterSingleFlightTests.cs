using PodCache.Cluster;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Tests;

[Collection("cluster")]
public sealed class ClusterSingleFlightTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_ThirtyConcurrentRequestsOverThreeMembers_OwnerComputesOnce()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("single-flight/one");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handler = async (member, k, request, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return OwnerResult.WithBytes([1, 2, 3], "computed", 0.5);
        };
        long joinsBefore = cluster.Members.Sum(m => m.Statistics.OwnerJoins);

        var requests = Enumerable.Range(0, 30)
            .Select(i => cluster.Members[i % 3].SingleFlight.GetOrComputeAsync(key, new byte[] { (byte)i }))
            .ToArray();
        // Hold the computation until every request has reached the owner and joined it.
        await cluster.WaitUntilAsync(() => cluster.Members.Sum(m => m.Statistics.OwnerJoins) - joinsBefore == 29, Bound,
            "29 requests joined to the first");
        gate.SetResult();
        var results = await Task.WhenAll(requests).WaitAsync(Bound);

        Assert.Single(cluster.Computations, c => c.Key == key);
        Assert.All(results, r => Assert.Equal(new byte[] { 1, 2, 3 }, r.Data));
        Assert.Single(results.Select(r => r.Owner).Distinct());
        Assert.All(results, r => Assert.Equal("computed", r.OwnerStatus));
        Assert.Equal(10, results.Count(r => r.OwnerIsSelf));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_AfterTheAnswer_RunsTheOwnerHandlerAgain()
    {
        // The entity keeps no value: a later request asks the owner's handler, which serves it from its tiers.
        var cluster = fixture.Reset();
        var key = Key.Hash("single-flight/again");

        await cluster.Members[0].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        await cluster.Members[1].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(2, cluster.Computations.Count(c => c.Key == key));
        Assert.Single(cluster.Computations.Where(c => c.Key == key).Select(c => c.Member).Distinct());
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_OwnerHandlerReceivesTheRequestPayload()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("single-flight/payload");
        byte[]? seen = null;
        string? requester = null;
        cluster.Handler = (member, k, request, ct) =>
        {
            seen = request.Payload.ToArray();
            requester = request.Requester;
            return Task.FromResult(OwnerResult.WithBytes(request.Payload.ToArray(), "computed"));
        };
        byte[] payload = [.. Enumerable.Range(0, 5000).Select(i => (byte)i)];

        var result = await cluster.Members[2].SingleFlight.GetOrComputeAsync(key, payload);

        Assert.Equal(payload, seen);
        Assert.Equal(cluster.Members[2].Address, requester);
        Assert.Equal(payload, result.Data);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_HandlerThrows_EveryRequesterGetsClusterComputeException()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("single-flight/fails");
        cluster.Handler = (member, k, request, ct) => throw new InvalidDataException("bad pipeline");

        var errors = await Task.WhenAll(cluster.Members.Select(m =>
            Assert.ThrowsAsync<ClusterComputeException>(() => m.SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty))));

        Assert.All(errors, e => Assert.Contains("bad pipeline", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal(key, e.Key));
        Assert.Single(errors.Select(e => e.Owner).Distinct());
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_RequestOverTheLimit_ThrowsArgumentException()
    {
        var member = fixture.Reset().Members[0];

        await Assert.ThrowsAsync<ArgumentException>(() =>
            member.SingleFlight.GetOrComputeAsync(Key.Hash("too-big"), new byte[member.SingleFlight.MaxRequestBytes + 1]));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetOrCompute_CallerCancels_OthersStillGetTheValue()
    {
        var cluster = fixture.Reset();
        var key = Key.Hash("single-flight/cancel");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handler = async (member, k, request, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return OwnerResult.WithBytes([9], "computed");
        };
        using var cts = new CancellationTokenSource();
        long joinsBefore = cluster.Members.Sum(m => m.Statistics.OwnerJoins);
        var cancelled = cluster.Members[0].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty, cts.Token);
        var waiting = cluster.Members[1].SingleFlight.GetOrComputeAsync(key, ReadOnlyMemory<byte>.Empty);
        await cluster.WaitUntilAsync(() => cluster.Members.Sum(m => m.Statistics.OwnerJoins) - joinsBefore == 1, Bound, "the join");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        Assert.Equal(new byte[] { 9 }, (await waiting.WaitAsync(Bound)).Data);
        Assert.Single(cluster.Computations, c => c.Key == key);
    }
}
