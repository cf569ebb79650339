using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Serialization;
using PodCache.Runtime.Sources;

namespace PodCache.Cluster.Tests;

/// <summary>
/// Real members with the real bridge over loopback TCP: each has its own RAM-only cache stack and runners, so pipeline
/// runs go through the executor, the bridge, sharding and the owners exactly as in a server. Large values are fetched
/// from the owning member's cache in process (the HTTP side channel is the server's).
/// </summary>
internal sealed class BridgeCluster : IAsyncDisposable
{
    private readonly List<(ClusterBridge Bridge, Host Host)> _members = [];

    /// <summary>Every computation by member and key (only the single-flight leader's, as a server counts them).</summary>
    public ConcurrentQueue<(int Member, Key Key)> Computed { get; } = new();

    public int Count => _members.Count;

    public ClusterMember Member(int i) => _members[i].Bridge.Member!;

    public ClusterBridge Bridge(int i) => _members[i].Bridge;

    public static async Task<BridgeCluster> StartAsync(int count, Action<ClusterOptions>? configure = null)
    {
        var cluster = new BridgeCluster();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var options = new ClusterOptions
                {
                    Port = 0,
                    MinimumNumberOfMembers = count,
                    StableAfter = TimeSpan.FromSeconds(5),
                    RebalanceInterval = TimeSpan.FromSeconds(2),
                    RefreshInterval = TimeSpan.FromMilliseconds(200),
                    HttpBaseUrl = new Uri($"http://127.0.0.1:{18100 + i}/"),
                };
                if (i > 0)
                {
                    options.Seeds = [$"127.0.0.1:{cluster.Member(0).Port}"];
                }
                configure?.Invoke(options);
                var bridge = new ClusterBridge(options, NullLoggerFactory.Instance);
                var stack = CacheStack.Create(new CacheConfig { DiskEnabled = false, DefaultTiers = [TierNames.Ram] }, new ValueCodecs().Register(new DataArrayCodec()),
                    scopes: bridge.BudgetScopes);
                var host = new Host(stack, i, cluster.Computed);
                cluster._members.Add((bridge, host));
                await bridge.JoinAsync(host, options.HttpBaseUrl, cluster.FetchAsync, null, CancellationToken.None);
            }
            using var cts = new CancellationTokenSource(TestCluster.UpTimeout);
            await Task.WhenAll(cluster._members.Select(m => m.Bridge.Member!.WaitUntilUpAsync(cts.Token)));
            await Until(() => cluster._members.All(m => m.Bridge.Member!.Members.Count(x => x.Status == "Up") == count),
                TestCluster.UpTimeout, "all members Up in every member's view");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Until every member knows the owner of every shard (batching needs it; before that runs ask per node).</summary>
    public Task WaitForShardMapAsync(TimeSpan timeout) => Until(() => _members.All(m =>
    {
        var flight = m.Bridge.Member!.SingleFlight;
        var all = _members.SelectMany(x => x.Bridge.Member!.OwnedShards).ToList();
        return all.Count == flight.ShardCount && Enumerable.Range(0, flight.ShardCount).All(s => flight.OwnerOfShard(s) is not null);
    }), timeout, "every member knowing every shard's owner");

    /// <summary>A runner of member <paramref name="i"/>, as the server builds it.</summary>
    public PipelineRunner Runner(int i) => _members[i].Host.CreateRunner(_members[i].Bridge.Evaluator);

    /// <summary>The member that owns <paramref name="key"/> now.</summary>
    public int OwnerIndex(Key key) =>
        _members.FindIndex(m => m.Bridge.Member!.OwnedShards.Contains(m.Bridge.Member!.ShardOf(key)));

    public ClusterStatistics Total() => _members.Select(m => m.Bridge.Member!.Statistics).Aggregate((a, b) => new ClusterStatistics(
        a.Requests + b.Requests, a.LocalAnswers + b.LocalAnswers, a.InlineAnswers + b.InlineAnswers, a.FetchedAnswers + b.FetchedAnswers,
        a.Resends + b.Resends, a.Timeouts + b.Timeouts, a.Failures + b.Failures, a.OwnerComputations + b.OwnerComputations,
        a.OwnerJoins + b.OwnerJoins)
    {
        BatchesSent = a.BatchesSent + b.BatchesSent,
        BatchNodes = a.BatchNodes + b.BatchNodes,
        BatchesReceived = a.BatchesReceived + b.BatchesReceived,
        PushesSent = a.PushesSent + b.PushesSent,
        PushesUsed = a.PushesUsed + b.PushesUsed,
        PushFallbacks = a.PushFallbacks + b.PushFallbacks,
        BatchesSkipped = a.BatchesSkipped + b.BatchesSkipped,
    });

    private async Task<byte[]> FetchAsync(ClusterReference reference, CancellationToken ct)
    {
        var owner = _members.Single(m => m.Bridge.Member!.Address == reference.Owner);
        var hit = await owner.Host.Stack.Cache.GetAsync(reference.Key, ct) ?? throw new HttpRequestException("not held");
        using var ms = new MemoryStream();
        new DataArrayCodec().Encode(hit.Entry.Value, ms);
        return ms.ToArray();
    }

    private static Task Until(Func<bool> condition, TimeSpan timeout, string what) => TestCluster.Until(condition, timeout, what);

    public async ValueTask DisposeAsync()
    {
        for (int i = _members.Count - 1; i >= 0; i--)
        {
            await _members[i].Bridge.DisposeAsync();
            await _members[i].Host.Stack.DisposeAsync();
        }
    }

    private sealed class Host(CacheStack stack, int index, ConcurrentQueue<(int, Key)> computed) : IClusterHost
    {
        public CacheStack Stack => stack;

        public NodeRegistry Registry => NodeRegistry.Default;

        public ISourceAccessPolicy Sources => SourceAccessPolicy.AllowAll;

        public PipelineRunner CreateRunner(IRemoteEvaluator remote) =>
            new(new Counting(stack.Cache, index, computed), new RunnerOptions { Remote = remote, Sources = SourceAccessPolicy.AllowAll });

        public void RecordHit(string tier)
        {
        }
    }

    internal sealed class Counting(IMemoCache inner, int index, ConcurrentQueue<(int, Key)> computed) : IMemoCache
    {
        public IReadOnlyList<ICacheTier> Tiers => inner.Tiers;

        public ValueTask<CacheLookup?> GetAsync(Key key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask<string?> ProbeAsync(Key key, CancellationToken cancellationToken = default) => inner.ProbeAsync(key, cancellationToken);

        public ValueTask PutAsync(Key key, ICacheValue value, EntryOptions? options = null, double computeSeconds = 0,
            CancellationToken cancellationToken = default) => inner.PutAsync(key, value, options, computeSeconds, cancellationToken);

        public ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public async Task<CacheOutcome<T>> GetOrComputeAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
            EntryOptions? options = null, CancellationToken cancellationToken = default) where T : ICacheValue
        {
            var outcome = await inner.GetOrComputeAsync(key, factory, options, cancellationToken);
            if (outcome.Status == CacheStatus.Computed)
            {
                computed.Enqueue((index, key));
            }
            return outcome;
        }
    }
}
