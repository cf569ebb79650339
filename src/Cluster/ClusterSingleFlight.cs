using Akka.Actor;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>
/// Single-flight across a cluster: a request for a key, from any member, goes to the key's owner (the member hosting
/// the key's shard), which runs its <see cref="OwnerComputeHandler"/> at most once at a time for the key; concurrent
/// requests from any member join that call. Small values come back inside the answer; values above
/// <see cref="ClusterOptions.InlineLimitBytes"/> come back as a reference that <see cref="ClusterPayloadFetcher"/>
/// resolves.
/// </summary>
/// <remarks>
/// The cluster counterpart of <see cref="PodCache.Cache.Coordination.ISingleFlight"/>, but not an implementation of it: the work must
/// be able to run on another member, so it is described by bytes (the request argument of
/// <see cref="GetOrComputeAsync"/>) that the owner's handler interprets, not by a delegate.
/// </remarks>
public sealed class ClusterSingleFlight
{
    private readonly ActorSystem _system;
    private readonly IActorRef _region;
    private readonly MemberState _state;
    private readonly ClusterPayloadFetcher _fetcher;

    internal ClusterSingleFlight(ActorSystem system, IActorRef region, MemberState state, ClusterPayloadFetcher fetcher)
    {
        _system = system;
        _region = region;
        _state = state;
        _fetcher = fetcher;
    }

    /// <summary>The largest request payload accepted.</summary>
    public int MaxRequestBytes => _state.Options.MaxRequestBytes;

    /// <summary>
    /// Gets <paramref name="key"/> from its owner, which computes it (once, however many members ask at the same time)
    /// or reads it from its tiers.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="request">What the owner's handler needs to compute the key; at most <see cref="MaxRequestBytes"/>.</param>
    /// <param name="cancellationToken">Stops waiting (the owner's computation goes on for the others and its cache).</param>
    /// <exception cref="ArgumentException">The request is larger than <see cref="MaxRequestBytes"/>.</exception>
    /// <exception cref="TimeoutException">No owner acknowledged within <see cref="ClusterOptions.AskTimeout"/> (the
    /// request is repeated meanwhile), or none answered within <see cref="ClusterOptions.ComputeTimeout"/>.</exception>
    /// <exception cref="ClusterComputeException">The owner's handler failed, or owners kept being lost.</exception>
    /// <exception cref="ObjectDisposedException">The member has stopped.</exception>
    public async Task<ClusterResult> GetOrComputeAsync(Key key, ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        if (request.Length > _state.Options.MaxRequestBytes)
        {
            throw new ArgumentException(
                $"A {request.Length}-byte request exceeds the {_state.Options.MaxRequestBytes}-byte limit of a cluster message.", nameof(request));
        }
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_system.WhenTerminated.IsCompleted, this);
        Interlocked.Increment(ref _state.Counters.Requests);

