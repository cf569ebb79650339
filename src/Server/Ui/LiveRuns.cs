using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Telemetry;

namespace PodCache.Server.Ui;

/// <summary>
/// Runs posted from the UI's form, while they run: each gets a ticket, runs in the background under a root span of
/// its own, and what its nodes' <c>podcache.node</c> spans say as they finish is kept as events for the live page
/// (<c>/ui/live/TICKET</c>, fed by server-sent events). Only these runs are traced for it (the listener samples the
/// traces of live tickets and nothing else), and a finished ticket is forgotten after <see cref="Keep"/>. Bounded:
/// at most <see cref="MaxLive"/> tickets at once.
/// </summary>
internal sealed class LiveRuns : IDisposable
{
    public const int MaxLive = 256;
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    private const string UiSourceName = "PodCache.Server.Ui";
    private static readonly ActivitySource UiSource = new(UiSourceName);

    private readonly ConcurrentDictionary<string, Live> _byTicket = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActivityTraceId, Live> _byTrace = new();
    private readonly ActivityListener _listener;

    public LiveRuns()
    {
        _listener = new ActivityListener
        {
            // Names, not the source object: a listener is consulted while a source is being constructed.
            ShouldListenTo = s => s.Name is PodCacheTelemetry.SourceName or UiSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Source.Name == UiSourceName || _byTrace.ContainsKey(o.Parent.TraceId) ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>One run in flight or lately finished, and what happened so far.</summary>
    public sealed class Live(string ticket, int plannedNodes)
    {
        private readonly List<string> _events = [];
        private readonly Lock _gate = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Ticket { get; } = ticket;
        public int PlannedNodes { get; } = plannedNodes;
        public DateTimeOffset? Finished { get; private set; }

        /// <summary>The events from <paramref name="from"/> on, whether the run is over, and a task that completes on the next change.</summary>
        public (IReadOnlyList<string> Events, bool Over, Task Changed) Since(int from)
        {
            lock (_gate)
            {
                return (_events.Skip(from).ToList(), Finished is not null, _changed.Task);
            }
        }

        public void Add(string json, bool last = false)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (Finished is not null) return;
                _events.Add(json);
                if (last) Finished = DateTimeOffset.UtcNow;
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.TrySetResult();
        }
    }

    public Live? Find(string ticket) => _byTicket.GetValueOrDefault(ticket);

    /// <summary>Starts <paramref name="pipeline"/> in the background; null when too many are live.</summary>
    public Live? Start(IRunService service, ServerMetrics metrics, Pipeline pipeline, Coordinates coordinates, string? nodeRef,
        CancellationToken cancellationToken)
    {
        Sweep();
        if (_byTicket.Count >= MaxLive) return null;
        var live = new Live(Guid.NewGuid().ToString("N")[..16], pipeline.Nodes.Count);
        _byTicket[live.Ticket] = live;
        // Not the request's span: the run outlives the request that posted it.
        var previous = Activity.Current;
        Activity.Current = null;
        var root = UiSource.StartActivity("podcache.ui.run", ActivityKind.Internal);
        Activity.Current = previous;
        if (root is not null) _byTrace[root.TraceId] = live;
        _ = Task.Run(async () =>
        {
            Activity.Current = root;
            try
            {
                var run = await service.RunAsync(pipeline, coordinates, nodeRef, cancellationToken).ConfigureAwait(false);
                metrics.RecordRun(run.Seconds, run.ComputedCount > 0);
                live.Add(new JsonObject { ["type"] = "done", ["runId"] = run.RunId, ["seconds"] = run.Seconds }.ToJsonString(), last: true);
            }
            catch (Exception ex)
            {
                string message = ex is PipelineException pe ? string.Join("; ", pe.Errors.Select(e => e.ToString())) : ex.Message;
                live.Add(new JsonObject { ["type"] = "failed", ["message"] = message }.ToJsonString(), last: true);
            }
            finally
            {
                root?.Stop();
                if (root is not null) _byTrace.TryRemove(root.TraceId, out _);
            }
        }, CancellationToken.None);
        return live;
    }

    private void Stopped(Activity activity)
    {
        if (activity.OperationName != "podcache.node" || !_byTrace.TryGetValue(activity.TraceId, out var live)) return;
        live.Add(new JsonObject
        {
            ["type"] = "node",
            ["ref"] = (string?)activity.GetTagItem("podcache.node.ref"),
            ["node"] = (string?)activity.GetTagItem("podcache.node.type"),
            ["request"] = (string?)activity.GetTagItem("podcache.node.request"),
            ["status"] = activity.Status == ActivityStatusCode.Error ? "failed" : (string?)activity.GetTagItem("podcache.node.status"),
            ["seconds"] = activity.GetTagItem("podcache.node.seconds") is double s ? s : 0,
            ["bytes"] = activity.GetTagItem("podcache.node.bytes") is long b ? b : 0,
        }.ToJsonString());
    }

    private void Sweep()
    {
        var cutoff = DateTimeOffset.UtcNow - Keep;
        foreach (var (ticket, live) in _byTicket)
        {
            if (live.Finished is { } f && f < cutoff) _byTicket.TryRemove(ticket, out _);
        }
    }

    public void Dispose() => _listener.Dispose();
}
