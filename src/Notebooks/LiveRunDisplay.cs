using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Rendering;
using PodCache.Runtime.Telemetry;

namespace PodCache.Notebooks;

/// <summary>
/// A running run's display in a notebook cell: shown when the run starts, updated in place as its nodes finish (from
/// their <c>podcache.node</c> spans, listened to for this run's trace only), and replaced by the run's own display
/// (its graph) when it ends.
/// </summary>
internal sealed class LiveRunDisplay : IDisposable
{
    private const string SourceName = "PodCache.Notebooks";
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    private readonly DisplayedValue _shown;
    private readonly ActivityListener _listener;
    private readonly Activity? _root;
    private readonly Lock _gate = new();
    private readonly List<(string Ref, string Status, string Request, double Seconds)> _finished = [];
    private readonly string _title;
    private long _lastUpdate;

    private LiveRunDisplay(KernelInvocationContext context, string title)
    {
        _title = title;
        _shown = context.Display(new HtmlString(Html()), "text/html");
        ActivityTraceId trace = default;
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is PodCacheTelemetry.SourceName or SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Source.Name == SourceName || (trace != default && o.Parent.TraceId == trace)
                    ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
        _root = Source.StartActivity("podcache.notebook.run");
        trace = _root?.TraceId ?? default;
    }

    /// <summary>A live display in the current cell, or null outside a kernel's cell (nothing to show it in).</summary>
    public static LiveRunDisplay? Start(string title) =>
        KernelInvocationContext.Current is { } context ? new LiveRunDisplay(context, title) : null;

    private void Stopped(Activity activity)
    {
        if (activity.OperationName != "podcache.node" || _root is null || activity.TraceId != _root.TraceId) return;
        bool first;
        lock (_gate)
        {
            first = _finished.Count == 0;
            _finished.Add(((string?)activity.GetTagItem("podcache.node.ref") ?? "?",
                activity.Status == ActivityStatusCode.Error ? "failed" : (string?)activity.GetTagItem("podcache.node.status") ?? "",
                (string?)activity.GetTagItem("podcache.node.request") ?? "",
                activity.GetTagItem("podcache.node.seconds") is double s ? s : 0));
        }
        // Every node would flood the front end on a big pipeline: the first at once, then at most one update per 100 ms.
        long now = Stopwatch.GetTimestamp();
        if (first || Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUpdate), now) >= MinInterval)
        {
            Interlocked.Exchange(ref _lastUpdate, now);
            _shown.Update(new HtmlString(Html()));
        }
    }

    private string Html()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("<div class=\"podcache-live\"><p role=\"status\">");
        lock (_gate)
        {
            sb.Append(Markup.Escape(_title)).Append(inv, $": running\u2026 {_finished.Count} node{(_finished.Count == 1 ? "" : "s")} finished</p>");
            sb.Append("<table><thead><tr><th>node</th><th>request</th><th>status</th><th>seconds</th></tr></thead><tbody>");
            foreach (var (nodeRef, status, request, seconds) in _finished)
            {
                sb.Append(inv, $"<tr data-node=\"{Markup.Escape(nodeRef)}\" data-status=\"{Markup.Escape(status)}\"><td>{Markup.Escape(nodeRef)}</td>");
                sb.Append(inv, $"<td>{Markup.Escape(request)}</td><td>{Markup.Escape(status)}</td><td>{Markup.Number(seconds, 4)}</td></tr>");
            }
        }
        return sb.Append("</tbody></table></div>").ToString();
    }

    /// <summary>Runs <paramref name="run"/> under this display's trace (the run's spans are its children).</summary>
    public async Task<PipelineRun> RunAsync(Func<Task<PipelineRun>> run)
    {
        var previous = Activity.Current;
        Activity.Current = _root;
        try
        {
            var result = await run().ConfigureAwait(false);
            _shown.Update(result);
            return result;
        }
        catch (Exception ex)
        {
            _shown.Update(new HtmlString(Html() + "<p role=\"alert\">The run failed: " + Markup.Escape(ex.Message) + "</p>"));
            throw;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    public void Dispose()
    {
        _root?.Stop();
        _listener.Dispose();
    }
}
