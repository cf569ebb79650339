using System.Collections.Frozen;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Akka.Event;
using PodCache.Cluster.Messages;
using static Akka.Cluster.ClusterEvent;

namespace PodCache.Cluster;

/// <summary>
/// A member's housekeeper: follows membership, reads which shards the local region hosts, makes sure every shard is
/// allocated, publishes this member's usage into the replicated usage dictionary and removes the entries of members
/// that left or were downed.
/// </summary>
internal sealed class MemberActor : UntypedActor, IWithTimers
{
    /// <summary>The replicated dictionary of usage, one entry per member (<c>address#uid</c> → entry).</summary>
    public static readonly LWWDictionaryKey<string, UsageEntry> UsageKey = new("podcache-usage");

    private readonly MemberState _state;
    private readonly IActorRef _region;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _members = [];
    private readonly HashSet<UniqueAddress> _unreachable = [];
    private bool _selfUp;
    private bool _pinging = true;
    private UsageEntry? _published;
    private int _pingDeferrals;
    private bool _pingedAll;

    // How often shards whose owner no pong has named yet are pinged again.
    private static readonly TimeSpan UnknownOwnerPing = TimeSpan.FromSeconds(1);

    // A region that never registers (its member is stuck) must not keep the shards unallocated for long.
    private const int MaxPingDeferrals = 40;

