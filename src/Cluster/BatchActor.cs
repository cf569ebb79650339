using Akka.Actor;
using Akka.Event;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// A member's batch endpoint (<c>/user/podcache-batch</c>). An <see cref="OwnerBatch"/> carries the nodes of one run that
/// this member owns: each is produced through its key's entity (<see cref="ClusterSingleFlight.GetOrComputeAsync"/>, a
/// local hop here, so a key is still computed once cluster-wide however many runs batch it), and its value — inline,
/// by reference, or the failure — is pushed to the members that consume it. Pushes from other owners land in the
/// member's <see cref="BatchInbox"/>, where this member's computations wait for them instead of asking.
/// </summary>
internal sealed class BatchActor : UntypedActor, IWithTimers
{
    public const string Name = "podcache-batch";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private readonly MemberState _state;
    private readonly ClusterSingleFlight _singleFlight;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Captured here: the pushes are sent from pool threads, where Context is not available.
    private readonly ActorSystem _system = Context.System;

    public BatchActor(MemberState state, ClusterSingleFlight singleFlight)
    {
        _state = state;
        _singleFlight = singleFlight;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The path of a member's batch actor.</summary>
    public static string PathOf(string memberAddress) => memberAddress + "/user/" + Name;

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, SweepInterval);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case OwnerBatch batch:
                OnBatch(batch);
                break;
            case KeyInline m:
                _state.Inbox.Complete(m.Key, m);
                break;
            case KeyReference m:
                _state.Inbox.Complete(m.Key, m);
                break;
            case KeyFailed m:
                _state.Inbox.Complete(m.Key, m);
                break;
            case KeyRetry m:
                _state.Inbox.Complete(m.Key, m);
                break;
            case Sweep:
                _state.Inbox.Sweep();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnBatch(OwnerBatch batch)
    {
        // Pushes go to live members only: an address in the message is untrusted and must not make this member dial out.
        var live = _state.Members.Values.Select(m => m.Address).ToHashSet(StringComparer.Ordinal);
        if (batch.ShardCount != _state.Options.ShardCount)
        {
            // Told at once to ask each key's owner, the consumers get the refusal (and its reason) from the owner.
            _log.Warning("Refusing a batch from {0}: it uses {1} shards, this member {2}", batch.Requester, batch.ShardCount,
                _state.Options.ShardCount);
            foreach (var item in batch.Items)
            {
                var retry = new KeyRetry(item.Key, _state.SelfAddress, "the batch's shard count differs from the owner's", 1);
                foreach (var consumer in item.Consumers.Where(live.Contains).Distinct(StringComparer.Ordinal))
                {
                    _system.ActorSelection(PathOf(consumer)).Tell(retry, ActorRefs.NoSender);
                }
            }
            return;
        }
        Interlocked.Increment(ref _state.Counters.BatchesReceived);
        foreach (var item in batch.Items)
        {
            foreach (var input in item.PushedInputs)
            {
                _state.Inbox.Expect(input);
            }
        }
        foreach (var item in batch.Items)
        {
            string[] consumers = [.. item.Consumers.Where(c => live.Contains(c) && c != _state.SelfAddress).Distinct(StringComparer.Ordinal)];
            _ = ProduceAsync(item, consumers);
        }
    }

    private async Task ProduceAsync(BatchItem item, string[] consumers)
    {
        IClusterMessage push;
        try
        {
            var result = await _singleFlight.GetOrComputeAsync(item.Key, item.Payload).ConfigureAwait(false);
            push = ToPush(result);
        }
        catch (ClusterComputeException ex) when (ex.Failure is { } failure)
        {
            push = new KeyFailed(item.Key, _state.SelfAddress, failure, 1);
        }
#pragma warning disable CA1031 // Any other failure: the consumers ask the owner themselves and get the error there.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            push = new KeyRetry(item.Key, _state.SelfAddress, ex.Message, 1);
        }
        foreach (var consumer in consumers)
        {
            Interlocked.Increment(ref _state.Counters.PushesSent);
            _system.ActorSelection(PathOf(consumer)).Tell(push, ActorRefs.NoSender);
        }
    }

    private IClusterMessage ToPush(ClusterResult result)
    {
        if (result.Data is { } data && data.Length <= _state.Options.InlineLimitBytes)
        {
            return new KeyInline(result.Key, data, result.Owner, result.OwnerStatus, result.ComputeSeconds, 1);
        }
        if (result.OwnerIsSelf)
        {
            return new KeyReference(result.Key, result.Length, _state.SelfAddress, _state.Options.HttpBaseUrl?.ToString(), result.OwnerStatus,
                result.ComputeSeconds, 1);
        }
        // Large and owned elsewhere (the requester's view of the shards was stale): the consumers ask that owner.
        return new KeyRetry(result.Key, _state.SelfAddress, "this member is not the key's owner", 1);
    }

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
