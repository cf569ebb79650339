namespace PodCache.Cli.Server;

/// <summary>
/// The manifests of the last runs a member answered, by run id, so <c>GET /v1/runs/RUNID</c> works without a disk
/// tier. Bounded: the oldest manifest leaves when a new one would exceed the capacity.
/// </summary>
internal sealed class RecentRuns(int capacity)
{
    private readonly Dictionary<string, string> _manifests = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Keeps <paramref name="manifestJson"/> under <paramref name="runId"/>.</summary>
    public void Add(string runId, string manifestJson)
    {
        lock (_lock)
        {
            if (_manifests.TryAdd(runId, manifestJson))
            {
                _order.Enqueue(runId);
                while (_order.Count > capacity)
                {
                    _manifests.Remove(_order.Dequeue());
                }
            }
        }
    }

    /// <summary>The manifest of <paramref name="runId"/>, or null.</summary>
    public string? Find(string runId)
    {
        lock (_lock)
        {
            return _manifests.GetValueOrDefault(runId);
        }
    }
}