        var message = new KeyRequest(key, _state.Options.ShardCount, request.ToArray(), _state.SelfAddress, 1);
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef requester;
        try
        {
            requester = _system.ActorOf(Props.Create(() => new RequestActor(_region, message, _state, answer)));
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidActorNameException)
        {
            throw new ObjectDisposedException("The cluster member has stopped.", ex);
        }
        object reply;
        using (cancellationToken.Register(() => requester.Tell(RequestActor.Cancel.Instance)))
        {
            reply = await answer.Task.ConfigureAwait(false);
        }
        return await ResolveAsync(key, reply, counted: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The value another owner pushed for <paramref name="key"/> (a batched run announced it), waiting for it up to
    /// <see cref="ClusterOptions.AskTimeout"/>; null when none was announced, it did not come in time, or the pusher said
    /// to ask the owner — then ask with <see cref="GetOrComputeAsync"/>, which joins whatever the owner is doing.
    /// </summary>
    internal async Task<ClusterResult?> TryPushedAsync(Key key, CancellationToken cancellationToken)
    {
        if (_state.Inbox.Find(key) is not { } push)
        {
            return null;
        }
        IClusterMessage reply;
        try
        {
            reply = await push.WaitAsync(_state.Options.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Lost (the pusher died, or its view of the members lagged): only this waiter pays the wait.
            _state.Inbox.Forget(key, push);
            Interlocked.Increment(ref _state.Counters.PushFallbacks);
            return null;
        }
        if (reply is KeyRetry or KeyFailed)
        {
            // A failure is not kept: the next run asks again, as it would without batching.
            _state.Inbox.Forget(key, push);
        }
        if (reply is KeyRetry)
        {
            Interlocked.Increment(ref _state.Counters.PushFallbacks);
            return null;
        }
        Interlocked.Increment(ref _state.Counters.PushesUsed);
        return await ResolveAsync(key, reply, counted: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This member's address.</summary>
    internal string SelfAddress => _state.SelfAddress;

    /// <summary>The shard count.</summary>
    internal int ShardCount => _state.Options.ShardCount;

    /// <summary>The member that owns <paramref name="key"/> as far as this member knows, or null.</summary>
    internal string? OwnerOf(Key key)
    {
        return OwnerOfShard(ShardPlacement.ShardOf(key, _state.Options.ShardCount));
    }

    /// <summary>The member that owns <paramref name="shard"/> as far as this member knows, or null.</summary>
    internal string? OwnerOfShard(int shard) => _state.OwnedShards.Contains(shard) ? _state.SelfAddress : _state.OwnerOf(shard);

    /// <summary>Announces a push this member will receive; false when the inbox is full.</summary>
    internal bool Expect(Key key) => _state.Inbox.Expect(key);

    /// <summary>Sends one owner its batch (to this member's own batch actor without serializing when it is the owner).</summary>
    internal void SendBatch(string owner, OwnerBatch batch)
    {
        if (!IsSelf(owner))
        {
            Interlocked.Increment(ref _state.Counters.BatchesSent);
            Interlocked.Add(ref _state.Counters.BatchNodes, batch.Items.Count);
        }
        _system.ActorSelection(BatchActor.PathOf(IsSelf(owner) ? "" : owner)).Tell(batch, ActorRefs.NoSender);
    }

    internal void CountSkipped() => Interlocked.Increment(ref _state.Counters.BatchesSkipped);

    private async Task<ClusterResult> ResolveAsync(Key key, object reply, bool counted, CancellationToken cancellationToken)
    {
        switch (reply)
        {
            case KeyInline inline:
            {
                bool self = IsSelf(inline.Owner);
                if (counted)
                {
                    Interlocked.Increment(ref self ? ref _state.Counters.LocalAnswers : ref _state.Counters.InlineAnswers);
                }
                return new ClusterResult(key, inline.Data, inline.Data.Length, inline.Owner, self, inline.OwnerStatus, inline.Seconds,
                    self ? ClusterDelivery.Local : ClusterDelivery.Inline);
            }
            case KeyReference reference when IsSelf(reference.Owner):
                if (counted)
                {
                    Interlocked.Increment(ref _state.Counters.LocalAnswers);
                }
                return new ClusterResult(key, null, reference.Length, reference.Owner, true, reference.OwnerStatus, reference.Seconds,
                    ClusterDelivery.Local);
            case KeyReference reference:
            {
                Uri? url = reference.OwnerHttpUrl is { } text ? new Uri(text, UriKind.Absolute) : null;
                byte[] data = await _fetcher(new ClusterReference(key, reference.Length, reference.Owner, url), cancellationToken)
                    .ConfigureAwait(false);
                if (counted)
                {
                    Interlocked.Increment(ref _state.Counters.FetchedAnswers);
                }
                return new ClusterResult(key, data, data.Length, reference.Owner, false, reference.OwnerStatus, reference.Seconds,
                    ClusterDelivery.Fetched);
            }
            case KeyFailed failed:
                if (counted)
                {
                    Interlocked.Increment(ref _state.Counters.Failures);
                }
                throw new ClusterComputeException(key, failed.Owner, failed.Failure);
            default:
                throw new InvalidOperationException($"Unexpected answer {reply.GetType().Name} for {key}.");
        }
    }

    private bool IsSelf(string owner) => string.Equals(owner, _state.SelfAddress, StringComparison.Ordinal);
}
