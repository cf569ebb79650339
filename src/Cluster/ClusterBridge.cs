using Microsoft.Extensions.Logging;
using PodCache.Cache;
using PodCache.Cache.Budgets;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Cluster.Messages;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;

namespace PodCache.Cluster;

/// <summary>
/// The bridge between a member's runtime and the cluster. Runs are planned on the member like on a single server, but
/// before the member computes a node its runner asks the node's ResultKey's owner through <see cref="Evaluator"/>
/// (<see cref="ClusterSingleFlight"/>): the owner computes the key at most once cluster-wide — asking the owners of its
/// inputs the same way — stores it in its own tiers, and answers with the value (small ones inline, larger ones
/// fetched through the side channel). A value from another member is kept in this member's RAM only and reported as
/// <c>hit:remote</c>. Tier budgets follow the cluster budgets (<see cref="BudgetScopes"/>): RAM and disk by owned
/// shards, S3 by what the other members hold.
/// </summary>
/// <remarks>
/// Create the bridge first, open the member's cache with <see cref="BudgetScopes"/> and its runners with
/// <see cref="Evaluator"/>, then <see cref="JoinAsync"/> with that cache as the <see cref="IClusterHost"/>.
/// </remarks>
public sealed class ClusterBridge : IAsyncDisposable
{
    private static readonly IReadOnlyList<string> RamOnly = [TierNames.Ram];

    private readonly ClusterOptions _options;
    private readonly LateScope _ram = new(), _disk = new(), _s3 = new();
    private readonly DataArrayCodec _codec = new();
    private readonly ILogger _log;
    private IClusterHost? _host;
    private ClusterMember? _member;
    private long _fetchFallbacks, _largeRequests;
    private readonly SemaphoreSlim _trimGate = new(1, 1);
    private int _trimRequested;

    /// <summary>Creates the bridge of a member that has not joined yet.</summary>
    /// <param name="options">The cluster settings, validated.</param>
    /// <param name="loggerFactory">Logging.</param>
    public ClusterBridge(ClusterOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _log = loggerFactory.CreateLogger<ClusterBridge>();
        BudgetScopes = new TierBudgetScopes(_ram, _disk, _s3);
        Evaluator = new RemoteEvaluator(this, null);
    }

    /// <summary>
    /// The budget scopes the member's tiers must answer to: unbounded until the member has joined, then this member's
    /// share of the cluster budgets.
    /// </summary>
    public TierBudgetScopes BudgetScopes { get; }

    /// <summary>Routes a runner's nodes to their owners; give it to the member's own runners.</summary>
    public IRemoteEvaluator Evaluator { get; }

    /// <summary>The cluster membership, once <see cref="JoinAsync"/> has started it.</summary>
    public ClusterMember? Member => _member;

    /// <summary>Evaluation requests answered by computing here after fetching the owner's value failed.</summary>
    public long FetchFallbacks => Interlocked.Read(ref _fetchFallbacks);

    /// <summary>Evaluation requests too large for a cluster message, computed by the member that needed them.</summary>
    public long TooLargeToSend => Interlocked.Read(ref _largeRequests);

    /// <summary>The member's state: <c>Starting</c>, <c>Joining</c>, <c>Up</c>, <c>Leaving</c>, ..., <c>Down</c>.</summary>
    public string Status => _member switch
    {
        null => "Starting",
        { WhenTerminated.IsCompleted: true } => "Down",
        { IsUp: true } => "Up",
        var m => m.Members.FirstOrDefault(x => x.IsSelf)?.Status ?? "Joining",
    };

    /// <summary>True when the member is Up and can serve runs.</summary>
    public bool IsReady => _member is { IsUp: true };

