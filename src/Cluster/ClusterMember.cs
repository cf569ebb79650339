using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;

namespace PodCache.Cluster;

/// <summary>
/// This process's membership in a PodCache cluster: an Akka.NET actor system with cluster sharding of keys
/// (<c>state-store-mode = ddata</c>, remember-entities off), the keep-majority split-brain resolver, and the replicated
/// usage dictionary behind cluster budgets.
/// </summary>
/// <remarks>
/// <para>Start it with <see cref="StartAsync"/>: the shard region starts before the member joins (the other order makes
/// the first request wait seconds for the coordinator), then it joins <see cref="ClusterOptions.Seeds"/> (or forms a new
/// cluster). Stop it with <see cref="LeaveAsync"/> (graceful: its shards are handed off) or <see cref="DisposeAsync"/>.</para>
/// <para>The actor system is created directly from generated HOCON rather than through an Akka.Hosting
/// <c>IServiceCollection</c>: a member is a library object that the server, the CLI and tests (several members in one
/// process) create without a generic host, and the order "region, then join" stays explicit. Akka.Hosting's
/// <c>ILoggerFactory</c> logger is used when a logger factory is given.</para>
/// </remarks>
public sealed class ClusterMember : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly MemberState _state;
    private readonly IActorRef _memberActor;
    private readonly ILogger? _log;
    private int _leaving;

    private ClusterMember(ActorSystem system, MemberState state, IActorRef region, IActorRef memberActor, ClusterSingleFlight singleFlight,
        ILogger? log)
    {
        _system = system;
        _cluster = Akka.Cluster.Cluster.Get(system);
        _state = state;
        _memberActor = memberActor;
        _log = log;
        Region = region;
        SingleFlight = singleFlight;
        var budgets = state.Options.Budgets;
        int shards = state.Options.ShardCount;
        RamBudget = new ClusterBudgetScope("ram", budgets.RamBytes,
            () => budgets.RamBytes is { } b ? ShardPlacement.Share(b, _state.OwnedShards.Count, shards) : long.MaxValue);
        DiskBudget = new ClusterBudgetScope("disk", budgets.DiskBytes,
            () => budgets.DiskBytes is { } b ? ShardPlacement.Share(b, _state.OwnedShards.Count, shards) : long.MaxValue);
        // Only owners write keys to S3, so the ownership share bounds the sum strictly; what the others report through
        // Distributed Data bounds it too when objects outlive the ownership that wrote them (shards moved since).
        S3Budget = new ClusterBudgetScope("s3", budgets.S3Bytes, () => budgets.S3Bytes is { } b
            ? Math.Min(ShardPlacement.Share(b, _state.OwnedShards.Count, shards), Math.Max(0, b - OthersS3Bytes()))
            : long.MaxValue);
        state.OnOwnedShardsChanged = owned => OwnedShardsChanged?.Invoke(this, owned);
    }

    /// <summary>
    /// Starts the actor system and the shard region, then joins the cluster. Returns once joining has begun; await
    /// <see cref="WaitUntilUpAsync"/> to know the member is Up (which, with
    /// <see cref="ClusterOptions.MinimumNumberOfMembers"/> above 1, waits for the others).
    /// </summary>
    /// <param name="options">The settings (validated here).</param>
    /// <param name="owner">Produces the keys this member owns, for requests from any member.</param>
    /// <param name="fetcher">Fetches values that other owners answer by reference.</param>
    /// <param name="usage">This member's bytes per tier, read every <see cref="ClusterOptions.RefreshInterval"/>; none when null.</param>
    /// <param name="loggerFactory">Receives Akka's log (at <see cref="ClusterOptions.LogLevel"/>); Akka logs to stdout when null.</param>
    /// <param name="cancellationToken">Cancels the start (the actor system is then shut down).</param>
    /// <exception cref="ArgumentException">Inconsistent options.</exception>
    public static async Task<ClusterMember> StartAsync(ClusterOptions options, OwnerComputeHandler owner, ClusterPayloadFetcher fetcher,
        Func<MemberUsage>? usage = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(fetcher);
        options.Validate();
        var config = ConfigurationFactory.ParseString(ClusterHocon.Build(options, loggerFactory is not null));
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        ActorSystemSetup setup = loggerFactory is null ? ActorSystemSetup.Create(bootstrap) : bootstrap.And(new LoggerFactorySetup(loggerFactory));
        var system = ActorSystem.Create(options.SystemName, setup);
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var self = cluster.SelfUniqueAddress;
            var state = new MemberState(options, self.Address.ToString(), MemberActor.MemberKey(self), owner, usage);
            var sharding = ClusterSharding.Get(system);
            _ = DistributedData.Get(system);
            var settings = ClusterShardingSettings.Create(system);
            var region = await sharding.StartAsync(ClusterHocon.TypeName, _ => Props.Create(() => new KeyEntity(state)), settings,
                new KeyMessageExtractor(options.ShardCount), sharding.DefaultShardAllocationStrategy(settings), EntityStop.Handoff)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            var memberActor = system.ActorOf(Props.Create(() => new MemberActor(state, region)), "podcache-member");
            var singleFlight = new ClusterSingleFlight(system, region, state, fetcher);
            system.ActorOf(Props.Create(() => new BatchActor(state, singleFlight)), BatchActor.Name);

            // Join only now that the region exists.
            var seeds = options.Seeds.Count == 0
                ? [self.Address]
                : options.Seeds.Select(s => ClusterOptions.ParseSeed(s, options.SystemName)).ToList();
            cluster.JoinSeedNodes(seeds);
            var log = loggerFactory?.CreateLogger<ClusterMember>();
            log?.LogInformation("Cluster member {Address} joining through {Seeds}", self.Address, string.Join(", ", seeds));
            return new ClusterMember(system, state, region, memberActor, singleFlight, log);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>This member's Akka address, <c>akka.tcp://SYSTEM@HOST:PORT</c>.</summary>
    public string Address => _state.SelfAddress;

    /// <summary>The port this member listens on (the bound one when <see cref="ClusterOptions.Port"/> was 0).</summary>
    public int Port => _cluster.SelfAddress.Port ?? 0;

    /// <summary>The settings it runs with.</summary>
    public ClusterOptions Options => _state.Options;

    /// <summary>True while this member is Up (not joining, leaving or gone).</summary>
    public bool IsUp => !_system.WhenTerminated.IsCompleted && _cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up;

    /// <summary>Completes when the actor system has stopped: after <see cref="LeaveAsync"/>, or when the cluster downed
    /// this member (the server should then exit or restart, since a downed member cannot rejoin).</summary>
    public Task WhenTerminated => _system.WhenTerminated;

    /// <summary>The live members (not downed or removed) as this member sees them, ordered by address.</summary>
    public IReadOnlyList<ClusterMemberInfo> Members =>
        [.. _state.Members.Values.OrderBy(m => m.Address, StringComparer.Ordinal)];

    /// <summary>The shards this member owns now (refreshed every <see cref="ClusterOptions.RefreshInterval"/>).</summary>
    public IReadOnlySet<int> OwnedShards => _state.OwnedShards;

    /// <summary>Raised (on a pool thread) with the new set when the shards this member owns change.</summary>
    public event EventHandler<IReadOnlySet<int>>? OwnedShardsChanged;

    /// <summary>Cluster single-flight: get or compute a key on its owner.</summary>
    public ClusterSingleFlight SingleFlight { get; }

    /// <summary>This member's share of the cluster RAM budget.</summary>
    public ClusterBudgetScope RamBudget { get; }

    /// <summary>This member's share of the cluster disk budget.</summary>
    public ClusterBudgetScope DiskBudget { get; }

    /// <summary>
    /// What this member may hold in the shared S3 tier: its ownership share of the cluster S3 budget, and never more than
    /// the budget minus the other members' reported usage.
    /// </summary>
    public ClusterBudgetScope S3Budget { get; }

    /// <summary>Counters of this member's requests and owner computations.</summary>
    public ClusterStatistics Statistics => _state.Counters.Snapshot();

    /// <summary>The shard of a key (its first 16 bits modulo <see cref="ClusterOptions.ShardCount"/>).</summary>
    public int ShardOf(Key key) => ShardPlacement.ShardOf(key, _state.Options.ShardCount);

    /// <summary>Cluster-wide usage against the budgets, from the replicated per-member entries of live members.</summary>
    public ClusterUsage GetUsage() =>
        new([.. _state.LiveUsage().Select(ToReport)], _state.Options.Budgets, _state.Options.ShardCount);

    /// <summary>The shard region (for tests and diagnostics).</summary>
    internal IActorRef Region { get; }

    /// <summary>The actor system (for tests and diagnostics).</summary>
    internal ActorSystem System => _system;

    /// <summary>Raw replicated usage entries, including any not yet removed for departed members (for tests).</summary>
    internal IReadOnlyList<UsageEntry> RawUsageEntries => _state.UsageEntries;

    /// <summary>This member's key in the usage dictionary.</summary>
    internal string UsageKey => _state.SelfKey;

    /// <summary>Waits until this member is Up.</summary>
    /// <exception cref="OperationCanceledException">Cancelled first.</exception>
    public Task WaitUntilUpAsync(CancellationToken cancellationToken = default) =>
        _state.Up.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Leaves the cluster gracefully: stops allocating shards to itself, removes its usage entry, hands its shards off
    /// (computations in flight finish within <see cref="ClusterOptions.HandoffGrace"/> or are cancelled, and their
    /// requesters ask the new owner), leaves, and stops the actor system. Idempotent.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _leaving, 1) == 0 && !_system.WhenTerminated.IsCompleted)
        {
            _log?.LogInformation("Cluster member {Address} leaving", Address);
            try
            {
                await _memberActor.Ask<object>(new MemberActor.RemoveOwnUsage(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(4), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                // The others remove the entry when they see this member removed.
            }
            await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        }
        await _system.WhenTerminated.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the actor system without leaving, as a crash would (tests only; with
    /// <c>akka.coordinated-shutdown.run-by-actor-system-terminate = off</c> in <see cref="ClusterOptions.ExtraHocon"/>).
    /// </summary>
    internal Task CrashForTestsAsync()
    {
        Interlocked.Exchange(ref _leaving, 1);
        return _system.Terminate();
    }

    /// <summary>Leaves gracefully (bounded by 30 s), then makes sure the actor system has stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await LeaveAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log?.LogWarning("Cluster member {Address} did not leave within 30 s; terminating", Address);
            await _system.Terminate().ConfigureAwait(false);
        }
    }

    private long OthersS3Bytes() => _state.LiveUsage().Where(e => e.Member != _state.SelfKey).Sum(e => e.S3Bytes);

    private static MemberUsageReport ToReport(UsageEntry e)
    {
        int hash = e.Member.LastIndexOf('#');
        return new MemberUsageReport(hash > 0 ? e.Member[..hash] : e.Member, e.HttpUrl is { } u ? new Uri(u) : null,
            e.RamBytes, e.DiskBytes, e.S3Bytes, e.OwnedShards, DateTimeOffset.FromUnixTimeMilliseconds(e.UpdatedUnixMs));
    }
}
