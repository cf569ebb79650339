using Akka.Actor;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// One request from this member to a key's owner. Unlike a plain Ask it watches the owner's entity once that has
/// acknowledged: an owner that dies or hands its shard off makes the request go out again. Until an owner acknowledges,
/// the request is repeated every <see cref="UnacknowledgedResend"/> — a shard region drops the messages it buffered for
/// a shard that is being handed off, and a region may route to a member that just died — and fails with a timeout only
/// when nobody acknowledged within <see cref="ClusterOptions.AskTimeout"/>. Repeating is safe: the owner's entity joins
/// a computation already running for the key, and a computation that already finished is answered from the owner's
/// tiers; at worst (a copy reached an old and a new owner during a move) the key is computed twice, never wrongly.
/// </summary>
internal sealed class RequestActor : UntypedActor, IWithTimers
{
    /// <summary>Sends of one request at most (the first plus resends).</summary>
    public const int MaxAttempts = 5;

    // How long a lost entity's member must stay Up and reachable before the request is placed again anyway. Longer
    // than failure detection takes to flag a dead process, so a dying member is not mistaken for a healthy one.
    private static readonly TimeSpan HealthyOwnerWait = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan RegionCatchUp = TimeSpan.FromSeconds(1);

    /// <summary>How often a request nobody has acknowledged yet is sent again.</summary>
    public static readonly TimeSpan UnacknowledgedResend = TimeSpan.FromSeconds(2);

    private readonly IActorRef _region;
    private readonly KeyRequest _request;
    private readonly MemberState _state;
    private readonly TaskCompletionSource<object> _result;
    private int _attempt = 1;
    private IActorRef? _entity;
    private Address? _lostOwner;
    private DateTime _lostAt;
    private DateTime? _goneAt;

