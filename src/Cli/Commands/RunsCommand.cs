using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary><c>podcache runs</c> (list saved runs) and <c>podcache get RUN --node REF</c> (pull any node of a run).</summary>
internal static class RunsCommand
{
    public static async Task<int> ListAsync(CommandArgs a, TextWriter stdout)
    {
        string format = a.Format ?? "text";
        OutputFormats.Check(format, OutputFormats.TextOrJson);
        int limit = int.TryParse(a.Get("limit") ?? "20", NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0
            ? l : throw new UsageException("--limit must be a positive integer");
        var config = CliConfiguration.Load(a).Cache;
        if (!config.DiskEnabled)
        {
            throw new UsageException("runs are saved in the disk cache directory, and none is configured");
        }
        var runs = new RunStore(config.DiskPath).List(limit);
        if (format == "json")
        {
            var arr = new JsonArray();
            foreach (var r in runs)
            {
                arr.Add((JsonNode)new JsonObject
                {
                    ["runId"] = r.RunId,
                    ["started"] = r.Started.ToString("O", CultureInfo.InvariantCulture),
                    ["output"] = r.Output,
                    ["seconds"] = r.Seconds,
                    ["nodes"] = r.Nodes,
                    ["computed"] = r.Computed,
                    ["manifest"] = r.Path,
                });
            }
            await stdout.WriteLineAsync(arr.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"run",-27} {"started (UTC)",-20} {"output",-16} {"nodes",5} {"computed",8} {"seconds",8}");
        foreach (var r in runs)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.RunId,-27} {r.Started.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {r.Output,-16} {r.Nodes,5} {r.Computed,8} {r.Seconds,8:F3}");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{runs.Count} run(s)");
        await stdout.WriteLineAsync(sb.ToString()).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    public static async Task<int> GetAsync(CommandArgs a, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string runRef = a.Argument("RUN")!;
        string format = a.Get("format") ?? "json";
        OutputFormats.Check(format, OutputFormats.Result);
        await using var session = CacheSession.Open(CliConfiguration.Load(a), null, shortLived: true);
        var runner = session.CreateRunner();
        PipelineRun run;
        if (File.Exists(runRef))
        {
            run = PipelineRun.Open(InputFiles.ReadText(runRef, "manifest", session.Limits), runner);
        }
        else
        {
            if (!session.Stack.Config.DiskEnabled)
            {
                throw new UsageException($"'{runRef}' is not a manifest file, and there is no cache directory to look runs up in");
            }
            run = new RunStore(session.Stack.Config.DiskPath).Open(runRef, runner);
        }
        string nodeRef = a.Get("node") ?? run.OutputRef;
        if (!run.Nodes.ContainsKey(nodeRef))
        {
            throw new UsageException($"--node '{nodeRef}': run {run.RunId} has no such node; its nodes are {string.Join(", ", run.Nodes.Keys)}");
        }
        var fetched = await run.GetResultAsync(nodeRef, ct).ConfigureAwait(false);
        var info = fetched.Nodes[nodeRef];
        if (info.Status == PodCache.Cache.CacheStatus.Computed)
        {
            await stderr.WriteLineAsync($"note: '{nodeRef}' was no longer cached and was recomputed ({fetched.ComputedCount} node(s) computed)").ConfigureAwait(false);
        }
        await OutputFormats.WriteAsync(fetched.Output!, format, a.Get("out"), stdout, () => RunCommand.Summary(fetched)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
