using System.Globalization;
using System.Text;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary><c>podcache run</c> and <c>podcache plan</c>.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(CommandArgs a, TextWriter stdout, TextWriter stderr, bool plan, CancellationToken ct)
    {
        CacheSession.BeginWarmUp();
        // Both are required by the command's definition: the parser has already refused a command line without them.
        string pipelinePath = a.Argument("PIPELINE")!;
        string coordsPath = a.Get("coords")!;
        // A plan is a table for people on a terminal and JSON for scripts (stdout redirected), unless --format says.
        string format = a.Get("format") ?? (plan && IsTerminal(stdout) ? "table" : "json");
        OutputFormats.Check(format, plan ? OutputFormats.Plan : OutputFormats.Result);
        // The configuration first: its limits apply to reading the pipeline and coordinates.
        var config = CliConfiguration.Load(a);
        var limits = config.Limits;
        StartupTimings.Mark("configuration");
        var pipeline = InputFiles.ReadPipeline(pipelinePath, limits);
        var coords = InputFiles.ReadCoordinates(coordsPath, limits);
        StartupTimings.Mark("pipeline and coordinates");
        string? nodeRef = a.Get("node");
        if (nodeRef is not null && !pipeline.Contains(nodeRef))
        {
            throw new UsageException($"--node '{nodeRef}': {pipelinePath} has no such node; its nodes are {string.Join(", ", pipeline.Nodes.Select(n => n.Ref))}");
        }
        await using var session = CacheSession.Open(config, null, shortLived: true);
        StartupTimings.Mark("cache opened");
        // Long runs show a progress line on a terminal's stderr (not when redirected, not with --no-progress).
        var progress = plan ? null : ProgressLine.ForTerminal(stderr, a.Flag("no-progress"));
        var runner = session.CreateRunner(progress: progress is null ? null : progress.Update);
        if (plan)
        {
            var p = await runner.PlanAsync(pipeline, coords, nodeRef, ct).ConfigureAwait(false);
            string text = p.ToJsonString();
            await stdout.WriteLineAsync(format switch { "summary" => PlanSummary(p), "table" => PlanTable.Render(p, n => Recorded(session, n)), _ => text }).ConfigureAwait(false);
            if (a.Get("report") is { } planReport) InputFiles.WriteAtomic(planReport, Encoding.UTF8.GetBytes(text));
            return ExitCodes.Ok;
        }
        PipelineRun run;
        using (progress)
        {
            // Disposed (the line erased) before anything is printed.
            run = await runner.RunAsync(pipeline, coords, nodeRef, ct).ConfigureAwait(false);
        }
        StartupTimings.Mark("run");
        if (a.Get("report") is { } report)
        {
            InputFiles.WriteAtomic(report, Encoding.UTF8.GetBytes(run.ToJsonString()));
        }
        if (session.CreateRunStore() is { } store)
        {
            // Every run is saved with the disk tier, so any node can be pulled later: podcache get RUNID --node REF.
            try
            {
                store.Save(run);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The value was computed; a full or read-only cache directory only loses the saved manifest.
                await stderr.WriteLineAsync($"warning: run {run.RunId} was not saved ({ex.Message}); podcache get will not find it")
                    .ConfigureAwait(false);
            }
        }
        StartupTimings.Mark("manifest saved");
        await OutputFormats.WriteAsync(run.Output!, format, a.Get("out"), stdout, () => Summary(run)).ConfigureAwait(false);
        StartupTimings.Mark("output written");
        return ExitCodes.Ok;
    }

    /// <summary>The bytes and compute seconds the disk tier recorded for a node's result, or null when it holds none.</summary>
    private static (long Bytes, double Seconds)? Recorded(CacheSession session, NodeRunInfo node) =>
        session.Stack.Disk?.ReadHeader(node.ResultKey) is { } h ? (h.SizeBytes, h.ComputeSeconds) : null;

    /// <summary>Whether <paramref name="stdout"/> is the process's stdout and that is an interactive terminal.</summary>
    private static bool IsTerminal(TextWriter stdout) => ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;

    internal static string Summary(PipelineRun run)
    {
        var sb = new StringBuilder();
        var o = run.Output!;
        sb.Append(CultureInfo.InvariantCulture, $"run {run.RunId}: output '{run.OutputRef}' {o} in {run.Seconds:F3} s").AppendLine();
        sb.Append(ArraySummary.Describe(o)).AppendLine();
        sb.AppendLine("nodes:");
        foreach (var n in run.Nodes.Values)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {n.Ref,-24} {n.Status,-10} {n.Seconds,9:F4} s {n.Bytes,12:N0} B  {n.NodeType}").AppendLine();
        }
        AppendSources(sb, run);
        return sb.ToString().TrimEnd();
    }

    /// <summary>A plan for people: per node the predicted status, per remote source what a run would fetch.</summary>
    internal static string PlanSummary(PipelineRun plan)
    {
        var sb = new StringBuilder();
        int computed = plan.Nodes.Values.Count(n => n.Status == PodCache.Cache.CacheStatus.Computed);
        sb.Append(CultureInfo.InvariantCulture, $"plan for '{plan.OutputRef}': {computed} of {plan.Nodes.Count} nodes to compute").AppendLine();
        sb.AppendLine("nodes:");
        foreach (var n in plan.Nodes.Values)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {n.Ref,-24} {n.Status,-10} {n.NodeType}").AppendLine();
        }
        if (plan.SourceReads is { Count: > 0 } reads)
        {
            sb.AppendLine("sources:");
            foreach (var (r, read) in reads)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"  {r,-24} {read.Url}: {read.BlocksCached} blocks cached ({read.BytesCached:N0} B), {read.BlocksToFetch} to fetch ({read.BytesToFetch:N0} B)")
                    .AppendLine();
            }
        }
        return sb.ToString().TrimEnd();
    }

    private static void AppendSources(StringBuilder sb, PipelineRun run)
    {
        if (run.SourceActivity is not { BySource.Count: > 0 } activity)
        {
            return;
        }
        sb.AppendLine("sources:");
        foreach (var (url, c) in activity.BySource.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"  {url}: fetched {c.BytesFetched:N0} B in {c.Requests} requests ({c.BlocksFetched} blocks), {c.BlocksCached} blocks from the cache ({c.BytesCached:N0} B)")
                .AppendLine();
        }
    }
}
