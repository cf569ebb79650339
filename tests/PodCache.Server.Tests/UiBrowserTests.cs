using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace PodCache.Server.Tests;

/// <summary>
/// The web UI in a real browser: headless Chromium (Debian's <c>chromium</c>, which scripts/test.sh installs) loads each
/// page from a running server and the test reads the DOM after the page's script ran; every page is also saved as a
/// screenshot under <c>TestResults/screenshots/</c>.
/// </summary>
public sealed class UiBrowserTests
{
    private const string Body = """
        {"pipeline": {"sin": {"node": "algorithm.SinCoords"},
                      "mean": {"node": "algorithm.Convolution", "attrs": {"kernel_dims": ["lat", "lon"], "kernel_type": "mean,3"},
                               "inputs": {"source": "sin"}},
                      "anomaly": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "mean"}, "attrs": {"eqn": "A - B"}}},
         "coordinates": {"coords": [{"name": "lat", "start": 45, "stop": 40, "step": -0.25},
                                    {"name": "lon", "start": -100, "stop": -95, "step": 0.25}]}}
        """;

    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);

    private static string Chromium()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string path = Path.Combine(dir, "chromium");
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException("chromium is not installed (apt-get install chromium; scripts/test.sh installs it)");
    }

    private static string ScreenshotDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PodCache.sln"))) dir = dir.Parent;
        string root = dir?.FullName ?? Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(root, "TestResults", "screenshots")).FullName;
    }

    /// <summary>Runs headless Chromium with <paramref name="args"/> and <paramref name="url"/>; its stdout.</summary>
    private static async Task<string> BrowserAsync(Uri url, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("podcache-chromium-");
        var start = new ProcessStartInfo(Chromium())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", "--virtual-time-budget=10000", .. args, url.AbsoluteUri])
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(BrowserTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish {url} in {BrowserTimeout.TotalSeconds} s: {await stderr}");
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode} on {url}: {await stderr}");
        return await stdout;
    }

    private static Task<string> DomAsync(Uri url) => BrowserAsync(url, "--dump-dom");

    private static async Task ScreenshotAsync(Uri url, string name)
    {
        string file = Path.Combine(ScreenshotDir(), name + ".png");
        File.Delete(file);
        await BrowserAsync(url, $"--screenshot={file}", "--window-size=1200,1000");
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', $"{file} is not a PNG");
    }

    private static async Task<JsonObject> PostRunAsync(PodCacheApp app)
    {
        using var response = await app.Client.PostAsync("v1/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Pages_InChromium_ShowTheRunsTheGraphTheValueAndTheCache()
    {
        await using var app = await PodCacheApp.StartAsync();
        var cold = await PostRunAsync(app);
        var warm = await PostRunAsync(app);
        string coldId = cold["runId"]!.GetValue<string>(), warmId = warm["runId"]!.GetValue<string>();
        var root = app.Client.BaseAddress!;

        string runs = await DomAsync(root);
        Assert.Contains($"data-run-id=\"{coldId}\"", runs);
        Assert.Contains($"data-run-id=\"{warmId}\"", runs);
        Assert.True(runs.IndexOf(warmId, StringComparison.Ordinal) < runs.IndexOf(coldId, StringComparison.Ordinal), "runs are not newest first");
        string cachedOnly = await DomAsync(new Uri(root, "?status=cached"));
        Assert.Contains($"data-run-id=\"{warmId}\"", cachedOnly);
        Assert.DoesNotContain($"data-run-id=\"{coldId}\"", cachedOnly);

        var runUrl = new Uri(root, $"ui/runs/{coldId}");
        string run = await DomAsync(runUrl);
        foreach (var (nodeRef, info) in cold["nodes"]!.AsObject())
        {
            string status = info!["status"]!.GetValue<string>();
            Assert.Contains($"<tr data-node=\"{nodeRef}\" data-status=\"{status}\">", run);
            Assert.Matches($"<g class=\"node\" data-ref=\"{nodeRef}\" data-status=\"{status}\">", run);
        }
        Assert.Contains("<svg role=\"img\" aria-label=", run);
        string warmRun = await DomAsync(new Uri(root, $"ui/runs/{warmId}"));
        Assert.Contains("<tr data-node=\"anomaly\" data-status=\"hit:ram\">", warmRun);
        Assert.Contains("<tr data-node=\"sin\" data-status=\"pruned\">", warmRun);

        var nodeUrl = new Uri(root, $"ui/runs/{coldId}/nodes/anomaly");
        string node = await DomAsync(nodeUrl);
        var img = Regex.Match(node, "<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"([^\"]+)\"");
        Assert.True(img.Success, "the node page has no heatmap with alt text");
        Assert.Equal(0x89, Convert.FromBase64String(img.Groups[1].Value)[0]);
        Assert.Contains("<pre class=\"provenance\">", node);
        Assert.Contains("algorithm.Arithmetic", node);
        Assert.Contains("?format=geotiff", node);

        // A second sample of the tiers' eviction counters (the first was taken at start) gives one interval to draw.
        app.Services.GetRequiredService<PodCache.Server.Ui.EvictionHistory>().Sample();
        var cacheUrl = new Uri(root, "ui/cache");
        string cache = await DomAsync(cacheUrl);
        Assert.Contains("<table class=\"podcache-stats\">", cache);
        Assert.Matches("<td>ram</td>", cache);
        Assert.Contains("<figure class=\"evictions\" data-tier=\"ram\">", cache);
        Assert.Contains("<table class=\"entries\" id=\"largest\">", cache);
        Assert.Contains("<table class=\"entries\" id=\"costliest\">", cache);
        foreach (var (_, info) in cold["nodes"]!.AsObject())
        {
            Assert.Contains($"data-key=\"{info!["resultKey"]!.GetValue<string>()}\"", cache);
        }

        await ScreenshotAsync(root, "runs");
        await ScreenshotAsync(runUrl, "run");
        await ScreenshotAsync(nodeUrl, "node");
        await ScreenshotAsync(cacheUrl, "cache");
    }

    [Fact]
    public async Task NewRunPage_InChromium_PostsAnExample_ShowsItsNodesLive_ThenOpensItsRun()
    {
        await using var app = await PodCacheApp.StartAsync();
        var root = app.Client.BaseAddress!;
        string form = await DomAsync(new Uri(root, "ui/new"));
        Assert.Contains("data-loaded=\"sine, smoothed\"", form);
        Assert.Contains("<label for=\"pipeline\">", form);
        await ScreenshotAsync(new Uri(root, "ui/new"), "new-run");

        await using var browser = await DevToolsBrowser.StartAsync(Chromium(), BrowserTimeout);
        // The page posts the example's form; the live page follows the run's nodes by server-sent events (stay=1:
        // it keeps the page when the run is done, with a link, instead of opening the run at once).
        await browser.OpenAsync(new Uri(root, "ui/new?example=" + Uri.EscapeDataString("sine anomaly") + "&run=1&stay=1"), BrowserTimeout);
        Assert.True(await browser.WaitForAsync("document.getElementById('progress')?.dataset.runId", BrowserTimeout),
            "the live page did not report the run finished:\n" + await browser.HtmlAsync(BrowserTimeout));

        var path = (await browser.EvaluateAsync("location.pathname", BrowserTimeout))!.GetValue<string>();
        Assert.StartsWith("/ui/live/", path);
        var rows = (await browser.EvaluateAsync(
            "[...document.querySelectorAll('#finished tr')].map(r => r.dataset.node + '=' + r.dataset.status).sort().join(',')", BrowserTimeout))!.GetValue<string>();
        // sin twice: once for anomaly, once with the margin mean's 3x3 kernel reads.
        Assert.Equal("anomaly=computed,mean=computed,sin=computed,sin=computed", rows);
        string runId = (await browser.EvaluateAsync("document.getElementById('progress').dataset.runId", BrowserTimeout))!.GetValue<string>();
        Assert.NotNull(app.Service.FindRun(runId));
        await browser.ScreenshotAsync(Path.Combine(ScreenshotDir(), "live.png"), BrowserTimeout);

        await browser.EvaluateAsync("document.getElementById('open-run').click()", BrowserTimeout);
        Assert.True(await browser.WaitForAsync($"document.querySelector('h1')?.textContent === 'Run {runId}'", BrowserTimeout),
            "the link did not open the run's page");
        Assert.True(await browser.WaitForAsync("document.querySelector('tr[data-node=\"anomaly\"][data-status=\"computed\"]')", BrowserTimeout));
    }

    [Fact]
    public async Task LiveEvents_OverHttp_EveryNodeThenDone_AndResumeFromLastEventId()
    {
        await using var app = await PodCacheApp.StartAsync();
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Client.BaseAddress };
        var fields = new Dictionary<string, string>
        {
            ["pipeline"] = JsonNode.Parse(Body)!["pipeline"]!.ToJsonString(),
            ["coordinates"] = JsonNode.Parse(Body)!["coordinates"]!.ToJsonString(),
        };

        using var posted = await noRedirects.PostAsync("ui/new", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        string live = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/ui/live/", live);

        string stream = await app.Client.GetStringAsync(live.TrimStart('/') + "/events");
        var events = Regex.Matches(stream, "^data: (.+)$", RegexOptions.Multiline).Select(m => JsonNode.Parse(m.Groups[1].Value)!).ToList();
        var nodes = events.Where(e => (string?)e["type"] == "node").ToList();
        Assert.Equal(["anomaly", "mean", "sin", "sin"], nodes.Select(e => (string)e["ref"]!).Order());
        // The two evaluations of sin: at the request (21 x 21), and larger, with the margin mean's kernel reads.
        var sinRequests = nodes.Where(e => (string?)e["ref"] == "sin").Select(e => (string)e["request"]!).ToList();
        Assert.Contains("lat 21 \u00D7 lon 21", sinRequests);
        Assert.Equal(2, sinRequests.Distinct().Count());
        Assert.All(events.Where(e => (string?)e["type"] == "node"), e => Assert.Equal("computed", (string?)e["status"]));
        var done = events[^1];
        Assert.Equal("done", (string?)done["type"]);
        var run = app.Service.FindRun((string)done["runId"]!);
        Assert.NotNull(run);
        Assert.Equal(3, run!.ComputedCount);

        using var resume = new HttpRequestMessage(HttpMethod.Get, live.TrimStart('/') + "/events");
        resume.Headers.Add("Last-Event-ID", "3");
        using var resumed = await app.Client.SendAsync(resume);
        string rest = await resumed.Content.ReadAsStringAsync();
        Assert.Equal("text/event-stream", resumed.Content.Headers.ContentType?.MediaType);
        Assert.Single(Regex.Matches(rest, "^data: ", RegexOptions.Multiline));
        Assert.Contains("\"type\":\"done\"", rest);
    }

    [Fact]
    public async Task NewRunForm_Problems_ShownWithWhatWasTyped_AndAnotherSitesPostRefused()
    {
        await using var app = await PodCacheApp.StartAsync();
        var fields = new Dictionary<string, string>
        {
            ["pipeline"] = """{"out": {"node": "algorithm.Arithmetic", "attrs": {"eqn": "A +"}}}""",
            ["coordinates"] = """{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 1}]}""",
        };

        using var bad = await app.Client.PostAsync("ui/new", new FormUrlEncodedContent(fields));
        string page = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<div role=\"alert\"", page);
        Assert.Contains("pipeline.out.attrs.eqn", page);
        Assert.Contains("&quot;A +&quot;", page); // the pipeline as typed, back in its textarea

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "ui/new") { Content = new FormUrlEncodedContent(fields) };
        foreign.Headers.Add("Origin", "http://elsewhere.example");
        using var refused = await app.Client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(app.Service.ListRuns(10));
    }
}
