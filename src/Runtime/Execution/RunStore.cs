using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Run manifests saved under a cache directory (<c>DIR/runs/RUNID.json</c>), so another process — a notebook, the CLI,
/// a server — can list recent runs and reopen one to pull any node.
/// </summary>
public sealed class RunStore
{
    /// <summary>Opens the store of <paramref name="cacheDirectory"/>.</summary>
    public RunStore(string cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        Directory = Path.Combine(Path.GetFullPath(cacheDirectory), "runs");
    }

    /// <summary>The folder holding the manifests.</summary>
    public string Directory { get; }

    /// <summary>A summary line of a saved run.</summary>
    /// <param name="RunId">The run id.</param>
    /// <param name="Started">When it started.</param>
    /// <param name="Output">The output node ref.</param>
    /// <param name="Seconds">Wall-clock seconds.</param>
    /// <param name="Nodes">Number of nodes in the manifest.</param>
    /// <param name="Computed">Nodes computed by the run.</param>
    /// <param name="Path">The manifest file.</param>
    public sealed record Entry(string RunId, DateTimeOffset Started, string Output, double Seconds, int Nodes, int Computed, string Path);

    /// <summary>Saves <paramref name="run"/>'s manifest (atomically) and returns its path.</summary>
    public string Save(PipelineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        System.IO.Directory.CreateDirectory(Directory);
        string path = PathOf(run.RunId);
        string tmp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(tmp, run.ToJsonString(), Encoding.UTF8);
        File.Move(tmp, path, overwrite: true);
        return path;
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
                    nodes?.Count(n => n.Value?["status"]?.GetValue<string>() == "computed") ?? 0,
                    f));
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
