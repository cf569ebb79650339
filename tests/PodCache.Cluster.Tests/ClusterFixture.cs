namespace PodCache.Cluster.Tests;

/// <summary>Real Akka clusters over loopback TCP: one collection, never in parallel with itself.</summary>
[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

/// <summary>A three-member cluster shared by the tests that do not change its membership.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster did not start.");

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(3);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Puts the handler and recordings back to their defaults between tests.</summary>
    public TestCluster Reset()
    {
        Cluster.Handler = (member, key, request, ct) => Task.FromResult(
            PodCache.Cluster.OwnerResult.WithBytes(TestCluster.SmallValue(key), "computed", 0.001));
        Cluster.Computations.Clear();
        Cluster.Fetches.Clear();
        Cluster.Served.Clear();
        Cluster.Usage.Clear();
        return Cluster;
    }
}
