using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Cache.Index;
using PodCache.Cache.Tiers.Disk;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Run manifests saved under a cache directory (<c>DIR/runs/RUNID.json</c>), so another process — a notebook, the CLI,
/// a server — can list recent runs and reopen one to pull any node. Bounded: the manifests' bytes are recorded in the
/// machine index (where they count against the disk budget) and, past <see cref="MaxBytes"/>, the oldest are deleted
/// down to nine tenths of it, so a server answering for months does not fill its disk with manifests.
/// </summary>
public sealed class RunStore
{
    private readonly MachineIndex? _index;
    private long _localBytes = -1;

    /// <summary>Opens the store of <paramref name="cacheDirectory"/> for reading (and unbounded saving).</summary>
    public RunStore(string cacheDirectory) : this(cacheDirectory, null, long.MaxValue)
    {
    }

    /// <summary>Opens the store of <paramref name="cacheDirectory"/>, keeping at most <paramref name="maxBytes"/> of manifests.</summary>
    /// <param name="cacheDirectory">The cache directory.</param>
    /// <param name="index">The directory's machine index, which accounts the manifests' bytes; null to count in this process.</param>
    /// <param name="maxBytes">The most bytes of manifests kept (see <see cref="ShareOf"/>).</param>
    public RunStore(string cacheDirectory, MachineIndex? index, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Directory = Path.Combine(Path.GetFullPath(cacheDirectory), "runs");
        _index = index;
        MaxBytes = maxBytes;
    }

    /// <summary>The folder holding the manifests.</summary>
    public string Directory { get; }

    /// <summary>The most bytes of manifests kept; the oldest go first.</summary>
    public long MaxBytes { get; }

    /// <summary>
    /// The share of a disk budget that run manifests may use: a tenth of it (at least 1 MiB), so entries always keep
    /// nine tenths.
    /// </summary>
    public static long ShareOf(long diskMaxBytes) => Math.Max(1L << 20, diskMaxBytes / 10);

    /// <summary>Bytes of manifests as last accounted (the index's counter, or this process's count).</summary>
    public long Bytes => _index is not null ? _index.CounterValue(DiskTier.DirectoryFilesCounter) : Math.Max(0, Interlocked.Read(ref _localBytes));

    /// <summary>A summary line of a saved run.</summary>
    /// <param name="RunId">The run id.</param>
    /// <param name="Started">When it started.</param>
    /// <param name="Output">The output node ref.</param>
    /// <param name="Seconds">Wall-clock seconds.</param>
    /// <param name="Nodes">Number of nodes in the manifest.</param>
    /// <param name="Computed">Nodes computed by the run.</param>
    /// <param name="Path">The manifest file.</param>
    public sealed record Entry(string RunId, DateTimeOffset Started, string Output, double Seconds, int Nodes, int Computed, string Path)
    {
        /// <summary>Nodes read from a tier or another member (neither computed nor pruned).</summary>
        public int Hits { get; init; }
    }

    /// <summary>Saves <paramref name="run"/>'s manifest (atomically) and returns its path.</summary>
    public string Save(PipelineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Save(run.RunId, run.ToJsonString());
    }

    /// <summary>Saves a manifest's text (atomically), accounts its bytes, prunes the oldest when over budget; returns its path.</summary>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    public string Save(string runId, string manifestJson)
    {
        ArgumentNullException.ThrowIfNull(manifestJson);
        string path = PathOf(runId);
        System.IO.Directory.CreateDirectory(Directory);
        string tmp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        byte[] bytes = Encoding.UTF8.GetBytes(manifestJson);
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        long total;
        if (_index is not null && _index.TryAddCounter(DiskTier.DirectoryFilesCounter, bytes.Length) is { } counted)
        {
            total = counted;
        }
        else
        {
            if (Interlocked.Read(ref _localBytes) < 0) Prune(keep: path);
            total = Interlocked.Add(ref _localBytes, bytes.Length);
        }
        if (total > MaxBytes) Prune(keep: path);
        return path;
    }

