using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Server;

/// <summary>
/// The single server: runs on this machine's cache stack (RAM, the disk directory shared with every other process on
/// the machine, S3 when configured). Runs are kept in memory and, with a disk tier, saved under the cache directory
/// like the CLI's (behind the response), so <c>podcache get RUNID</c> opens a server's run too.
/// </summary>
public sealed class LocalRunService : IRunService
{
    private readonly CacheSession _session;
    private readonly PipelineRunner _runner;
    private readonly RunStore? _store;
    private readonly RecentRuns _recent;
    private readonly InFlightBudget? _admission;
    private readonly Channel<(string RunId, string Manifest)>? _toSave;
    private readonly Task _saver = Task.CompletedTask;
    private readonly DateTimeOffset _started;
    private long _saveFailures;
    private int _disposed;

    /// <summary>Serves runs over <paramref name="session"/>'s cache, which it then owns.</summary>
    /// <param name="session">The cache.</param>
    /// <param name="saveRuns">Save every run's manifest in the cache directory.</param>
    /// <param name="remote">Evaluates nodes on other members first (a cluster member's key owners), or null.</param>
    /// <param name="admission">The in-flight memory budget runs are admitted against, or null to admit every run.</param>
    /// <param name="recentRunsMaxBytes">The most bytes of manifests kept in memory (<see cref="RecentRuns.DefaultMaxBytes"/>).</param>
    public LocalRunService(CacheSession session, bool saveRuns, PodCache.Runtime.Execution.IRemoteEvaluator? remote = null,
        InFlightBudget? admission = null, long recentRunsMaxBytes = RecentRuns.DefaultMaxBytes)
    {
        _session = session;
        _admission = admission;
        _recent = new RecentRuns(recentRunsMaxBytes);
        _runner = session.CreateRunner(new CountingMemoCache(session.Cache, Counters), remote, admission: admission);
        _store = session.CreateRunStore();
        if (_store is not null && saveRuns)
        {
            // Writing a manifest file costs more than answering a RAM hit, so runs are saved behind the response by
            // one writer; this server answers GET /v1/runs/RUNID from memory meanwhile. Bounded: a burst of runs
            // waits for the disk rather than queueing without limit.
            _toSave = Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(1024) { SingleReader = true });
            _saver = Task.Run(SaveRunsAsync);
        }
        _started = DateTimeOffset.UtcNow;
    }

    /// <summary>Opens the cache that <paramref name="configPath"/> and <paramref name="cacheDir"/> describe (as the CLI does).</summary>
    /// <param name="configPath">The config file, or null for the embedded default.</param>
    /// <param name="cacheDir">The disk tier's directory, overriding the config.</param>
    /// <param name="saveRuns">
    /// Save every run's manifest in the cache directory (the default). Off, runs live only in memory (the last
    /// 64 MiB of manifests), which spares a file write per request; runs saved earlier are still found.
    /// </param>
    /// <param name="admission">The in-flight memory budget, or null to admit every run.</param>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    /// <param name="dataRoots">Directories whose files pipelines may read (<c>--data-root</c>), besides the config's
    /// <c>sources.allow.files</c>; the working directory when neither names one.</param>
    public static LocalRunService Open(string? configPath, string? cacheDir, bool saveRuns = true, InFlightBudget? admission = null,
        IReadOnlyList<string>? dataRoots = null)
    {
        var options = CacheSession.LoadOptions(configPath, CacheSession.CacheDirOverride(cacheDir));
        return new(CacheSession.Open(options, null, shortLived: false, CacheSession.ServerSources(options, dataRoots ?? [])), saveRuns,
            admission: admission);
    }

    /// <summary>The cache stack the member runs on.</summary>
    public CacheStack Stack => _session.Stack;

    /// <summary>The cache session the member runs on.</summary>
    public CacheSession Session => _session;

    /// <inheritdoc/>
    public PodCache.Runtime.Execution.RuntimeLimits Limits => _session.Limits;

    /// <inheritdoc/>
    public PodCache.Runtime.Nodes.NodeRegistry Registry => _session.Registry;

    /// <summary>When the member started.</summary>
    public DateTimeOffset Started => _started;

    /// <inheritdoc/>
    public string Status => Volatile.Read(ref _disposed) == 0 ? "Up" : "Down";

    /// <inheritdoc/>
    public bool IsReady => Volatile.Read(ref _disposed) == 0;

    /// <inheritdoc/>
    public MemberCounters Counters { get; } = new();

    /// <inheritdoc/>
    public async Task<PipelineRun> RunAsync(Pipeline pipeline, Coordinates coordinates, string? nodeRef, CancellationToken cancellationToken)
    {
        var run = await _runner.RunAsync(pipeline, coordinates, nodeRef, cancellationToken).ConfigureAwait(false);
        Counters.RecordRun();
        string manifest = run.ToJsonString();
        _recent.Add(run.RunId, manifest, RunSummary.Of(run));
        if (_toSave is not null)
        {
            // The manifest text, not the run: a queued run would keep its output array alive.
            await _toSave.Writer.WriteAsync((run.RunId, manifest), cancellationToken).ConfigureAwait(false);
        }
        return run;
    }

    private async Task SaveRunsAsync()
    {
        await foreach (var (runId, manifest) in _toSave!.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                // From the text already kept for GET /v1/runs/RUNID; the store prunes the oldest past its share of the disk.
                _store!.Save(runId, manifest);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The run was answered and stays in memory; only its file (for other processes) is missing.
                Interlocked.Increment(ref _saveFailures);
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<PodCache.Cache.Index.IndexEntry> IndexedEntries(string tier)
    {
        try
        {
            return Stack.Index?.Entries(tier) ?? [];
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return []; // a failing index is reported by the tiers; a page must still render
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<RunSummary> ListRuns(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var runs = _recent.Summaries().Take(limit).ToDictionary(r => r.RunId, StringComparer.Ordinal);
        foreach (var saved in _store?.List(limit) ?? [])
        {
            if (!runs.ContainsKey(saved.RunId))
            {
                runs[saved.RunId] = new RunSummary(saved.RunId, saved.Started, saved.Output, saved.Seconds, saved.Nodes, saved.Computed,
                    saved.Hits, saved.Nodes - saved.Computed - saved.Hits);
            }
        }
        return runs.Values.OrderByDescending(r => r.Started).ThenByDescending(r => r.RunId, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <inheritdoc/>
    public PipelineRun? FindRun(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (_recent.Find(runId) is { } manifest)
        {
            return PipelineRun.Open(manifest, _runner);
        }
        if (_store is null)
        {
            return null;
        }
        string path;
        try
        {
            path = _store.PathOf(runId);
        }
        catch (ArgumentException)
        {
            return null;
        }
        return File.Exists(path) ? PipelineRun.Open(File.ReadAllText(path), _runner) : null;
    }

    /// <inheritdoc/>
    public ValueTask<CacheLookup?> GetEntryAsync(Key key, CancellationToken cancellationToken) =>
        _session.Cache.GetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<JsonObject?> DescribeEntryAsync(Key key, CancellationToken cancellationToken)
    {
        if (Stack.Disk?.ReadHeader(key) is { } header)
        {
            return await CacheReport.WithFullProvenanceAsync(CacheReport.Describe(key, header, Stack.Disk.PathOf(key)), Stack.Cache,
                cancellationToken).ConfigureAwait(false);
        }
        foreach (var tier in Stack.Cache.Tiers)
        {
            if (tier.Name == TierNames.Disk) continue;
            if (await tier.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                return await CacheReport.WithFullProvenanceAsync(CacheReport.Describe(entry, tier.Name), Stack.Cache, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<TierStatistics> TierStatistics() => Stack.Cache.Tiers.Select(t => t.GetStatistics()).ToList();

    /// <inheritdoc/>
    public JsonObject Stats()
    {
        var cache = CacheReport.Stats(Stack);
        var budgets = new JsonObject();
        foreach (var t in TierStatistics()) budgets[t.Tier] = t.MaxBytes;
        if (Stack.Index is not null) budgets["machineRam"] = Stack.Config.MachineRamMaxBytes;
        var o = new JsonObject
        {
            ["computed"] = Counters.Computed,
            ["runs"] = Counters.Runs,
            ["hits"] = Counters.HitsJson(),
            ["misses"] = Counters.Computed,
            ["member"] = new JsonObject
            {
                ["mode"] = "single",
                ["status"] = Status,
                ["host"] = Environment.MachineName,
                ["pid"] = Environment.ProcessId,
                ["started"] = _started.ToString("O", CultureInfo.InvariantCulture),
                ["uptimeSeconds"] = Math.Round((DateTimeOffset.UtcNow - _started).TotalSeconds, 3),
            },
            ["budgets"] = budgets,
            ["recentRuns"] = new JsonObject { ["count"] = _recent.Count, ["bytes"] = _recent.Bytes, ["maxBytes"] = _recent.MaxBytes },
        };
        if (_admission is not null)
        {
            o["admission"] = _admission.Stats();
        }
        if (_toSave is not null)
        {
            o["runManifests"] = new JsonObject
            {
                ["directory"] = _store!.Directory,
                ["pending"] = _toSave.Reader.Count,
                ["failures"] = Interlocked.Read(ref _saveFailures),
            };
        }
        foreach (var (name, value) in cache.ToList())
        {
            cache.Remove(name);
            o[name] = value;
        }
        return o;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Runs already answered are saved before the cache closes.
            _toSave?.Writer.TryComplete();
            await _saver.ConfigureAwait(false);
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
