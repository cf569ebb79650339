using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PodCache.Cache;
using PodCache.Cache.Budgets;
using PodCache.Cluster;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Serialization;

namespace PodCache.Cli.Server;

/// <summary>
/// A cluster member behind the HTTP server. Runs are planned here like on a single server, but before this member
/// computes a node it asks the node's ResultKey's owner (<see cref="ClusterSingleFlight"/>): the owner computes the key
/// at most once cluster-wide — asking the owners of its inputs the same way — stores it in its own tiers, and answers
/// with the value (small ones inline, larger ones fetched from its <c>/v1/entries/KEY/data</c>). A value from another
/// member is kept in this member's RAM only and reported as <c>hit:remote</c>. Tier budgets follow the cluster budgets:
/// RAM and disk by owned shards, S3 by what the other members hold.
/// </summary>
internal sealed class ClusterRunService : IRunService
{
    private static readonly IReadOnlyList<string> RamOnly = [TierNames.Ram];

    private readonly LocalRunService _local;
    private readonly ClusterOptions _options;
    private readonly LateScope _ram = new(), _disk = new(), _s3 = new();
    private readonly DataArrayCodec _codec = new();
    private readonly ILogger _log;
    private ClusterMember? _member;
    private EntryDataClient? _fetcher;
    private long _fetchFallbacks, _largeRequests;
    private readonly SemaphoreSlim _trimGate = new(1, 1);
    private int _trimRequested;

    private ClusterRunService(CacheConfig config, ClusterOptions options, bool saveRuns, ILoggerFactory loggerFactory,
        IReadOnlyList<string> dataRoots, InFlightBudget? admission = null, long recentRunsMaxBytes = RecentRuns.DefaultMaxBytes)
    {
        _options = options;
        _log = loggerFactory.CreateLogger<ClusterRunService>();
        var session = CacheSession.Open(config, new TierBudgetScopes(_ram, _disk, _s3), sources: CacheSession.ServerSources(config, dataRoots));
        _local = new LocalRunService(session, saveRuns, new Evaluator(this, null), admission, recentRunsMaxBytes);
    }

    /// <summary>Opens this member's cache; <see cref="JoinAsync"/> then joins the cluster.</summary>
    /// <exception cref="UsageException">The configuration is invalid.</exception>
    /// <param name="config">The cache configuration.</param>
    /// <param name="options">The cluster settings.</param>
    /// <param name="saveRuns">Save every run's manifest in the cache directory.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="dataRoots">Directories whose files pipelines may read here, as for a single server; this member
    /// applies them to evaluation requests from other members too.</param>
    /// <param name="admission">The in-flight memory budget this member's own runs are admitted against, or null.</param>
    /// <param name="recentRunsMaxBytes">The most bytes of manifests kept in memory.</param>
    public static ClusterRunService Open(CacheConfig config, ClusterOptions options, bool saveRuns, ILoggerFactory loggerFactory,
        IReadOnlyList<string>? dataRoots = null, InFlightBudget? admission = null, long recentRunsMaxBytes = RecentRuns.DefaultMaxBytes) =>
        new(config, options, saveRuns, loggerFactory, dataRoots ?? [], admission, recentRunsMaxBytes);

    /// <summary>The cache stack this member runs on.</summary>
    public CacheStack Stack => _local.Stack;

    /// <inheritdoc/>
    public PodCache.Runtime.Execution.RuntimeLimits Limits => _local.Limits;

    /// <inheritdoc/>
    public PodCache.Runtime.Nodes.NodeRegistry Registry => _local.Registry;

    /// <summary>The cluster membership, once <see cref="JoinAsync"/> has started it.</summary>
    public ClusterMember? Member => _member;

    /// <summary>
    /// Starts the member (shard region first, then joining the seeds). <paramref name="httpBaseUrl"/> is where the other
    /// members fetch large values from this one. Returns once joining has begun; <see cref="IsReady"/> turns true when
    /// the member is Up.
    /// </summary>
    public async Task JoinAsync(Uri httpBaseUrl, HttpClient http, string? apiToken, ILoggerFactory? akkaLog, CancellationToken cancellationToken)
    {
        _options.HttpBaseUrl ??= httpBaseUrl;
        _fetcher = new EntryDataClient(http, apiToken);
        var member = await ClusterMember.StartAsync(_options, OwnAsync, _fetcher.Fetcher, Usage, akkaLog, cancellationToken).ConfigureAwait(false);
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
                var stack = _local.Stack;
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

    /// <inheritdoc/>
    public string Status => _member switch
    {
        null => "Starting",
        { WhenTerminated.IsCompleted: true } => "Down",
        { IsUp: true } => "Up",
        var m => m.Members.FirstOrDefault(x => x.IsSelf)?.Status ?? "Joining",
    };

    /// <inheritdoc/>
    public bool IsReady => _member is { IsUp: true };

    /// <inheritdoc/>
    public MemberCounters Counters => _local.Counters;

    /// <inheritdoc/>
    public Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef, CancellationToken cancellationToken)
    {
        if (!IsReady)
        {
            throw new ClusterUnavailableException($"this cluster member is {Status}, not Up; try again shortly or ask another member");
        }
        return _local.RunAsync(pipeline, coordinates, nodeRef, cancellationToken);
    }

