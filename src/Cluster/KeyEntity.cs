using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>
/// The sharded entity of one key, living on the key's owner. The first request starts the owner's handler; requests
/// that arrive while it runs join it; everyone gets the one answer. The entity keeps no value (the handler stores it
/// in the owner's tiers), so a request after the answer simply runs the handler again, which then reads its cache.
/// Also answers <see cref="ShardPing"/> for the shard's ping entity.
/// </summary>
internal sealed class KeyEntity : UntypedActor, IWithTimers
{
    // Idle entities cost a little memory each; the next request for the key just recreates one.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);

    private readonly MemberState _state;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(IActorRef Requester, int Attempt)> _waiters = [];
    private Key _key;
    private CancellationTokenSource? _running;
    private int _generation;
    private bool _stopWhenDone;

    public KeyEntity(MemberState state)
    {
        _state = state;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Context.SetReceiveTimeout(IdleTimeout);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case KeyRequest r:
                OnRequest(r);
                break;
            case Completed c:
                OnCompleted(c);
                break;
            case ShardPing p:
                Sender.Tell(new ShardPong(p.Shard, _state.SelfAddress));
                break;
            case EntityStop stop:
                OnStop(stop);
                break;
            case GraceExpired:
                OnGraceExpired();
                break;
            case ReceiveTimeout:
                if (_running is null && !_stopWhenDone)
                {
                    // Through the parent: the shard buffers messages for this key until the entity has stopped.
                    Context.Parent.Tell(new Passivate(EntityStop.Passivate));
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnRequest(KeyRequest r)
    {
        _key = r.Key;
        if (r.ShardCount != _state.Options.ShardCount)
        {
            Sender.Tell(new KeyFailed(r.Key, _state.SelfAddress, new ClusterFailure(ClusterFailureKind.Refused,
                $"The requester uses {r.ShardCount} shards, this owner {_state.Options.ShardCount}: every member of a cluster must use the same shard count."),
                r.Attempt));
            return;
        }
        Sender.Tell(new KeyAccepted(r.Key, _state.SelfAddress, r.Attempt));
        _waiters.Add((Sender, r.Attempt));
        if (_running is not null)
        {
            Interlocked.Increment(ref _state.Counters.OwnerJoins);
            return;
        }
        Interlocked.Increment(ref _state.Counters.OwnerComputations);
        _running = new CancellationTokenSource();
        int generation = ++_generation;
        var token = _running.Token;
        var key = r.Key;
        var request = new ClusterComputeRequest(r.Key, r.Payload, r.Requester);
        var handler = _state.Handler;
        // Off the actor's thread: the handler may compute synchronously for a long time before its first await.
        Task.Run(() => handler(key, request, token))
            .PipeTo(Self, success: result => new Completed(generation, result, null), failure: ex => new Completed(generation, null, ex));
    }

    private void OnCompleted(Completed c)
    {
        if (c.Generation != _generation || _running is null)
        {
            // The computation was abandoned at hand-off; its requesters were told to ask again.
            return;
        }
        if (c.Error is { } error)
        {
            _log.Warning("Computing {0} failed on its owner: {1}", _key, error.GetBaseException().Message);
        }
        foreach (var (requester, attempt) in _waiters)
        {
            requester.Tell(Answer(c, requester, attempt));
        }
        _waiters.Clear();
        _running.Dispose();
        _running = null;
        Timers.Cancel(nameof(GraceExpired));
        if (_stopWhenDone)
        {
            Context.Stop(Self);
        }
    }

    private object Answer(Completed c, IActorRef requester, int attempt)
    {
        if (c.Error is { } error)
        {
            return new KeyFailed(_key, _state.SelfAddress, ClusterFailure.FromException(error), attempt);
        }
        var result = c.Result!;
        // A requester in this process gets any size inline: local messages are never serialized.
        bool local = requester.Path.Address.HasLocalScope;
        if (result.Bytes is { } bytes && (local || bytes.Length <= _state.Options.InlineLimitBytes))
        {
            return new KeyInline(_key, bytes, _state.SelfAddress, result.Status, result.ComputeSeconds, attempt);
        }
        return new KeyReference(_key, result.Length, _state.SelfAddress, _state.Options.HttpBaseUrl?.ToString(), result.Status,
            result.ComputeSeconds, attempt);
    }

    private void OnStop(EntityStop stop)
    {
        if (_running is null)
        {
            Context.Stop(Self);
            return;
        }
        // Passivation waits for the computation; a hand-off gives it a grace period, then gives it up.
        _stopWhenDone = true;
        if (stop.IsHandoff && !Timers.IsTimerActive(nameof(GraceExpired)))
        {
            Timers.StartSingleTimer(nameof(GraceExpired), GraceExpired.Instance, _state.Options.HandoffGrace);
        }
    }

    private void OnGraceExpired()
    {
        if (_running is not null)
        {
            _log.Info("Handing off {0} with its computation still running: cancelled, {1} requester(s) will ask the new owner",
                _key, _waiters.Count);
            _running.Cancel();
            _running.Dispose();
            _running = null;
            _generation++;
            foreach (var (requester, attempt) in _waiters)
            {
                requester.Tell(new KeyRetry(_key, _state.SelfAddress, "the owner handed the key's shard off", attempt));
            }
            _waiters.Clear();
        }
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Stopped with work in flight only when the whole member stops: its requesters watch this entity and resend.
        if (_running is not null)
        {
            _running.Cancel();
            _running.Dispose();
            _running = null;
        }
    }

    private sealed record Completed(int Generation, OwnerResult? Result, Exception? Error);

    private sealed class GraceExpired
    {
        public static readonly GraceExpired Instance = new();
    }
}
