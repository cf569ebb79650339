using System.Diagnostics;
using PodCache.Runtime.Execution;

namespace PodCache.Runtime.Telemetry;

/// <summary>
/// PodCache's traces: an <see cref="ActivitySource"/> named <see cref="SourceName"/> with a <c>podcache.run</c> span per
/// pipeline run and, under it, a <c>podcache.node</c> span per node the run evaluated (computed, read from a tier or
/// from another cluster member; pruned nodes have none). Listen with OpenTelemetry
/// (<c>AddSource(PodCacheTelemetry.SourceName)</c>) or an <see cref="ActivityListener"/>. Without a listener nothing is
/// recorded and a run pays one check.
/// </summary>
/// <remarks>
/// Run span tags: <c>podcache.output</c> (node ref), <c>podcache.nodes</c> (planned), then <c>podcache.run_id</c>,
/// <c>podcache.computed</c>, <c>podcache.hits</c>, <c>podcache.pruned</c> and <c>podcache.seconds</c>; status Error with
/// the message when the run fails. A node evaluated at several requests (an input a convolution reads with a margin
/// and another node reads as is) has a span for each. Node span tags: <c>podcache.node.ref</c>, <c>podcache.node.type</c>,
/// <c>podcache.node.request</c> (dims and sizes, <c>lat 21 × lon 21</c>),
/// <c>podcache.node.status</c> (<c>computed</c>, <c>hit:ram</c>, ...), <c>podcache.node.tier</c> (hits only),
/// <c>podcache.node.bytes</c>, <c>podcache.node.seconds</c> (compute seconds) and <c>podcache.node.key</c> (the
/// result's cache key); a node that failed has status Error.
/// </remarks>
public static class PodCacheTelemetry
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "PodCache";

    /// <summary>The source runs and nodes are traced on.</summary>
    public static ActivitySource Source { get; } = new(SourceName, PodCache.Cache.PodCacheVersion.Current);

    internal static Activity? StartRun(string outputRef, int plannedNodes)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("podcache.run", ActivityKind.Internal);
        activity?.SetTag("podcache.output", outputRef);
        activity?.SetTag("podcache.nodes", plannedNodes);
        return activity;
    }

    internal static void EndRun(Activity? activity, PipelineRun run)
    {
        if (activity is null) return;
        activity.SetTag("podcache.run_id", run.RunId);
        activity.SetTag("podcache.computed", run.ComputedCount);
        activity.SetTag("podcache.hits", run.HitCount);
        activity.SetTag("podcache.pruned", run.PrunedCount);
        activity.SetTag("podcache.seconds", run.Seconds);
    }

    internal static void Failed(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.AddException(error);
    }

    private static string Describe(Coordinates request)
    {
        var dims = request.Dims;
        var shape = request.Shape;
        var parts = new string[dims.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = dims[i] + " " + shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" \u00D7 ", parts);
    }

    /// <summary>Records a finished node's span, from when its job first ran to now, under the run's span.</summary>
    internal static void Node(ActivityContext run, PlanNode pn, Exception? error)
    {
        var activity = Source.StartActivity("podcache.node", ActivityKind.Internal, run, startTime: pn.TraceStart);
        if (activity is null) return;
        activity.SetTag("podcache.node.ref", pn.Node.Ref);
        activity.SetTag("podcache.node.type", pn.Node.Type.Name);
        activity.SetTag("podcache.node.request", Describe(pn.Request));
        if (error is null)
        {
            activity.SetTag("podcache.node.status", pn.Status.ToString());
            if (pn.Status.Tier is { } tier) activity.SetTag("podcache.node.tier", tier);
            activity.SetTag("podcache.node.bytes", pn.Bytes);
            activity.SetTag("podcache.node.seconds", pn.Seconds);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
        activity.SetTag("podcache.node.key", pn.ResultKey.ToString());
        activity.Stop();
    }
}