    /// <summary>
    /// Measures the manifests and, over <see cref="MaxBytes"/>, deletes the oldest (by write time) down to nine tenths
    /// of it — never <paramref name="keep"/>, the one just saved. Records the measured total; returns how many went.
    /// </summary>
    public int Prune(string? keep = null)
    {
        var files = new List<FileInfo>();
        if (System.IO.Directory.Exists(Directory))
        {
            // Sizes and times come with the listing; a file another process deletes meanwhile is simply gone.
            files.AddRange(new DirectoryInfo(Directory).EnumerateFiles("*.json"));
        }
        long total = files.Sum(f => f.Length);
        int removed = 0;
        if (total > MaxBytes)
        {
            long target = MaxBytes / 10 * 9;
            foreach (var f in files.OrderBy(f => f.LastWriteTimeUtc))
            {
                if (total <= target) break;
                if (f.FullName == keep) continue;
                try
                {
                    f.Delete();
                    total -= f.Length;
                    removed++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        if (_index is null || !_index.TrySetCounter(DiskTier.DirectoryFilesCounter, total))
        {
            Interlocked.Exchange(ref _localBytes, total);
        }
        return removed;
    }

    /// <summary>The manifest file of <paramref name="runId"/>.</summary>
    /// <exception cref="ArgumentException">The id contains path characters.</exception>
    public string PathOf(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (runId.IndexOfAny(['/', '\\', '.']) >= 0 || runId.Length > 100)
        {
            throw new ArgumentException($"'{runId}' is not a run id", nameof(runId));
        }
        return Path.Combine(Directory, runId + ".json");
    }

    /// <summary>Saved runs, newest first.</summary>
    public IReadOnlyList<Entry> List(int limit = 50)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var list = new List<Entry>();
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                var m = JsonNode.Parse(File.ReadAllText(f)) as JsonObject;
                if (m is null) continue;
                var nodes = m["nodes"] as JsonObject;
                list.Add(new Entry(
                    m["runId"]?.GetValue<string>() ?? System.IO.Path.GetFileNameWithoutExtension(f),
                    DateTimeOffset.TryParse(m["started"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal, out var s) ? s : File.GetLastWriteTimeUtc(f),
                    m["output"]?.GetValue<string>() ?? "",
                    m["seconds"]?.GetValue<double>() ?? 0,
                    nodes?.Count ?? 0,
                    nodes?.Count(n => PodCache.Cache.CacheStatus.TryParse(n.Value?["status"]?.GetValue<string>(), out var st)
                        && st.Kind == PodCache.Cache.CacheStatusKind.Computed) ?? 0,
                    f)
                {
                    Hits = nodes?.Count(n => PodCache.Cache.CacheStatus.TryParse(n.Value?["status"]?.GetValue<string>(), out var st)
                        && st.Kind is not PodCache.Cache.CacheStatusKind.Computed and not PodCache.Cache.CacheStatusKind.Pruned) ?? 0,
                });
            }
            catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException)
            {
                // A manifest being written or damaged is skipped, not fatal to listing.
            }
        }
        return list.OrderByDescending(e => e.Started).Take(limit).ToList();
    }

    /// <summary>Reopens a saved run (by id, or "latest") through <paramref name="runner"/>.</summary>
    /// <exception cref="PipelineException">No such run, or its manifest is invalid.</exception>
    public PipelineRun Open(string runId, PipelineRunner runner)
    {
        if (runId == "latest")
        {
            var latest = List(1);
            if (latest.Count == 0) throw new PipelineException("run", $"no saved runs in {Directory}");
            runId = latest[0].RunId;
        }
        string path;
        try
        {
            path = PathOf(runId);
        }
        catch (ArgumentException ex)
        {
            throw new PipelineException("run", ex.Message);
        }
        if (!File.Exists(path))
        {
            throw new PipelineException("run", $"no run '{runId}' in {Directory}");
        }
        return PipelineRun.Open(File.ReadAllText(path), runner);
    }
}