    /// <inheritdoc/>
    public PipelineRun? FindRun(string runId) => _local.FindRun(runId);

    /// <inheritdoc/>
    public ValueTask<CacheLookup?> GetEntryAsync(Key key, CancellationToken cancellationToken) => _local.GetEntryAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<JsonObject?> DescribeEntryAsync(Key key, CancellationToken cancellationToken) => _local.DescribeEntryAsync(key, cancellationToken);

    /// <inheritdoc/>
    public IReadOnlyList<TierStatistics> TierStatistics() => _local.TierStatistics();

    /// <inheritdoc/>
    public JsonObject Stats()
    {
        var o = _local.Stats();
        var member = (JsonObject)o["member"]!;
        member["mode"] = "cluster";
        member["status"] = Status;
        if (_member is not { } m)
        {
            return o;
        }
        member["address"] = m.Address;
        member["ownedShards"] = m.OwnedShards.Count;
        var budgets = (JsonObject)o["budgets"]!;
        budgets["clusterShare"] = new JsonObject
        {
            ["ram"] = Share(m.RamBudget),
            ["disk"] = Share(m.DiskBudget),
            ["s3"] = Share(m.S3Budget),
        };
        var s = m.Statistics;
        var usage = m.GetUsage();
        o["cluster"] = new JsonObject
        {
            ["members"] = new JsonArray([.. m.Members.Select(x => (JsonNode)new JsonObject
            {
                ["address"] = x.Address,
                ["status"] = x.Status,
                ["reachable"] = x.IsReachable,
                ["self"] = x.IsSelf,
            })]),
            ["shards"] = usage.ShardCount,
            ["ownedShards"] = usage.OwnedShards,
            ["ramBytes"] = usage.RamBytes,
            ["diskBytes"] = usage.DiskBytes,
            ["s3Bytes"] = usage.S3Bytes,
            ["budgets"] = new JsonObject
            {
                ["ram"] = usage.RamBudgetBytes,
                ["disk"] = usage.DiskBudgetBytes,
                ["s3"] = usage.S3BudgetBytes,
            },
            ["usage"] = new JsonArray([.. usage.Members.Select(u => (JsonNode)new JsonObject
            {
                ["address"] = u.Address,
                ["httpUrl"] = u.HttpUrl?.ToString(),
                ["ramBytes"] = u.RamBytes,
                ["diskBytes"] = u.DiskBytes,
                ["s3Bytes"] = u.S3Bytes,
                ["ownedShards"] = u.OwnedShards,
                ["updated"] = u.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            })]),
            ["requests"] = new JsonObject
            {
                ["sent"] = s.Requests,
                ["answeredHere"] = s.LocalAnswers,
                ["inline"] = s.InlineAnswers,
                ["fetched"] = s.FetchedAnswers,
                ["resent"] = s.Resends,
                ["timeouts"] = s.Timeouts,
                ["failures"] = s.Failures,
                ["fetchFallbacks"] = Interlocked.Read(ref _fetchFallbacks),
                ["tooLargeToSend"] = Interlocked.Read(ref _largeRequests),
            },
            ["owner"] = new JsonObject
            {
                ["computations"] = s.OwnerComputations,
                ["joined"] = s.OwnerJoins,
            },
        };
        return o;

        static JsonNode? Share(ClusterBudgetScope scope) => scope.BudgetBytes is null ? null : JsonValue.Create(scope.CurrentLimit());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_member is { } m)
        {
            await m.DisposeAsync().ConfigureAwait(false);
        }
        await _local.DisposeAsync().ConfigureAwait(false);
    }

    private MemberUsage Usage()
    {
        // Published every refresh interval: one SUM per tier in the index, not the tiers' statistics (every row read).
        var stack = _local.Stack;
        long Bytes(object? tier, string name) => tier is not null && stack.Index is { } index ? index.Bytes(name) : 0;
        return new MemberUsage(stack.Ram.Bytes, Bytes(stack.Disk, TierNames.Disk), Bytes(stack.S3, TierNames.S3));
    }

    /// <summary>
    /// The owner's side: produce <paramref name="key"/> from this member's tiers, or compute it from the request (its
    /// inputs asked of their owners) and store it here.
    /// </summary>
    private async Task<OwnerResult> OwnAsync(Key key, ClusterComputeRequest request, CancellationToken cancellationToken)
    {
        var cache = _local.Session.Cache;
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray held } hit)
        {
            Counters.RecordHit(hit.Tier);
            return Answer(held, CacheStatus.Hit(hit.Tier), 0);
        }
        var runner = _local.Session.CreateRunner(new CountingMemoCache(cache, Counters), new Evaluator(this, key));
        PipelineRun run;
        EvaluationRequest what;
        try
        {
            // Untrusted bytes: parsed and validated like any request (sources by this member's own policy), and they
            // must produce this very key.
            what = EvaluationRequest.Parse(request.Payload.Span, key, _local.Registry, sources: _local.Session.Sources);
            run = await runner.RunAsync(what.Pipeline, what.Coordinates, what.NodeRef, what.SourceTokens, cancellationToken).ConfigureAwait(false);
        }
        catch (PipelineException ex)
        {
            // The request's own fault (a node cannot evaluate these coordinates): the requester answers 400 with these
            // paths, as a single server would, not 502.
            throw new OwnerPipelineException(ex.Errors);
        }
        var info = run.Nodes[what.NodeRef];
        return Answer(run.Output!, info.Status, info.Seconds);
    }

    private OwnerResult Answer(DataArray value, string status, double seconds)
    {
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
        ClusterResult result;
        try
        {
            result = await member.SingleFlight.GetOrComputeAsync(key, request, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterComputeException ex) when (OwnerPipelineException.TryRead(ex.Message, out var errors))
        {
            throw new PipelineException(errors);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The owner answered by reference but no longer holds the value (evicted under its budget), or the transfer
            // failed: compute it here rather than fail the run.
            Interlocked.Increment(ref _fetchFallbacks);
            // The shared S3 tier may hold it (the owner wrote it there): read it rather than compute it.
            if (await _local.Session.Cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray held } hit)
            {
                Counters.RecordHit(hit.Tier);
                return new RemoteEvaluation(held, CacheStatus.Hit(hit.Tier), 0);
            }
            _log.LogWarning("Fetching {Key} from its owner failed ({Reason}); computing it here", key, ex.Message);
            return null;
        }
        if (result.OwnerIsSelf)
        {
            if (result.Data is { } own)
            {
                return new RemoteEvaluation(Decode(own), result.OwnerStatus, result.ComputeSeconds);
            }
            if (await _local.Session.Cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: DataArray stored })
            {
                return new RemoteEvaluation(stored, result.OwnerStatus, result.ComputeSeconds);
            }
            return null;
        }
        var value = Decode(result.Data!);
        Counters.RecordHit("remote");
        // A RAM copy only: the owner's tiers are the durable home; this one is evicted first under the RAM share.
        await _local.Session.Cache.PutAsync(key, value, new EntryOptions { Tiers = RamOnly }, result.ComputeSeconds, cancellationToken)
            .ConfigureAwait(false);
        return new RemoteEvaluation(value, "hit:remote", result.ComputeSeconds);
    }

    private DataArray Decode(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return (DataArray)_codec.Decode(ms, bytes.Length);
    }

    /// <summary>Routes a runner's nodes to their owners; <c>computingHere</c> is the key an owner's handler computes itself.</summary>
    private sealed class Evaluator(ClusterRunService service, Key? computingHere) : IRemoteEvaluator
    {
        public ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken) =>
            service.EvaluateAsync(resultKey, computingHere, request, cancellationToken);
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

