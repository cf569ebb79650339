using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Rendering;

namespace PodCache.Server.Ui;

/// <summary>
/// The browser UI, server-rendered with the notebooks' renderers and no external resources (it works offline):
/// <c>/</c> (runs, newest first, filterable), <c>/ui/runs/RUNID</c> (the graph and every node's status),
/// <c>/ui/runs/RUNID/nodes/REF</c> (the value as a heatmap or line plot, its summary, provenance, downloads),
/// <c>/ui/cache</c> (tiers, budgets, hit ratios; the cluster on a member) and <c>/ui/new</c> (post a pipeline, or pick
/// an example; <c>?example=NAME&amp;run=1</c> runs one; a posted run's page, <c>/ui/live/TICKET</c>, shows its nodes
/// as they finish, from server-sent events, then opens the run). Behind
/// the same API token as the API (a browser signs in on <c>/ui/login</c>: see <see cref="ApiTokenMiddleware"/>). Not part of the OpenAPI document: these are pages, not API.
/// </summary>
internal static class UiEndpoints
{
    private const int ListedRuns = 200;

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Where a browser signs in with the API token (open without it; only when the server has a token).</summary>
    public const string LoginPath = "/ui/login";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", Runs).ExcludeFromDescription();
        app.MapGet("/ui/runs/{runId}", Run).ExcludeFromDescription();
        app.MapGet("/ui/runs/{runId}/nodes/{nodeRef}", NodeAsync).ExcludeFromDescription();
        app.MapGet("/ui/cache", Cache).ExcludeFromDescription();
        app.MapGet("/ui/new", NewRun).ExcludeFromDescription();
        app.MapGet(LoginPath, Login).ExcludeFromDescription();
        app.MapPost(LoginPath, PostLoginAsync).ExcludeFromDescription();
        app.MapPost("/ui/new", PostNewRunAsync).ExcludeFromDescription();
        app.MapGet("/ui/live/{ticket}", LivePage).ExcludeFromDescription();
        app.MapGet("/ui/live/{ticket}/events", LiveEventsAsync).ExcludeFromDescription();
    }

    private static IResult Runs(IRunService service, string? status)
    {
        var runs = service.ListRuns(ListedRuns);
        status = status is "computed" or "cached" ? status : null;
        var shown = runs.Where(r => status is null || (status == "computed") == r.ComputedAny).ToList();
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<form method=\"get\" action=\"/\" class=\"filter\"><label for=\"status\">Status</label> <select id=\"status\" name=\"status\">");
        foreach (var (value, label) in new[] { ("", "all runs"), ("computed", "computed something"), ("cached", "all from the cache") })
        {
            sb.Append(inv, $"<option value=\"{value}\"{(value == (status ?? "") ? " selected" : "")}>{label}</option>");
        }
        sb.Append("</select> <button type=\"submit\">Filter</button></form>");
        if (shown.Count == 0)
        {
            sb.Append(runs.Count == 0
                ? "<p>No runs yet. <a href=\"/ui/new\">Post a pipeline</a> or <code>POST /v1/runs</code>.</p>"
                : "<p>No run matches the filter.</p>");
        }
        else
        {
            sb.Append("<table class=\"runs\"><caption>").Append(shown.Count).Append(shown.Count == 1 ? " run" : " runs")
              .Append(", newest first</caption><thead><tr><th scope=\"col\">started (UTC)</th><th scope=\"col\">run</th><th scope=\"col\">output</th>")
              .Append("<th scope=\"col\">seconds</th><th scope=\"col\">computed</th><th scope=\"col\">hit</th><th scope=\"col\">pruned</th></tr></thead><tbody>");
            foreach (var r in shown)
            {
                sb.Append(inv, $"<tr data-run-id=\"{Markup.Escape(r.RunId)}\"><td>{r.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>");
                sb.Append(inv, $"<td><a href=\"/ui/runs/{Uri.EscapeDataString(r.RunId)}\">{Markup.Escape(r.RunId)}</a></td><td>{Markup.Escape(r.Output)}</td>");
                sb.Append(inv, $"<td class=\"num\">{r.Seconds:0.###}</td><td class=\"num\">{r.Computed}</td><td class=\"num\">{r.Hits}</td><td class=\"num\">{r.Pruned}</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        return Page("Runs", sb.ToString());
    }

    private static IResult Run(HttpContext context, IRunService service, string runId)
    {
        var run = Find(service, runId, out var missing);
        if (run is null) return missing!;
        var inv = CultureInfo.InvariantCulture;
        var summary = RunSummary.Of(run);
        var sb = new StringBuilder();
        sb.Append(inv, $"<dl class=\"facts\"><dt>started</dt><dd>{run.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC</dd><dt>seconds</dt><dd>{run.Seconds:0.###}</dd>");
        sb.Append(inv, $"<dt>output</dt><dd><a href=\"{NodeHref(run.RunId, run.OutputRef)}\">{Markup.Escape(run.OutputRef)}</a></dd>");
        sb.Append(inv, $"<dt>nodes</dt><dd>{summary.Nodes}: {summary.Computed} computed, {summary.Hits} hit, {summary.Pruned} pruned</dd>");
        sb.Append(inv, $"<dt>manifest</dt><dd><a href=\"/v1/runs/{Uri.EscapeDataString(run.RunId)}\">JSON</a></dd></dl>");
        sb.Append("<h2>Graph</h2><figure class=\"graph\">")
          .Append(RunGraphRenderer.RenderSvg(run).Replace("<svg ", "<svg role=\"img\" aria-label=\"the pipeline's nodes, coloured by status\" ", StringComparison.Ordinal))
          .Append("<figcaption>Each box is a node, coloured by its status in this run; arrows go from an input to the node that uses it.</figcaption></figure>");
        sb.Append("<h2>Nodes</h2><table class=\"nodes\"><thead><tr><th scope=\"col\">node</th><th scope=\"col\">type</th><th scope=\"col\">status</th>")
          .Append("<th scope=\"col\">tier</th><th scope=\"col\">seconds</th><th scope=\"col\">bytes</th><th scope=\"col\">result key</th></tr></thead><tbody>");
        foreach (var n in run.Nodes.Values)
        {
            string status = n.Status.ToString();
            sb.Append(inv, $"<tr data-node=\"{Markup.Escape(n.Ref)}\" data-status=\"{Markup.Escape(status)}\"><td><a href=\"{NodeHref(run.RunId, n.Ref)}\">{Markup.Escape(n.Ref)}</a></td>");
            sb.Append(inv, $"<td>{Markup.Escape(n.NodeType)}</td><td><span class=\"status\" style=\"background:{RunGraphRenderer.StatusFill(n.Status)}\">{Markup.Escape(status)}</span></td>");
            sb.Append(inv, $"<td>{Markup.Escape(n.Status.Tier ?? "")}</td><td class=\"num\">{Markup.Number(n.Seconds, 4)}</td><td class=\"num\">{Markup.Escape(Markup.Bytes(n.Bytes))}</td>");
            sb.Append(inv, $"<td><code title=\"{n.ResultKey}\">{n.ResultKey.ToString()[..12]}\u2026</code></td></tr>");
        }
        sb.Append("</tbody></table>");
        return Page("Run " + run.RunId, sb.ToString());
    }

    private static async Task<IResult> NodeAsync(IRunService service, RunDeadline deadline, string runId, string nodeRef)
    {
        var run = Find(service, runId, out var missing);
        if (run is null) return missing!;
        if (!run.Nodes.TryGetValue(nodeRef, out var info))
        {
            return Page("Not found", $"<p>Run {Markup.Escape(run.RunId)} has no node '{Markup.Escape(nodeRef)}'.</p>", StatusCodes.Status404NotFound);
        }
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"<p><a href=\"/ui/runs/{Uri.EscapeDataString(run.RunId)}\">\u2190 run {Markup.Escape(run.RunId)}</a></p>");
        sb.Append(inv, $"<dl class=\"facts\"><dt>type</dt><dd>{Markup.Escape(info.NodeType)}</dd><dt>status in the run</dt><dd>{Markup.Escape(info.Status.ToString())}</dd>");
        sb.Append(inv, $"<dt>seconds</dt><dd>{Markup.Number(info.Seconds, 4)}</dd><dt>bytes</dt><dd>{Markup.Escape(Markup.Bytes(info.Bytes))}</dd>");
        sb.Append(inv, $"<dt>result key</dt><dd><code>{info.ResultKey}</code></dd></dl>");
        PipelineRun fetched;
        try
        {
            fetched = await run.GetResultAsync(nodeRef, deadline.Token).ConfigureAwait(false);
        }
        catch (PipelineException ex)
        {
            sb.Append("<p role=\"alert\">The value cannot be shown: ").Append(Markup.Escape(ex.Errors[0].ToString())).Append("</p>");
            return Page("Node " + nodeRef, sb.ToString());
        }
        string href = $"/v1/runs/{Uri.EscapeDataString(run.RunId)}/nodes/{Uri.EscapeDataString(nodeRef)}";
        sb.Append("<h2>Value</h2><p class=\"fetched\">").Append(Markup.Escape(fetched.Nodes[nodeRef].Status.ToString()))
          .Append(" now</p>").Append(HeatmapRenderer.Html(fetched.Output!, new HeatmapOptions { Title = nodeRef }));
        sb.Append("<h2>Downloads</h2><ul class=\"downloads\">");
        foreach (var (format, label) in new[] { ("geotiff", "GeoTIFF"), ("png", "PNG heatmap"), ("json", "JSON"), ("msgpack", "MessagePack") })
        {
            sb.Append(inv, $"<li><a href=\"{href}?format={format}\">{label}</a></li>");
        }
        sb.Append("</ul>");
        var provenance = await service.DescribeEntryAsync(info.ResultKey, deadline.Token).ConfigureAwait(false);
        sb.Append("<h2>Provenance</h2>");
        sb.Append(provenance is null
            ? "<p>Not cached on this server (the value above was computed for this page).</p>"
            : "<pre class=\"provenance\">" + Markup.Escape(provenance.ToJsonString(Indented)) + "</pre>");
        return Page("Node " + nodeRef, sb.ToString());
    }

    private const int TopEntries = 10;

    private static IResult Cache(IRunService service, EvictionHistory history)
    {
        var inv = CultureInfo.InvariantCulture;
        var tiers = service.TierStatistics();
        var stats = service.Stats();
        var sb = new StringBuilder();
        sb.Append("<h2>Tiers</h2>").Append(StatsRenderer.Html(tiers));
        long hits = tiers.Sum(t => t.Hits), misses = tiers.Sum(t => t.Misses);
        sb.Append(inv, $"<p class=\"totals\">{service.Counters.Runs} runs, {service.Counters.Computed} node computations since start; ");
        sb.Append(inv, $"{hits} tier hits and {misses} misses.</p>");
        sb.Append("<h2>Evictions over time</h2>").Append(EvictionChart(history.PerInterval()));
        var rows = new[] { "disk", "s3" }.SelectMany(t => service.IndexedEntries(t)).Where(e => e.Ready).ToList();
        if (rows.Count > 0)
        {
            sb.Append("<h2>Largest entries</h2>").Append(EntryTable(rows.OrderByDescending(e => e.Bytes).Take(TopEntries), "largest"));
            sb.Append("<h2>Most expensive entries</h2>").Append(EntryTable(rows.OrderByDescending(e => e.ComputeSeconds).Take(TopEntries), "costliest"));
        }
        if (stats["cluster"] is JsonObject cluster)
        {
            sb.Append("<h2>Cluster</h2><pre class=\"cluster\">")
              .Append(Markup.Escape(cluster.ToJsonString(Indented))).Append("</pre>");
        }
        sb.Append("<p><a href=\"/v1/stats\">All statistics as JSON</a></p>");
        return Page("Cache", sb.ToString());
    }

    private static string EntryTable(IEnumerable<PodCache.Cache.Index.IndexEntry> entries, string id)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"<table class=\"entries\" id=\"{id}\"><thead><tr><th scope=\"col\">key</th><th scope=\"col\">tier</th><th scope=\"col\">bytes</th>");
        sb.Append("<th scope=\"col\">compute seconds</th><th scope=\"col\">hits</th><th scope=\"col\">last access (UTC)</th><th scope=\"col\">expires</th></tr></thead><tbody>");
        foreach (var e in entries)
        {
            string key = e.Key.ToString();
            sb.Append(inv, $"<tr data-key=\"{key}\"><td><a href=\"/v1/entries/{key}\"><code>{key[..12]}\u2026</code></a></td><td>{Markup.Escape(e.Tier)}</td>");
            sb.Append(inv, $"<td class=\"num\">{Markup.Escape(Markup.Bytes(e.Bytes))}</td><td class=\"num\">{Markup.Number(e.ComputeSeconds, 4)}</td><td class=\"num\">{e.Hits}</td>");
            sb.Append(inv, $"<td>{e.LastAccess.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td>{(e.Expires is { } x ? x.UtcDateTime.ToString("yyyy-MM-dd HH:mm", inv) : "never")}</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>Evictions per sampling interval, one bar series per tier, as an SVG (no script, no external library).</summary>
    private static string EvictionChart(IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset At, long Evictions)>> perTier)
    {
        var inv = CultureInfo.InvariantCulture;
        var withData = perTier.Where(kv => kv.Value.Count > 0).ToList();
        if (withData.Count == 0)
        {
            return $"<p class=\"evictions\">Sampled every {EvictionHistory.Interval.TotalSeconds:0} s; no interval measured yet.</p>";
        }
        const int width = 720, height = 90, left = 60;
        var sb = new StringBuilder();
        foreach (var (tier, series) in withData)
        {
            long max = Math.Max(1, series.Max(p => p.Evictions));
            long total = series.Sum(p => p.Evictions);
            double bar = (double)(width - left) / EvictionHistory.Samples;
            sb.Append(inv, $"<figure class=\"evictions\" data-tier=\"{Markup.Escape(tier)}\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height + 20}\" ");
            sb.Append(inv, $"aria-label=\"{Markup.Escape(tier)}: {total} evictions in the last {series.Count} intervals of {EvictionHistory.Interval.TotalSeconds:0} s, at most {max} in one\">");
            sb.Append(inv, $"<text x=\"0\" y=\"14\" font-size=\"12\">{Markup.Escape(tier)}</text><text x=\"0\" y=\"{height}\" font-size=\"11\" fill=\"#555\">max {max}</text>");
            int offset = EvictionHistory.Samples - series.Count;
            for (int i = 0; i < series.Count; i++)
            {
                double h = series[i].Evictions * (height - 10.0) / max;
                sb.Append(inv, $"<rect x=\"{Markup.Svg(left + (offset + i) * bar)}\" y=\"{Markup.Svg(height - h)}\" width=\"{Markup.Svg(Math.Max(bar - 0.5, 0.5))}\" height=\"{Markup.Svg(h)}\" fill=\"#d95f02\"/>");
            }
            sb.Append(inv, $"<line x1=\"{left}\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\" stroke=\"#999\"/><text x=\"{left}\" y=\"{height + 16}\" font-size=\"11\" fill=\"#555\">the last hour, {EvictionHistory.Interval.TotalSeconds:0} s a bar</text></svg>");
            sb.Append(inv, $"<figcaption>{Markup.Escape(tier)}: {total} evictions in the last {series.Count * EvictionHistory.Interval.TotalSeconds / 60:0.#} min</figcaption></figure>");
        }
        return sb.ToString();
    }

    private static IResult NewRun() => NewRunPage(null, null, null, [], StatusCodes.Status200OK);

    /// <summary>
    /// The form's post (works without script): runs the pipeline and opens its run page, or shows the form again with
    /// the problems and what was typed. Refused from another site's page (a browser says where a post comes from).
    /// </summary>
    private static async Task<IResult> PostNewRunAsync(HttpContext context, IRunService service, ServerOptions options,
        ServerMetrics metrics, RunDeadline deadline, LiveRuns live)
    {
        if (!SameOrigin(context.Request))
        {
            return Page("Refused", "<p>A run can only be posted from this server's own pages.</p>", StatusCodes.Status403Forbidden);
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodyBytes;
        }
        if (!context.Request.HasFormContentType)
        {
            return NewRunPage(null, null, null, ["post the form (application/x-www-form-urlencoded)"], StatusCodes.Status415UnsupportedMediaType);
        }
        Microsoft.AspNetCore.Http.IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return NewRunPage(null, null, null, ["the form is too large or malformed: " + ex.Message], StatusCodes.Status400BadRequest);
        }
        string pipeline = form["pipeline"].ToString(), coordinates = form["coordinates"].ToString(), node = form["node"].ToString().Trim();
        var body = new StringBuilder("{\"pipeline\": ").Append(pipeline.Length == 0 ? "null" : pipeline)
            .Append(", \"coordinates\": ").Append(coordinates.Length == 0 ? "null" : coordinates);
        if (node.Length > 0) body.Append(", \"node\": ").Append(JsonValue.Create(node).ToJsonString());
        body.Append('}');
        if (!RunRequest.TryParse(body.ToString(), service.Limits, service.Registry, out var request, out var errors))
        {
            return NewRunPage(pipeline, coordinates, node, errors.Select(Describe).ToList(), StatusCodes.Status400BadRequest);
        }
        // It runs in the background; the live page shows its nodes as they finish, then opens the run.
        var started = live.Start(service, metrics, request!.Pipeline, request.Coordinates, request.Node, deadline.Token);
        if (started is null)
        {
            return Page("Busy", $"<p>{LiveRuns.MaxLive} runs posted from this page are still running; try again shortly.</p>",
                StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Redirect("/ui/live/" + started.Ticket + (form["stay"] == "1" ? "?stay=1" : ""));
    }

    private static IResult LivePage(LiveRuns live, string ticket, string? stay)
    {
        var run = live.Find(ticket);
        if (run is null)
        {
            return Page("Not found", "<p>No run in progress under this address (finished runs are listed on <a href=\"/\">Runs</a>).</p>",
                StatusCodes.Status404NotFound);
        }
        var sb = new StringBuilder();
        sb.Append("<p id=\"progress\" role=\"status\" aria-live=\"polite\" data-planned=\"").Append(run.PlannedNodes)
          .Append(stay == "1" ? "\" data-stay=\"1" : "").Append("\">Running\u2026</p>");
        sb.Append("<table class=\"nodes\"><caption>Nodes as they finish (a node read at two requests, e.g. with a convolution's margin, finishes twice)</caption><thead><tr><th scope=\"col\">node</th><th scope=\"col\">type</th><th scope=\"col\">request</th>")
          .Append("<th scope=\"col\">status</th><th scope=\"col\">seconds</th><th scope=\"col\">bytes</th></tr></thead><tbody id=\"finished\"></tbody></table>");
        sb.Append("<script>const ticket = '").Append(ticket).Append("';\n").Append(LiveScript).Append("</script>");
        return Page("Running", sb.ToString());
    }

    /// <summary>
    /// <c>text/event-stream</c> of a live run: <c>node</c> events (ref, node, status, seconds, bytes) as nodes finish,
    /// then one <c>done</c> (runId, seconds) or <c>failed</c> (message). Each event's id is its index, so a client
    /// that reconnects with <c>Last-Event-ID</c> gets only what it missed; a comment every 15 s keeps proxies open.
    /// </summary>
    private static async Task LiveEventsAsync(HttpContext context, LiveRuns live, string ticket)
    {
        var run = live.Find(ticket);
        if (run is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        int next = int.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out int last) ? last + 1 : 0;
        var aborted = context.RequestAborted;
        while (!aborted.IsCancellationRequested)
        {
            var (events, over, changed) = run.Since(next);
            foreach (var e in events)
            {
                await context.Response.WriteAsync($"id: {next}\ndata: {e}\n\n", aborted).ConfigureAwait(false);
                next++;
            }
            await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            if (over) return;
            var heartbeat = Task.Delay(TimeSpan.FromSeconds(15), aborted);
            if (await Task.WhenAny(changed, heartbeat).ConfigureAwait(false) == heartbeat && !aborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(": still running\n\n", aborted).ConfigureAwait(false);
            }
        }
    }

    private const string LiveScript = """
        const body = document.getElementById('finished'), progress = document.getElementById('progress');
        const planned = +progress.dataset.planned;
        let finished = 0;
        const source = new EventSource('/ui/live/' + ticket + '/events');
        source.onmessage = m => {
          const e = JSON.parse(m.data);
          if (e.type === 'node') {
            const tr = document.createElement('tr');
            tr.dataset.node = e.ref; tr.dataset.status = e.status;
            for (const v of [e.ref, e.node, e.request, e.status, e.seconds.toPrecision(4), e.bytes]) {
              const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
            }
            body.appendChild(tr);
            progress.textContent = 'Running\u2026 ' + (++finished) + (finished === 1 ? ' node' : ' nodes') + ' finished (the pipeline has ' + planned + ')';
          } else if (e.type === 'done') {
            source.close();
            progress.textContent = 'Finished in ' + e.seconds.toFixed(3) + ' s';
            document.querySelector('h1').textContent = 'Finished';
            progress.dataset.runId = e.runId;
            const href = '/ui/runs/' + encodeURIComponent(e.runId);
            // ?stay=1 keeps this page, with a link to the run; otherwise the run opens.
            if (progress.dataset.stay) { const a = document.createElement('a'); a.href = href; a.id = 'open-run'; a.textContent = 'open run ' + e.runId; progress.append(' \u00B7 ', a); }
            else location.href = href;
          } else if (e.type === 'failed') {
            source.close();
            progress.setAttribute('role', 'alert');
            progress.textContent = 'The run failed: ' + e.message;
          }
        };
        """;

    private static IResult Login(ServerOptions options, string? next) => LoginPage(options, next, null, StatusCodes.Status200OK);

    private static IResult LoginPage(ServerOptions options, string? next, string? problem, int status)
    {
        if (options.ApiToken is null)
        {
            return Page("Sign in", "<p>This server has no API token: nothing to sign in to. <a href=\"/\">Runs</a></p>");
        }
        var sb = new StringBuilder();
        if (problem is not null) sb.Append("<p role=\"alert\">").Append(Markup.Escape(problem)).Append("</p>");
        sb.Append("<form method=\"post\" action=\"").Append(LoginPath).Append("\"><input type=\"hidden\" name=\"next\" value=\"")
          .Append(Markup.Escape(SafeNext(next))).Append("\"><p><label for=\"token\">API token</label> ")
          .Append("<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required></p>")
          .Append("<p><button type=\"submit\">Sign in</button></p></form>")
          .Append("<p>The token is kept in a cookie for this server only, until the browser closes.</p>");
        return Page("Sign in", sb.ToString(), status);
    }

    private static async Task<IResult> PostLoginAsync(HttpContext context, ServerOptions options, RunDeadline deadline)
    {
        if (options.ApiToken is null) return Results.Redirect("/");
        if (!SameOrigin(context.Request))
        {
            return Page("Refused", "<p>Sign in from this server's own page.</p>", StatusCodes.Status403Forbidden);
        }
        if (!context.Request.HasFormContentType)
        {
            return LoginPage(options, null, "post the form", StatusCodes.Status415UnsupportedMediaType);
        }
        var form = await context.Request.ReadFormAsync(deadline.Token).ConfigureAwait(false);
        string next = SafeNext(form["next"].ToString());
        if (!ApiTokenMiddleware.Matches(options, form["token"].ToString()))
        {
            return LoginPage(options, next, "That is not this server's API token.", StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(ApiTokenMiddleware.CookieName, form["token"].ToString().Trim(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        return Results.Redirect(next);
    }

    /// <summary>A local path to go back to after signing in; anything else (another site, a scheme) goes to the runs.</summary>
    private static string SafeNext(string? next) =>
        next is { Length: > 0 } && next[0] == '/' && !next.StartsWith("//", StringComparison.Ordinal) && !next.Contains('\\')
            && !next.StartsWith(LoginPath, StringComparison.Ordinal) ? next : "/";

    private static string Describe(ProblemError e) => e.Path.Length == 0 ? e.Message : e.Path + ": " + e.Message;

    /// <summary>False when the browser says the post comes from another origin (Origin, or Sec-Fetch-Site).</summary>
    private static bool SameOrigin(HttpRequest request)
    {
        string? site = request.Headers["Sec-Fetch-Site"];
        if (site is not null && site is not ("same-origin" or "none")) return false;
        string? origin = request.Headers.Origin;
        return origin is null || origin == "null" && site is "same-origin"
            || string.Equals(origin, request.Scheme + "://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static IResult NewRunPage(string? pipeline, string? coordinates, string? node, IReadOnlyList<string> errors, int status)
    {
        var sb = new StringBuilder();
        if (errors.Count > 0)
        {
            sb.Append("<div role=\"alert\" class=\"errors\"><p>The run was not started:</p><ul>");
            foreach (var e in errors) sb.Append("<li>").Append(Markup.Escape(e)).Append("</li>");
            sb.Append("</ul></div>");
        }
        sb.Append("<form id=\"new-run\" class=\"new-run\" method=\"post\" action=\"/ui/new\">");
        sb.Append("<p><label for=\"example\">Example</label> <select id=\"example\">");
        foreach (var (name, _, _) in Examples)
        {
            sb.Append("<option>").Append(Markup.Escape(name)).Append("</option>");
        }
        sb.Append("</select></p>");
        sb.Append("<p><label for=\"pipeline\">Pipeline (PODPAC JSON)</label><br><textarea id=\"pipeline\" name=\"pipeline\" rows=\"14\" cols=\"90\" required>")
          .Append(Markup.Escape(pipeline)).Append("</textarea></p>");
        sb.Append("<p><label for=\"coordinates\">Coordinates (PODPAC JSON)</label><br><textarea id=\"coordinates\" name=\"coordinates\" rows=\"6\" cols=\"90\" required>")
          .Append(Markup.Escape(coordinates)).Append("</textarea></p>");
        sb.Append("<p><label for=\"node\">Node (optional: the pipeline's output by default)</label> <input id=\"node\" name=\"node\" value=\"")
          .Append(Markup.Escape(node)).Append("\"></p>");
        sb.Append("<p><button type=\"submit\">Run</button></p><p id=\"outcome\" role=\"status\" aria-live=\"polite\"></p></form>");
        var examples = new JsonObject();
        foreach (var (name, examplePipeline, exampleCoordinates) in Examples)
        {
            examples[name] = new JsonObject { ["pipeline"] = examplePipeline, ["coordinates"] = exampleCoordinates };
        }
        sb.Append("<script>const examples = ").Append(examples.ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal)).Append(";\n").Append(NewRunScript).Append("</script>");
        return Page("New run", sb.ToString(), status);
    }

    private static readonly (string Name, string Pipeline, string Coordinates)[] Examples =
    [
        ("sine, smoothed", """
            {
              "sin": {"node": "algorithm.SinCoords"},
              "smooth": {"node": "algorithm.Convolution", "inputs": {"source": "sin"},
                         "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}}
            }
            """, """{"coords": [{"name": "lat", "start": 45, "stop": 35, "step": -0.25}, {"name": "lon", "start": -105, "stop": -90, "step": 0.25}]}"""),
        ("sine anomaly", """
            {
              "sin": {"node": "algorithm.SinCoords"},
              "mean": {"node": "algorithm.Convolution", "inputs": {"source": "sin"},
                       "attrs": {"kernel_type": "mean,5", "kernel_dims": ["lat", "lon"]}},
              "anomaly": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "mean"}, "attrs": {"eqn": "A - B"}}
            }
            """, """{"coords": [{"name": "lat", "start": 45, "stop": 35, "step": -0.25}, {"name": "lon", "start": -105, "stop": -90, "step": 0.25}]}"""),
    ];

    private const string NewRunScript = """
        const form = document.getElementById('new-run'), pick = document.getElementById('example');
        function load() {
          const e = examples[pick.value]; form.pipeline.value = e.pipeline.trim(); form.coordinates.value = e.coordinates;
          form.dataset.loaded = pick.value;
        }
        // ?example=NAME picks an example; &run=1 also runs it (a link that runs an example). A form the server sent
        // back with problems keeps what was typed.
        const asked = new URLSearchParams(location.search);
        if (asked.get('example') in examples) pick.value = asked.get('example');
        pick.addEventListener('change', load);
        if (!form.pipeline.value) load();
        form.addEventListener('submit', () => { document.getElementById('outcome').textContent = 'Running\u2026'; });
        if (asked.get('stay') === '1') { const k = document.createElement('input'); k.type = 'hidden'; k.name = 'stay'; k.value = '1'; form.appendChild(k); }
        if (asked.get('run') === '1') form.requestSubmit();
        """;

    private static PipelineRun? Find(IRunService service, string runId, out IResult? missing)
    {
        PipelineRun? run;
        try
        {
            run = service.FindRun(runId);
        }
        catch (Exception ex) when (ex is PipelineException or ArgumentException)
        {
            missing = Page("Not found", $"<p>'{Markup.Escape(runId)}' cannot be opened: {Markup.Escape(ex.Message)}</p>", StatusCodes.Status404NotFound);
            return null;
        }
        missing = run is null ? Page("Not found", $"<p>No run '{Markup.Escape(runId)}' on this server.</p>", StatusCodes.Status404NotFound) : null;
        return run;
    }

    private static string NodeHref(string runId, string nodeRef) =>
        $"/ui/runs/{Uri.EscapeDataString(runId)}/nodes/{Uri.EscapeDataString(nodeRef)}";

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(Markup.Escape(title)).Append(" \u2014 PodCache</title><style>").Append(Style).Append("</style></head><body>");
        sb.Append("<header><nav aria-label=\"PodCache\"><a class=\"brand\" href=\"/\">PodCache</a> <a href=\"/\">Runs</a> <a href=\"/ui/cache\">Cache</a> <a href=\"/ui/new\">New run</a></nav></header>");
        sb.Append("<main><h1>").Append(Markup.Escape(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return Results.Content(sb.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}
        header{background:#24323f;padding:.6em 1.2em}header a{color:#fff;margin-right:1.2em;text-decoration:none}
        header a.brand{font-weight:700}main{padding:0 1.2em 2em}
        table{border-collapse:collapse;margin:.5em 0}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}
        td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;color:#555;padding:.3em 0}
        .status{padding:.05em .4em;border-radius:3px}dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
        dl.facts dt{color:#555}figure.graph{margin:0;overflow-x:auto}figcaption{color:#555;font-size:.9em}
        pre{background:#f5f5f5;padding:.6em;overflow-x:auto}textarea{font-family:ui-monospace,monospace}
        """;
}
