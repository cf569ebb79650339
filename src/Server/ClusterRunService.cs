using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Cluster;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;

using PodCache.Runtime.Hosting;

namespace PodCache.Server;

/// <summary>
/// A cluster member behind the HTTP server: a <see cref="LocalRunService"/> whose runners ask the keys' owners first,
/// through the member's <see cref="ClusterBridge"/> (which does the cluster work); this adapter adds what the HTTP API
/// needs: readiness, 503 while the member is not Up, and the cluster's view in <c>/v1/stats</c>.
/// </summary>
public sealed class ClusterRunService : IRunService
{
    private readonly ClusterBridge _bridge;
    private readonly LocalRunService _local;

    private ClusterRunService(PodCacheOptions config, ClusterOptions options, bool saveRuns, ILoggerFactory loggerFactory,
        IReadOnlyList<string> dataRoots, InFlightBudget? admission, long recentRunsMaxBytes)
    {
        _bridge = new ClusterBridge(options, loggerFactory);
        var session = CacheSession.Open(config, _bridge.BudgetScopes, sources: CacheSession.ServerSources(config, dataRoots));
        _local = new LocalRunService(session, saveRuns, _bridge.Evaluator, admission, recentRunsMaxBytes);
    }

    /// <summary>Opens this member's cache; <see cref="JoinAsync"/> then joins the cluster.</summary>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    /// <param name="config">The validated configuration.</param>
    /// <param name="options">The cluster settings.</param>
    /// <param name="saveRuns">Save every run's manifest in the cache directory.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="dataRoots">Directories whose files pipelines may read here, as for a single server; this member
    /// applies them to evaluation requests from other members too.</param>
    /// <param name="admission">The in-flight memory budget this member's own runs are admitted against, or null.</param>
    /// <param name="recentRunsMaxBytes">The most bytes of manifests kept in memory.</param>
    public static ClusterRunService Open(PodCacheOptions config, ClusterOptions options, bool saveRuns, ILoggerFactory loggerFactory,
        IReadOnlyList<string>? dataRoots = null, InFlightBudget? admission = null, long recentRunsMaxBytes = RecentRuns.DefaultMaxBytes) =>
        new(config, options, saveRuns, loggerFactory, dataRoots ?? [], admission, recentRunsMaxBytes);

    /// <summary>The cache stack this member runs on.</summary>
    public CacheStack Stack => _local.Stack;

    /// <inheritdoc/>
    public RuntimeLimits Limits => _local.Limits;

    /// <inheritdoc/>
    public NodeRegistry Registry => _local.Registry;

    /// <summary>The cluster membership, once <see cref="JoinAsync"/> has started it.</summary>
    public ClusterMember? Member => _bridge.Member;

    /// <summary>
    /// Starts the member (shard region first, then joining the seeds). <paramref name="httpBaseUrl"/> is where the other
    /// members fetch large values from this one, through <paramref name="entries"/> with the cluster's API token.
    /// Returns once joining has begun; <see cref="IsReady"/> turns true when the member is Up.
    /// </summary>
    /// <param name="httpBaseUrl">This member's URL as the other members reach it.</param>
    /// <param name="entries">The side channel's client.</param>
    /// <param name="akkaLog">Where Akka logs, or null.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public Task JoinAsync(Uri httpBaseUrl, EntryDataClient entries, ILoggerFactory? akkaLog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return _bridge.JoinAsync(new Host(_local), httpBaseUrl, entries.Fetcher, akkaLog, cancellationToken);
    }

    /// <summary>Leaves the cluster gracefully (shards handed off) and waits until the actor system has stopped.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task LeaveAsync(CancellationToken cancellationToken) => _bridge.LeaveAsync(cancellationToken);

    /// <inheritdoc/>
    public string Status => _bridge.Status;

    /// <inheritdoc/>
    public bool IsReady => _bridge.IsReady;

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
    public IReadOnlyList<RunSummary> ListRuns(int limit) => _local.ListRuns(limit);

    /// <inheritdoc/>
    public IReadOnlyList<PodCache.Cache.Index.IndexEntry> IndexedEntries(string tier) => _local.IndexedEntries(tier);

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
        if (_bridge.Member is not { } m)
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
                ["fetchFallbacks"] = _bridge.FetchFallbacks,
                ["tooLargeToSend"] = _bridge.TooLargeToSend,
            },
            ["owner"] = new JsonObject
            {
                ["computations"] = s.OwnerComputations,
                ["joined"] = s.OwnerJoins,
            },
            ["batches"] = new JsonObject
            {
                ["sent"] = s.BatchesSent,
                ["nodes"] = s.BatchNodes,
                ["nodesPerMessage"] = s.BatchesSent == 0 ? 0 : Math.Round((double)s.BatchNodes / s.BatchesSent, 2),
                ["received"] = s.BatchesReceived,
                ["pushesSent"] = s.PushesSent,
                ["pushesUsed"] = s.PushesUsed,
                ["pushFallbacks"] = s.PushFallbacks,
                ["skipped"] = s.BatchesSkipped,
            },
        };
        return o;

        static JsonNode? Share(ClusterBudgetScope scope) => scope.BudgetBytes is null ? null : JsonValue.Create(scope.CurrentLimit());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _bridge.DisposeAsync().ConfigureAwait(false);
        await _local.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The member's own cache and runners, as the bridge computes owned keys with them.</summary>
    private sealed class Host(LocalRunService local) : IClusterHost
    {
        public CacheStack Stack => local.Stack;

        public NodeRegistry Registry => local.Registry;

        public ISourceAccessPolicy Sources => local.Session.Sources;

        public PipelineRunner CreateRunner(IRemoteEvaluator remote) =>
            local.Session.CreateRunner(new CountingMemoCache(local.Session.Cache, local.Counters), remote);

        public void RecordHit(string tier) => local.Counters.RecordHit(tier);
    }
}