    /// <summary>
    /// Starts the member (shard region first, then joining the seeds) over <paramref name="host"/>'s cache.
    /// <paramref name="httpBaseUrl"/> is where the other members fetch large values from this one, and
    /// <paramref name="fetcher"/> how this one fetches theirs. Returns once joining has begun; <see cref="IsReady"/>
    /// turns true when the member is Up.
    /// </summary>
    /// <param name="host">The member's own cache and runners.</param>
    /// <param name="httpBaseUrl">This member's side-channel URL, unless the options advertise one.</param>
    /// <param name="fetcher">Fetches values that owners answer by reference.</param>
    /// <param name="akkaLog">Where Akka logs, or null.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public async Task JoinAsync(IClusterHost host, Uri httpBaseUrl, ClusterPayloadFetcher fetcher, ILoggerFactory? akkaLog,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _options.HttpBaseUrl ??= httpBaseUrl;
        var member = await ClusterMember.StartAsync(_options, OwnAsync, fetcher, Usage, akkaLog, cancellationToken).ConfigureAwait(false);
        _ram.Target = member.RamBudget;
        _disk.Target = member.DiskBudget;
        _s3.Target = member.S3Budget;
        _member = member;
        member.OwnedShardsChanged += (_, _) => _ = TrimAsync();
    }

    /// <summary>Brings the tiers under this member's new shares after shards moved (one trim at a time; later changes re-run it).</summary>
    private async Task TrimAsync()
    {
        Volatile.Write(ref _trimRequested, 1);
        if (!await _trimGate.WaitAsync(0).ConfigureAwait(false))
        {
            return; // The running trim sees the request.
        }
        try
        {
            while (Interlocked.Exchange(ref _trimRequested, 0) == 1)
            {
                var stack = Host.Stack;
                int ram = stack.Ram.TrimToLimit();
                int disk = stack.Disk?.TrimToLimit() ?? 0;
                int s3 = stack.S3 is { } t ? await t.TrimToLimitAsync().ConfigureAwait(false) : 0;
                if (ram + disk + s3 > 0)
                {
                    _log.LogInformation("Shards moved: evicted {Ram} RAM, {Disk} disk and {S3} S3 entries to fit this member's new shares", ram, disk, s3);
                }
            }
        }
#pragma warning disable CA1031 // A trim runs on a pool thread; a failure must not take the member down (the next write evicts anyway).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.LogWarning("Trimming the tiers to this member's new shares failed: {Reason}", ex.Message);
        }
        finally
        {
            _trimGate.Release();
        }
        if (Volatile.Read(ref _trimRequested) == 1)
        {
            _ = TrimAsync(); // Requested between the last round and the release.
        }
    }

    /// <summary>Leaves the cluster gracefully (shards handed off) and waits until the actor system has stopped.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (_member is { } m)
        {
            await m.LeaveAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the member (without leaving gracefully: <see cref="LeaveAsync"/> first for that).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_member is { } m)
        {
            await m.DisposeAsync().ConfigureAwait(false);
        }
        _trimGate.Dispose();
    }

    private IClusterHost Host => _host ?? throw new ClusterUnavailableException("this cluster member has not started");

    private MemberUsage Usage()
    {
        // Published every refresh interval: one SUM per tier in the index, not the tiers' statistics (every row read).
        var stack = Host.Stack;
        long Bytes(object? tier, string name) => tier is not null && stack.Index is { } index ? index.Bytes(name) : 0;
        return new MemberUsage(stack.Ram.Bytes, Bytes(stack.Disk, TierNames.Disk), Bytes(stack.S3, TierNames.S3));
    }

    /// <summary>
    /// The owner's side: produce <paramref name="key"/> from this member's tiers, or compute it from the request (its
    /// inputs asked of their owners) and store it here.
    /// </summary>
    private async Task<OwnerResult> OwnAsync(Key key, ClusterComputeRequest request, CancellationToken cancellationToken)
    {
        var host = Host;
        var cache = host.Stack.Cache;
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray held } hit)
        {
            host.RecordHit(hit.Tier);
            return Answer(held, CacheStatus.Hit(hit.Tier), 0);
        }
        var runner = host.CreateRunner(new RemoteEvaluator(this, key));
        // Untrusted bytes: parsed and validated like any request (sources by this member's own policy), and they must
        // produce this very key. A PipelineException escapes as is: the request's own fault (a node cannot evaluate
        // these coordinates) reaches the requester as a typed pipeline failure (ClusterFailure.FromException), which
        // answers 400 with these paths as a single server would, not 502.
        var what = EvaluationRequest.Parse(request.Payload.Span, key, host.Registry, sources: host.Sources);
        var run = await runner.RunAsync(what.Pipeline, what.Coordinates, what.NodeRef, what.SourceTokens, cancellationToken).ConfigureAwait(false);
        var info = run.Nodes[what.NodeRef];
        return Answer(run.Output!, info.Status, info.Seconds);
    }

    private OwnerResult Answer(DataArray value, CacheStatus cacheStatus, double seconds)
    {
        // The status crosses the cluster as its manifest text.
        string status = cacheStatus.ToString();
        if (value.SizeBytes <= _options.InlineLimitBytes)
        {
            using var ms = new MemoryStream();
            _codec.Encode(value, ms);
            return OwnerResult.WithBytes(ms.ToArray(), status, seconds);
        }
        // Large: requesters on other members fetch it from this member's tiers; one in this process reads them.
        var counter = new CountingStream();
        _codec.Encode(value, counter);
        return OwnerResult.Stored(counter.Length, status, seconds);
    }

    private async ValueTask<RemoteEvaluation?> EvaluateAsync(Key key, Key? computingHere, Func<byte[]> describe, CancellationToken cancellationToken)
    {
        if (key == computingHere)
        {
            return null;
        }
        var member = _member ?? throw new ClusterUnavailableException("this cluster member has not started");
        ClusterResult result;
        try
        {
            // A batched run: the owner pushes the value here when it has it, so waiting costs no round trip.
            if (await member.SingleFlight.TryPushedAsync(key, cancellationToken).ConfigureAwait(false) is { } pushed)
            {
                result = pushed;
            }
            else
            {
                byte[] request = describe();
                if (request.Length > member.SingleFlight.MaxRequestBytes)
                {
                    // Correct, not placed: evaluated here (its inputs still go to their owners).
                    if (Interlocked.Increment(ref _largeRequests) == 1)
                    {
                        _log.LogWarning("A {Bytes}-byte evaluation request exceeds the {Limit}-byte cluster message limit; such nodes are computed by the member that needs them",
                            request.Length, member.SingleFlight.MaxRequestBytes);
                    }
                    return null;
                }
                result = await member.SingleFlight.GetOrComputeAsync(key, request, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ClusterComputeException ex) when (ex.Failure is { Kind: ClusterFailureKind.Pipeline } failure)
        {
            throw new PipelineException(failure.Errors);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The owner answered by reference but no longer holds the value (evicted under its budget), or the transfer
            // failed: compute it here rather than fail the run.
            Interlocked.Increment(ref _fetchFallbacks);
            // The shared S3 tier may hold it (the owner wrote it there): read it rather than compute it.
            if (await Host.Stack.Cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray held } hit)
            {
                Host.RecordHit(hit.Tier);
                return new RemoteEvaluation(held, CacheStatus.Hit(hit.Tier), 0);
            }
            _log.LogWarning("Fetching {Key} from its owner failed ({Reason}); computing it here", key, ex.Message);
            return null;
        }
        if (result.OwnerIsSelf)
        {
            if (result.Data is { } own)
            {
                return new RemoteEvaluation(Decode(own), OwnerStatus(result), result.ComputeSeconds);
            }
            if (await Host.Stack.Cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray stored })
            {
                return new RemoteEvaluation(stored, OwnerStatus(result), result.ComputeSeconds);
            }
            return null;
        }
        var value = Decode(result.Data!);
        Host.RecordHit(TierNames.Remote);
        // A RAM copy only: the owner's tiers are the durable home; this one is evicted first under the RAM share.
        await Host.Stack.Cache.PutAsync(key, value, new EntryOptions { Tiers = RamOnly }, result.ComputeSeconds, cancellationToken)
            .ConfigureAwait(false);
        return new RemoteEvaluation(value, CacheStatus.Hit(TierNames.Remote), result.ComputeSeconds);
    }

    /// <summary>The owner's status, read from the cluster message's text.</summary>
    private static CacheStatus OwnerStatus(ClusterResult result) =>
        CacheStatus.TryParse(result.OwnerStatus, out var status) ? status
            : throw new InvalidDataException($"the owner of {result.Key} sent an unknown status '{result.OwnerStatus}'");

    private DataArray Decode(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return (DataArray)_codec.Decode(ms, bytes.Length);
    }

    /// <summary>
    /// A run of this member's own missed: send each owner of its needed nodes one <see cref="OwnerBatch"/> with the nodes
    /// it owns, each naming the inputs other owners will push to it and the members to push its value to (the root's to
    /// this one). The run then proceeds as before, but every remote node it or an owner waits for arrives as a push, so
    /// the run costs one message per owner rather than a round trip per node. Owners' own runs (computing a key for a
    /// batch or a request) never batch again: their nodes are in the batch already, or are asked per node as before.
    /// </summary>
    private void SendBatches(IReadOnlyList<RemotePlanNode> nodes)
    {
        if (!_options.BatchMisses || _member is not { IsUp: true } member)
        {
            return;
        }
        var flight = member.SingleFlight;
        var needed = new Dictionary<Key, (RemotePlanNode Node, string? Owner)>();
        foreach (var n in nodes)
        {
            if (!n.Held)
            {
                needed.TryAdd(n.ResultKey, (n, n.CacheEnabled ? flight.OwnerOf(n.ResultKey) : null));
            }
        }
        if (needed.Count < 2)
        {
            return; // One node is one request already.
        }
        string self = flight.SelfAddress;
        if (needed.Values.Any(n => n.Owner is null))
        {
            // A node never cached is evaluated by whoever needs it, and one whose owner is not known yet is asked of it
            // when needed: both are left out (nobody expects a push of them, nor pushes them their inputs), the rest
            // is batched.
            flight.CountSkipped();
            foreach (var key in needed.Where(kv => kv.Value.Owner is null).Select(kv => kv.Key).ToList())
            {
                needed.Remove(key);
            }
            if (needed.Count < 2)
            {
                return;
            }
        }
        if (needed.Values.All(n => n.Owner == self))
        {
            return;
        }
        var pushed = needed.Keys.ToDictionary(k => k, _ => new List<Key>());
        var consumers = needed.Keys.ToDictionary(k => k, _ => new List<string>());
        foreach (var (key, (node, owner)) in needed)
        {
            foreach (var input in node.Inputs)
            {
                if (needed.TryGetValue(input, out var i) && i.Owner != owner)
                {
                    pushed[key].Add(input);
                    if (!consumers[input].Contains(owner!))
                    {
                        consumers[input].Add(owner!);
                    }
                }
            }
        }
        var root = needed.Values.FirstOrDefault(n => n.Node.IsRoot);
        if (root.Node is not null && root.Owner != self)
        {
            consumers[root.Node.ResultKey].Add(self);
        }
        var batches = new List<(string Owner, OwnerBatch Batch)>();
        // The plan lists nodes top-down; inputs first reads better in a batch and starts the leaves first.
        foreach (var group in needed.Reverse().GroupBy(kv => kv.Value.Owner!, StringComparer.Ordinal))
        {
            var items = new List<BatchItem>();
            long bytes = 0;
            foreach (var (key, (node, _)) in group)
            {
                byte[] payload = node.Request();
                bytes += payload.Length;
                items.Add(new BatchItem(key, payload, pushed[key], consumers[key]));
            }
            if (items.Count > Messages.MessagePackAkkaSerializer.MaxBatchItems || bytes > flight.MaxRequestBytes
                || items.Any(i => i.PushedInputs.Count > Messages.MessagePackAkkaSerializer.MaxBatchLinks
                    || i.Consumers.Count > Messages.MessagePackAkkaSerializer.MaxBatchLinks))
            {
                flight.CountSkipped();
                return;
            }
            batches.Add((group.Key, new OwnerBatch(self, flight.ShardCount, items)));
        }
        // Announced before anything is sent: a push may arrive before this run (or this member's own batch) asks.
        if (root.Node is not null && root.Owner != self)
        {
            flight.Expect(root.Node.ResultKey);
        }
        foreach (var (owner, batch) in batches)
        {
            if (owner == self)
            {
                foreach (var item in batch.Items)
                {
                    foreach (var input in item.PushedInputs)
                    {
                        flight.Expect(input);
                    }
                }
            }
        }
        foreach (var (owner, batch) in batches)
        {
            flight.SendBatch(owner, batch);
        }
    }

    /// <summary>Routes a runner's nodes to their owners; <c>computingHere</c> is the key an owner's handler computes itself.</summary>
    private sealed class RemoteEvaluator(ClusterBridge bridge, Key? computingHere) : IRemoteEvaluator
    {
        public ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken) =>
            bridge.EvaluateAsync(resultKey, computingHere, request, cancellationToken);

        public ValueTask PlannedAsync(IReadOnlyList<RemotePlanNode> nodes, CancellationToken cancellationToken)
        {
            if (computingHere is null)
            {
                bridge.SendBatches(nodes);
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A budget scope whose target is known only once the member has started (unbounded until then).</summary>
    private sealed class LateScope : IBudgetScope
    {
        public volatile IBudgetScope? Target;

        public long CurrentLimit() => Target?.CurrentLimit() ?? long.MaxValue;
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