/// <summary>The member cannot serve yet (joining) or any more (leaving, downed); the server answers 503.</summary>
internal sealed class ClusterUnavailableException(string message) : Exception(message);

/// <summary>
/// A pipeline error on a key's owner, carried to the requester inside the owner's failure message (the cluster layer
/// sends exceptions as text): a marker, then the errors as a JSON list of <c>{"path", "message"}</c>.
/// </summary>
internal sealed class OwnerPipelineException(IReadOnlyList<PipelineError> errors) : Exception(Encode(errors))
{
    private const string Marker = "podcache-pipeline-errors:";
    // The cluster layer clips failure text at 4,096 characters: at most 4 errors of 400-character fields fit whole.
    private const int MaxErrors = 4;
    private const int MaxChars = 400;

    private static string Encode(IReadOnlyList<PipelineError> errors)
    {
        var list = new JsonArray();
        foreach (var e in errors.Take(MaxErrors))
        {
            list.Add(new JsonObject { ["path"] = Clip(e.Path), ["message"] = Clip(e.Message) });
        }
        return Marker + list.ToJsonString();
    }

    private static string Clip(string s) => s.Length <= MaxChars ? s : s[..MaxChars] + "...";

    /// <summary>Reads the errors back from a failure message that carries them (untrusted text: checked).</summary>
    public static bool TryRead(string message, out IReadOnlyList<PipelineError> errors)
    {
        errors = [];
        int at = message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }
        try
        {
            if (JsonNode.Parse(message.AsSpan(at + Marker.Length).ToString()) is not JsonArray list || list.Count is 0 or > 100)
            {
                return false;
            }
            var read = new List<PipelineError>(list.Count);
            foreach (var item in list)
            {
                if (item is not JsonObject o || o["path"] is not JsonValue p || !p.TryGetValue<string>(out var path)
                    || o["message"] is not JsonValue m || !m.TryGetValue<string>(out var text))
                {
                    return false;
                }
                read.Add(new PipelineError(Clip(path), Clip(text)));
            }
            errors = read;
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
