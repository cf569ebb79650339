namespace PodCache.PolicySim;

/// <summary>Collects requests by external object identity and numbers the objects densely.</summary>
internal sealed class TraceBuilder(string name)
{
    private readonly Dictionary<(long Id, long Size), int> _index = [];
    private readonly List<int> _objects = [];
    private readonly List<long> _ticks = [];
    private readonly List<long> _sizes = [];
    private readonly List<double> _costs = [];
    private readonly List<long> _ttls = [];
    private bool _anyTtl;
    private long _lastTicks;

    public int RequestCount => _objects.Count;

    /// <summary>
    /// Adds a request. An object is identified by <paramref name="id"/> and <paramref name="sizeBytes"/> together
    /// (an id seen again with another size is another object, as webcachesim and Caffeine's simulator treat the
    /// AdaptSize traces); the cost and time-to-live of its first request are kept.
    /// </summary>
    public void Add(long id, long sizeBytes, double cost, long ticks, long ttlTicks = 0)
    {
        // Clocks that step back (not seen in the bundled traces) are held still, as the policies would.
        ticks = Math.Max(ticks, _lastTicks);
        _lastTicks = ticks;
        sizeBytes = Math.Max(sizeBytes, 1);
        if (!_index.TryGetValue((id, sizeBytes), out var o))
        {
            o = _sizes.Count;
            _index.Add((id, sizeBytes), o);
            _sizes.Add(sizeBytes);
            _costs.Add(cost);
            _ttls.Add(ttlTicks);
            _anyTtl |= ttlTicks > 0;
        }
        _objects.Add(o);
        _ticks.Add(ticks);
    }

    public Trace Build() => _objects.Count == 0
        ? throw new InvalidDataException($"{name}: the trace has no requests.")
        : new(name, [.. _objects], [.. _ticks], [.. _sizes], [.. _costs], _anyTtl ? [.. _ttls] : null);
}
