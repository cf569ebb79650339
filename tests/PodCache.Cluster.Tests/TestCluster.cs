using System.Collections.Concurrent;
using System.Diagnostics;
using PodCache.Cluster;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Tests;

/// <summary>
/// Several <see cref="ClusterMember"/>s in this process on 127.0.0.1, port 0 each (the bound port is read back), the
/// first forming the cluster and the others joining through it. The owner handler and the fetcher are swappable per
/// test; every call is recorded. Disposal stops the members one at a time.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(45);

    private readonly List<ClusterMember> _members = [];

    /// <summary>Every member, including stopped ones (by start index).</summary>
    public IReadOnlyList<ClusterMember> Members => _members;

    /// <summary>Running members.</summary>
    public IEnumerable<ClusterMember> Live => _members.Where(m => !m.WhenTerminated.IsCompleted);

    /// <summary>(member index, key) of every owner-handler call.</summary>
    public ConcurrentQueue<(int Member, Key Key)> Computations { get; } = new();

    /// <summary>Every reference the fetcher resolved.</summary>
    public ConcurrentQueue<ClusterReference> Fetches { get; } = new();

    /// <summary>What the owners "store": the bytes the fetcher serves for a key.</summary>
    public ConcurrentDictionary<Key, byte[]> Served { get; } = new();

    /// <summary>The owner handler's behaviour: (member index, key, request, token) → result. Default: <see cref="SmallValue"/>.</summary>
    public Func<int, Key, ClusterComputeRequest, CancellationToken, Task<OwnerResult>> Handler { get; set; } = DefaultHandler;

    /// <summary>Usage each member reports, by index.</summary>
    public ConcurrentDictionary<int, MemberUsage> Usage { get; } = new();

    public Action<ClusterOptions>? Configure { get; init; }

    public static async Task<TestCluster> StartAsync(int count, Action<ClusterOptions>? configure = null)
    {
        var cluster = new TestCluster { Configure = configure };
        try
        {
            for (int i = 0; i < count; i++)
            {
                await cluster.AddMemberAsync(minimumMembers: count);
            }
            using var cts = new CancellationTokenSource(UpTimeout);
            await Task.WhenAll(cluster._members.Select(m => m.WaitUntilUpAsync(cts.Token)));
            await cluster.WaitUntilAsync(() => cluster.Live.All(m => m.Members.Count(x => x.Status == "Up") == count), UpTimeout,
                "all members Up in every member's view");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more member that joins through the first.</summary>
    public async Task<ClusterMember> AddMemberAsync(int minimumMembers = 1, Action<ClusterOptions>? configure = null)
    {
        int index = _members.Count;
        var options = new ClusterOptions
        {
            Port = 0,
            MinimumNumberOfMembers = minimumMembers,
            StableAfter = TimeSpan.FromSeconds(5),
            RebalanceInterval = TimeSpan.FromSeconds(2),
            RefreshInterval = TimeSpan.FromMilliseconds(200),
            HttpBaseUrl = new Uri($"http://127.0.0.1:{18000 + index}/"),
            Budgets = new ClusterBudgets { RamBytes = 300_000_000, DiskBytes = 3_000_000_000, S3Bytes = 1_000_000 },
        };
        if (index > 0)
        {
            options.Seeds = [$"127.0.0.1:{_members[0].Port}"];
        }
        Configure?.Invoke(options);
        configure?.Invoke(options);
        var member = await ClusterMember.StartAsync(options,
            (key, request, ct) =>
            {
                Computations.Enqueue((index, key));
                return Handler(index, key, request, ct);
            },
            (reference, ct) =>
            {
                Fetches.Enqueue(reference);
                return Task.FromResult(Served.TryGetValue(reference.Key, out var bytes) ? bytes
                    : throw new InvalidOperationException($"nothing served for {reference.Key}"));
            },
            () => Usage.GetValueOrDefault(index));
        _members.Add(member);
        return member;
    }

    public int IndexOf(string address) => _members.FindIndex(m => m.Address == address);

    /// <summary>The value the default handler returns: the key's text.</summary>
    public static byte[] SmallValue(Key key) => System.Text.Encoding.ASCII.GetBytes(key.ToString());

    private static Task<OwnerResult> DefaultHandler(int member, Key key, ClusterComputeRequest request, CancellationToken ct) =>
        Task.FromResult(OwnerResult.WithBytes(SmallValue(key), "computed", 0.001));

    /// <summary>Deterministic distinct keys.</summary>
    public static Key[] Keys(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Key.Hash($"{prefix}/{i}"))];

    /// <summary>Until every shard has exactly one owner among the live members.</summary>
    public Task WaitForAllShardsOwnedAsync(TimeSpan timeout) => WaitUntilAsync(() =>
    {
        var live = Live.ToList();
        int shards = live[0].Options.ShardCount;
        var all = live.SelectMany(m => m.OwnedShards).ToList();
        return all.Count == shards && all.Distinct().Count() == shards;
    }, timeout, "every shard owned by exactly one live member");

    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => Until(condition, timeout, what);

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the members one at a time, last started first.</summary>
    public async ValueTask DisposeAsync()
    {
        for (int i = _members.Count - 1; i >= 0; i--)
        {
            var watch = Stopwatch.StartNew();
            await _members[i].DisposeAsync();
            Console.WriteLine($"member {i} stopped in {watch.ElapsedMilliseconds} ms");
        }
    }
}
