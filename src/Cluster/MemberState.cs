using System.Collections.Frozen;
using System.Collections.Immutable;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// What a member's actors and its public facade share: fixed settings, and snapshots that the actors replace whole
/// (members, owned shards, replicated usage) and callers read without locks.
/// </summary>
internal sealed class MemberState
{
    private ImmutableDictionary<string, ClusterMemberInfo> _members = ImmutableDictionary<string, ClusterMemberInfo>.Empty;
    private FrozenSet<int> _owned = FrozenSet<int>.Empty;
    private ImmutableArray<UsageEntry> _usage = [];
    private readonly string?[] _shardOwners;

    public MemberState(ClusterOptions options, string selfAddress, string selfKey, OwnerComputeHandler handler, Func<MemberUsage>? usage)
    {
        Options = options;
        SelfAddress = selfAddress;
        SelfKey = selfKey;
        Handler = handler;
        Usage = usage;
        _shardOwners = new string?[options.ShardCount];
    }

    public ClusterOptions Options { get; }

    /// <summary>This member's address text, <c>akka.tcp://SYSTEM@HOST:PORT</c>.</summary>
    public string SelfAddress { get; }

    /// <summary>This member's unique key (<c>address#uid</c>) in the replicated usage dictionary.</summary>
    public string SelfKey { get; }

    public OwnerComputeHandler Handler { get; }

    public Func<MemberUsage>? Usage { get; }

    public ClusterCounters Counters { get; } = new();

    /// <summary>Values other owners pushed to this member for batched runs.</summary>
    public BatchInbox Inbox { get; } = new();

    public TaskCompletionSource Up { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called on a pool thread (never an actor's) after the owned shards changed.</summary>
    public Action<IReadOnlySet<int>>? OnOwnedShardsChanged { get; set; }

    /// <summary>Live members by unique key (removed and downed members are dropped).</summary>
    public ImmutableDictionary<string, ClusterMemberInfo> Members
    {
        get => Volatile.Read(ref _members);
        set => Volatile.Write(ref _members, value);
    }

    public FrozenSet<int> OwnedShards => Volatile.Read(ref _owned);

    /// <summary>The replicated usage entries as last seen, including stale ones of members that are gone.</summary>
    public ImmutableArray<UsageEntry> UsageEntries
    {
        get => _usage;
        set => ImmutableInterlocked.InterlockedExchange(ref _usage, value);
    }

    public void SetOwnedShards(FrozenSet<int> owned)
    {
        Volatile.Write(ref _owned, owned);
        if (OnOwnedShardsChanged is { } handler)
        {
            ThreadPool.QueueUserWorkItem(_ => handler(owned));
        }
    }

    /// <summary>
    /// The member that last said it owns <paramref name="shard"/> (a <see cref="ShardPong"/>), or null when unknown. A hint
    /// for batching only: a stale answer costs an extra hop (the batch's owner asks the real owner), never a wrong value.
    /// </summary>
    public string? OwnerOf(int shard) => Volatile.Read(ref _shardOwners[shard]);

    public void SetShardOwner(int shard, string owner)
    {
        if (shard >= 0 && shard < _shardOwners.Length)
        {
            Volatile.Write(ref _shardOwners[shard], owner);
        }
    }

    /// <summary>The shards whose owner is not known (no pong named it since it was allocated or its owner left).</summary>
    public List<int> UnknownOwners()
    {
        var owned = OwnedShards;
        var unknown = new List<int>();
        for (int i = 0; i < _shardOwners.Length; i++)
        {
            if (Volatile.Read(ref _shardOwners[i]) is null && !owned.Contains(i))
            {
                unknown.Add(i);
            }
        }
        return unknown;
    }

    /// <summary>Forgets the shards of a member that left: they are unknown until their next owner answers a ping.</summary>
    public void ForgetOwner(string owner)
    {
        for (int i = 0; i < _shardOwners.Length; i++)
        {
            if (string.Equals(Volatile.Read(ref _shardOwners[i]), owner, StringComparison.Ordinal))
            {
                Volatile.Write(ref _shardOwners[i], null);
            }
        }
    }

    /// <summary>Usage entries of live members only, ordered by member.</summary>
    public IReadOnlyList<UsageEntry> LiveUsage()
    {
        var members = Members;
        return [.. UsageEntries.Where(e => members.ContainsKey(e.Member)).OrderBy(e => e.Member, StringComparer.Ordinal)];
    }
}