    public MemberActor(MemberState state, IActorRef region)
    {
        _state = state;
        _region = region;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The key of a member in the usage dictionary.</summary>
    public static string MemberKey(UniqueAddress member) => $"{member.Address}#{member.Uid}";

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent), typeof(IReachabilityEvent));
        _replicator.Tell(Dsl.Subscribe(UsageKey, Self));
        Timers.StartPeriodicTimer(nameof(Refresh), Refresh.Instance, _state.Options.RefreshInterval);
        Timers.StartPeriodicTimer(nameof(PingShards), PingShards.Instance, _state.Options.RebalanceInterval);
        Timers.StartPeriodicTimer(nameof(PingUnknown), PingUnknown.Instance, UnknownOwnerPing);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _replicator.Tell(Dsl.Unsubscribe(UsageKey, Self));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case MemberRemoved removed:
                _state.ForgetOwner(removed.Member.Address.ToString());
                _members.Remove(removed.Member.UniqueAddress);
                _unreachable.Remove(removed.Member.UniqueAddress);
                PublishMembers();
                if (!removed.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
                {
                    // Every survivor removes the entry; removals commute, and a member killed by SIGKILL cannot.
                    var gone = MemberKey(removed.Member.UniqueAddress);
                    var self = _cluster.SelfUniqueAddress;
                    _replicator.Tell(Dsl.Update(UsageKey, LWWDictionary<string, UsageEntry>.Empty, WriteLocal.Instance,
                        d => d.Remove(self, gone)));
                    // Its shards are unallocated now: give them new owners before the first key of them is asked for. A
                    // moment later, so that a member that is itself about to leave does not start allocations that
                    // its own hand-off would then wait for.
                    Timers.StartSingleTimer(nameof(PingShards) + "-removed", PingShards.Instance, TimeSpan.FromSeconds(1));
                }
                break;
            case IMemberEvent changed:
                _members[changed.Member.UniqueAddress] = changed.Member;
                PublishMembers();
                if (changed is MemberUp && changed.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
                {
                    _selfUp = true;
                    _state.Up.TrySetResult();
                    Ping();
                }
                break;
            case UnreachableMember u:
                _unreachable.Add(u.Member.UniqueAddress);
                PublishMembers();
                break;
            case ReachableMember r:
                _unreachable.Remove(r.Member.UniqueAddress);
                PublishMembers();
                break;
            case Refresh:
                _region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, _state.Options.RefreshInterval * 5)
                    .PipeTo(Self, failure: _ => RegionStateUnavailable.Instance);
                PublishUsage();
                break;
            case CurrentShardRegionState regionState:
                UpdateOwnership(regionState);
                break;
            case RegionStateUnavailable:
                break;
            case PingShards:
                Ping();
                break;
            case PingUnknown:
                // Batching needs every shard's owner: until the pongs have named them all (just after joining, or after a
                // member left), ask again soon rather than at the next rebalance interval.
                PingUnknownShards();
                break;
            case CurrentRegions known:
                PingIfAllRegionsKnown(known);
                break;
            case ShardPong pong:
                // Where each shard lives, for batching a run's nodes per owner.
                if (pong.Shard < _state.Options.ShardCount)
                {
                    _state.SetShardOwner(pong.Shard, pong.Owner);
                }
                break;
            case Changed changed when changed.Key.Equals(UsageKey):
                _state.UsageEntries = [.. changed.Get(UsageKey).Entries.Values];
                break;
            case RemoveOwnUsage remove:
                _pinging = false;
                var me = _cluster.SelfUniqueAddress;
                string myKey = _state.SelfKey;
                // The answer (UpdateSuccess or a failure) goes straight to whoever asked.
                _replicator.Tell(Dsl.Update(UsageKey, LWWDictionary<string, UsageEntry>.Empty, new WriteAll(remove.Timeout),
                    d => d.Remove(me, myKey)), Sender);
                break;
            case IUpdateResponse:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Ping()
    {
        if (!_selfUp || !_pinging || _cluster.SelfMember.Status != MemberStatus.Up)
        {
            return;
        }
        // First ask the coordinator which regions it knows: allocating while some Up member's region has not
        // registered yet would give its share of the shards to the others (rebalancing would move them later).
        _region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(3))
            .PipeTo(Self, failure: _ => RegionStateUnavailable.Instance);
    }

    private void PingUnknownShards()
    {
        // Only after the first full round (which waits for every region): pinging a shard allocates it.
        if (!_pingedAll || !_pinging || _pingDeferrals > 0 || _cluster.SelfMember.Status != MemberStatus.Up)
        {
            return;
        }
        foreach (int shard in _state.UnknownOwners())
        {
            _region.Tell(new ShardPing(shard), Self);
        }
    }

    private void PingIfAllRegionsKnown(CurrentRegions known)
    {
        if (!_pinging)
        {
            return;
        }
        bool all = _members.Values.Where(m => m.Status == MemberStatus.Up).All(m => known.Regions.Contains(m.Address));
        if (!all && ++_pingDeferrals <= MaxPingDeferrals)
        {
            Timers.StartSingleTimer(nameof(PingShards) + "-deferred", PingShards.Instance, TimeSpan.FromMilliseconds(250));
            return;
        }
        _pingDeferrals = 0;
        _pingedAll = true;
        for (int shard = 0; shard < _state.Options.ShardCount; shard++)
        {
            _region.Tell(new ShardPing(shard), Self);
        }
    }

    private void UpdateOwnership(CurrentShardRegionState regionState)
    {
        var owned = regionState.Shards.Select(s => ShardPlacement.ParseShardId(s.ShardId))
            .Where(s => s >= 0 && s < _state.Options.ShardCount)
            .ToFrozenSet();
        if (!owned.SetEquals(_state.OwnedShards))
        {
            _log.Info("Now owning {0} of {1} shards", owned.Count, _state.Options.ShardCount);
            _state.SetOwnedShards(owned);
            PublishUsage();
        }
    }

    private void PublishMembers()
    {
        var self = _cluster.SelfUniqueAddress;
        _state.Members = _members.Values
            .Where(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed))
            .ToImmutableDictionary(m => MemberKey(m.UniqueAddress),
                m => new ClusterMemberInfo(m.Address.ToString(), m.Status.ToString(), !_unreachable.Contains(m.UniqueAddress),
                    m.UniqueAddress.Equals(self)));
    }

    private void PublishUsage()
    {
        if (!_pinging)
        {
            // Leaving: the entry was removed and must stay removed.
            return;
        }
        MemberUsage usage;
        try
        {
            usage = _state.Usage?.Invoke() ?? default;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.Warning("The usage callback failed: {0}", ex.Message);
            return;
        }
        var entry = new UsageEntry(_state.SelfKey, _state.Options.HttpBaseUrl?.ToString(), Math.Max(0, usage.RamBytes),
            Math.Max(0, usage.DiskBytes), Math.Max(0, usage.S3Bytes), _state.OwnedShards.Count, 0);
        // Publish only changes (the timestamp is left out of the comparison): every update is gossiped.
        if (entry == _published)
        {
            return;
        }
        _published = entry;
        var stamped = entry with { UpdatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        var self = _cluster.SelfUniqueAddress;
        string key = _state.SelfKey;
        _replicator.Tell(Dsl.Update(UsageKey, LWWDictionary<string, UsageEntry>.Empty, WriteLocal.Instance,
            d => d.SetItem(self, key, stamped)));
    }

    /// <summary>Asked by a member about to leave: stop pinging shards and remove its usage entry everywhere.</summary>
    public sealed record RemoveOwnUsage(TimeSpan Timeout);

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private sealed class PingShards
    {
        public static readonly PingShards Instance = new();
    }

    private sealed class PingUnknown
    {
        public static readonly PingUnknown Instance = new();
    }

    private sealed class RegionStateUnavailable
    {
        public static readonly RegionStateUnavailable Instance = new();
    }
}
