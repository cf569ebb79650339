namespace PodCache.Server;

/// <summary>
/// The manifests of the last runs a member answered, by run id, so <c>GET /v1/runs/RUNID</c> works without a disk
/// tier. Bounded by bytes, not count (a big pipeline's manifest can be megabytes): the oldest manifests leave when a
/// new one would exceed <see cref="MaxBytes"/>, and a manifest larger than the whole bound is not kept (with a disk
/// tier it is still found in <c>runs/</c>).
/// </summary>
public sealed class RecentRuns(long maxBytes)
{
    /// <summary>The default bound: 64 MiB of manifest text.</summary>
    public const long DefaultMaxBytes = 64L << 20;

    private readonly Dictionary<string, string> _manifests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunSummary> _summaries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;

    /// <summary>The most bytes of manifests kept (strings counted at two bytes a character, as .NET holds them).</summary>
    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes));

    /// <summary>Bytes of manifests kept now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock) return _bytes;
        }
    }

    /// <summary>Manifests kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _manifests.Count;
        }
    }

    /// <summary>Keeps <paramref name="manifestJson"/> under <paramref name="runId"/>; false when it is larger than the bound.</summary>
    public bool Add(string runId, string manifestJson) => Add(runId, manifestJson, null);

    /// <summary>Keeps <paramref name="manifestJson"/> and, for listing, <paramref name="summary"/>; false when larger than the bound.</summary>
    public bool Add(string runId, string manifestJson, RunSummary? summary)
    {
        long size = SizeOf(runId, manifestJson);
        if (size > MaxBytes) return false;
        lock (_lock)
        {
            if (!_manifests.TryAdd(runId, manifestJson)) return true;
            if (summary is not null) _summaries[runId] = summary;
            _order.Enqueue(runId);
            _bytes += size;
            while (_bytes > MaxBytes)
            {
                string oldest = _order.Dequeue();
                if (_manifests.Remove(oldest, out var gone)) _bytes -= SizeOf(oldest, gone);
                _summaries.Remove(oldest);
            }
            return true;
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

    /// <summary>The summaries of the runs kept (those added with one), newest first.</summary>
    public IReadOnlyList<RunSummary> Summaries()
    {
        lock (_lock)
        {
            return _summaries.Values.OrderByDescending(r => r.Started).ThenByDescending(r => r.RunId, StringComparer.Ordinal).ToList();
        }
    }

    // Characters of both strings at two bytes each, plus the dictionary and queue slots.
    private static long SizeOf(string runId, string manifest) => 2L * (runId.Length + manifest.Length) + 96;
}
