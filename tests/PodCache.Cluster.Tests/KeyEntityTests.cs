using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using PodCache.Cluster;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Tests;

/// <summary>The key entity's state machine on a local actor system (no cluster): the probe plays requester and shard.</summary>
[Collection("cluster")]
public sealed class KeyEntityTests() : TestKit("akka.loglevel = WARNING")
{
    private const string Self = "akka.tcp://podcache@127.0.0.1:1";
    private static readonly Key K = Key.Hash("entity");

    private (IActorRef Entity, MemberState State) Start(OwnerComputeHandler handler, Action<ClusterOptions>? configure = null)
    {
        var options = new ClusterOptions { InlineLimitBytes = 10, HttpBaseUrl = new Uri("http://127.0.0.1:9/") };
        configure?.Invoke(options);
        var state = new MemberState(options, Self, Self + "#1", handler, null);
        // The test actor is the entity's parent, as the shard would be, so Passivate requests reach the probe.
        var entity = ActorOfAsTestActorRef<KeyEntity>(Props.Create(() => new KeyEntity(state)), TestActor);
        return (entity, state);
    }

    private static KeyRequest Request(int attempt = 1, int shards = 100) => new(K, shards, [], "akka.tcp://podcache@127.0.0.1:2", attempt);

    [Fact(Timeout = 30_000)]
    public async Task Requests_WhileComputing_JoinTheOneHandlerCall()
    {
        var gate = new TaskCompletionSource<OwnerResult>();
        int calls = 0;
        var (entity, state) = Start((k, r, ct) => { Interlocked.Increment(ref calls); return gate.Task; });

        entity.Tell(Request(), TestActor);
        entity.Tell(Request(), TestActor);
        ExpectMsg<KeyAccepted>();
        ExpectMsg<KeyAccepted>();
        gate.SetResult(OwnerResult.WithBytes([1, 2], "computed"));

        // The probe is local: it gets the bytes inline whatever their size.
        Assert.Equal(new byte[] { 1, 2 }, ExpectMsg<KeyInline>().Data);
        ExpectMsg<KeyInline>();
        Assert.Equal(1, calls);
        Assert.Equal(1, state.Counters.OwnerJoins);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task StoredResult_IsAnsweredByReference_WithTheOwnersUrl()
    {
        var (entity, _) = Start((k, r, ct) => Task.FromResult(OwnerResult.Stored(123, "hit:disk", 0.5)));

        entity.Tell(Request(), TestActor);
        ExpectMsg<KeyAccepted>();
        var reference = ExpectMsg<KeyReference>();

        Assert.Equal(123, reference.Length);
        Assert.Equal("http://127.0.0.1:9/", reference.OwnerHttpUrl);
        Assert.Equal(Self, reference.Owner);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task Handoff_WhileComputing_CancelsAfterTheGrace_AndTellsRequestersToRetry()
    {
        var cancelled = new TaskCompletionSource();
        var (entity, _) = Start(async (k, r, ct) =>
        {
            await using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return OwnerResult.WithBytes([], "computed");
        }, o => o.HandoffGrace = TimeSpan.FromMilliseconds(200));
        Watch(entity);

        entity.Tell(Request(attempt: 3), TestActor);
        ExpectMsg<KeyAccepted>();
        entity.Tell(EntityStop.Handoff);

        Assert.Equal(3, ExpectMsg<KeyRetry>().Attempt);
        ExpectTerminated(entity);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 30_000)]
    public async Task Handoff_ComputationFinishingWithinTheGrace_IsAnsweredThenStops()
    {
        var gate = new TaskCompletionSource<OwnerResult>();
        var (entity, _) = Start((k, r, ct) => gate.Task, o => o.HandoffGrace = TimeSpan.FromSeconds(5));
        Watch(entity);

        entity.Tell(Request(), TestActor);
        ExpectMsg<KeyAccepted>();
        entity.Tell(EntityStop.Handoff);
        gate.SetResult(OwnerResult.WithBytes([7], "computed"));

        Assert.Equal(new byte[] { 7 }, ExpectMsg<KeyInline>().Data);
        ExpectTerminated(entity);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task ShardCountMismatch_IsRefused_WithoutComputing()
    {
        int calls = 0;
        var (entity, _) = Start((k, r, ct) => { calls++; return Task.FromResult(OwnerResult.WithBytes([], "computed")); });

        entity.Tell(Request(shards: 64), TestActor);

        var failed = ExpectMsg<KeyFailed>();
        Assert.Equal(ClusterFailureKind.Refused, failed.Failure.Kind);
        Assert.Contains("shard count", failed.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task Idle_AsksItsParentToPassivate_ThenStopsOnThePassivateMessage()
    {
        var (entity, _) = Start((k, r, ct) => Task.FromResult(OwnerResult.WithBytes([1], "computed")));
        Watch(entity);

        entity.Tell(Request(), TestActor);
        ExpectMsg<KeyAccepted>();
        ExpectMsg<KeyInline>();
        var passivate = ExpectMsg<Passivate>(TimeSpan.FromSeconds(10));
        entity.Tell(passivate.StopMessage);

        Assert.Same(EntityStop.Passivate, passivate.StopMessage);
        ExpectTerminated(entity);
        await Task.CompletedTask;
    }
}