    public RequestActor(IActorRef region, KeyRequest request, MemberState state, TaskCompletionSource<object> result)
    {
        _region = region;
        _request = request;
        _state = state;
        _result = result;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Send();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case KeyAccepted a when a.Attempt == _attempt && _entity is null:
                Timers.Cancel(nameof(AcceptTimeout));
                Timers.Cancel(nameof(Unacknowledged));
                _entity = Sender;
                Context.Watch(_entity);
                Timers.StartSingleTimer(nameof(ComputeTimeout), new ComputeTimeout(_attempt), _state.Options.ComputeTimeout);
                break;
            case KeyInline or KeyReference or KeyFailed:
                // An answer to any attempt will do: they all ask for the same key.
                Complete(message);
                break;
            case KeyRetry t when t.Attempt == _attempt:
                Resend($"its owner {t.Owner} handed it off ({t.Reason})");
                break;
            case Terminated t when t.ActorRef.Equals(_entity):
                OwnerLost(t.ActorRef.Path.Address);
                break;
            case CheckOwner when _lostOwner is { } lost:
                if (OwnerGoneOrHealthy(lost))
                {
                    Timers.Cancel(nameof(CheckOwner));
                    _lostOwner = null;
                    Resend($"its owner {lost} stopped or was lost before answering");
                }
                break;
            case ResendNow r when r.Attempt == _attempt:
                Send();
                break;
            case Unacknowledged u when u.Attempt == _attempt && _entity is null:
                Interlocked.Increment(ref _state.Counters.Resends);
                TellRegion();
                break;
            case AcceptTimeout a when a.Attempt == _attempt:
                Interlocked.Increment(ref _state.Counters.Timeouts);
                Fail(new TimeoutException(
                    $"No owner acknowledged the request for {_request.Key} within {_state.Options.AskTimeout.TotalSeconds:0.#} s (sent every {UnacknowledgedResend.TotalSeconds:0} s)."));
                break;
            case ComputeTimeout c when c.Attempt == _attempt:
                Interlocked.Increment(ref _state.Counters.Timeouts);
                Fail(new TimeoutException(
                    $"The owner of {_request.Key} did not answer within {_state.Options.ComputeTimeout.TotalSeconds:0.#} s."));
                break;
            case Cancel:
                _result.TrySetCanceled();
                Context.Stop(Self);
                break;
            default:
                // Stale acknowledgements and timers of earlier attempts.
                break;
        }
    }

    private void OwnerLost(Address owner)
    {
        Context.Unwatch(_entity!);
        _entity = null;
        if (owner.HasLocalScope)
        {
            Resend("its owner in this process stopped before answering");
            return;
        }
        // A remote entity can stop before its member is downed (the process is going away): the region still routes
        // the key's shard there until the member is removed, so a resend now would be lost. Wait for the removal
        // (a SIGKILLed member: after stable-after), or resend if the member stays healthy (only the entity stopped).
        _lostOwner = owner;
        _lostAt = DateTime.UtcNow;
        _goneAt = null;
        Timers.StartPeriodicTimer(nameof(CheckOwner), CheckOwner.Instance, TimeSpan.FromMilliseconds(250));
    }

    private bool OwnerGoneOrHealthy(Address owner)
    {
        var state = Akka.Cluster.Cluster.Get(Context.System).State;
        var member = state.Members.FirstOrDefault(m => m.Address.Equals(owner));
        if (member is null || member.Status is Akka.Cluster.MemberStatus.Removed)
        {
            // The local region learns of the removal through its own watch, at about the same moment; give it a
            // moment so that the resend is routed to the shard's next owner rather than to the dead one.
            _goneAt ??= DateTime.UtcNow;
            return DateTime.UtcNow - _goneAt > RegionCatchUp;
        }
        bool healthy = member.Status == Akka.Cluster.MemberStatus.Up && !state.Unreachable.Contains(member);
        return healthy && DateTime.UtcNow - _lostAt > HealthyOwnerWait;
    }

    private void TellRegion() => _region.Tell(_attempt == 1 ? _request : _request with { Attempt = _attempt }, Self);

    private void Send()
    {
        TellRegion();
        Timers.StartSingleTimer(nameof(AcceptTimeout), new AcceptTimeout(_attempt), _state.Options.AskTimeout);
        Timers.StartPeriodicTimer(nameof(Unacknowledged), new Unacknowledged(_attempt), UnacknowledgedResend);
    }

    private void Resend(string reason)
    {
        if (_entity is not null)
        {
            Context.Unwatch(_entity);
            _entity = null;
        }
        Timers.CancelAll();
        if (_attempt >= MaxAttempts)
        {
            Interlocked.Increment(ref _state.Counters.Failures);
            Fail(new ClusterComputeException(_request.Key, null, $"Gave up on {_request.Key} after {_attempt} attempts: {reason}."));
            return;
        }
        _attempt++;
        Interlocked.Increment(ref _state.Counters.Resends);
        // A short pause: an answer already on its way wins, and the shard gets a moment to find its new home.
        Timers.StartSingleTimer(nameof(ResendNow), new ResendNow(_attempt), TimeSpan.FromMilliseconds(100 * _attempt));
    }

    private void Complete(object answer)
    {
        _result.TrySetResult(answer);
        Context.Stop(Self);
    }

    private void Fail(Exception error)
    {
        _result.TrySetException(error);
        Context.Stop(Self);
    }

    protected override void PostStop() =>
        _result.TrySetException(new ClusterComputeException(_request.Key, null,
            $"The cluster member stopped before the owner of {_request.Key} answered."));

    /// <summary>The caller gave up.</summary>
    public sealed class Cancel
    {
        public static readonly Cancel Instance = new();
    }

    private sealed record AcceptTimeout(int Attempt);

    private sealed record ComputeTimeout(int Attempt);

    private sealed record ResendNow(int Attempt);

    private sealed record Unacknowledged(int Attempt);

    private sealed class CheckOwner
    {
        public static readonly CheckOwner Instance = new();
    }
}
