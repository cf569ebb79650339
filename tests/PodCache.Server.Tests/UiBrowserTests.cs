using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

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

        var cacheUrl = new Uri(root, "ui/cache");
        string cache = await DomAsync(cacheUrl);
        Assert.Contains("<table class=\"podcache-stats\">", cache);
        Assert.Matches("<td>ram</td>", cache);

        await ScreenshotAsync(root, "runs");
        await ScreenshotAsync(runUrl, "run");
        await ScreenshotAsync(nodeUrl, "node");
        await ScreenshotAsync(cacheUrl, "cache");
    }

    [Fact]
    public async Task NewRunPage_InChromium_RunsAnExample_AndOpensItsRun()
    {
        await using var app = await PodCacheApp.StartAsync();
        var root = app.Client.BaseAddress!;

        string form = await DomAsync(new Uri(root, "ui/new"));
        Assert.Contains("data-loaded=\"sine, smoothed\"", form);
        Assert.Contains("<label for=\"pipeline\">", form);
        await ScreenshotAsync(new Uri(root, "ui/new"), "new-run");

        // The page posts the example's form from the browser and follows the answer to the run's page.
        string after = await DomAsync(new Uri(root, "ui/new?example=" + Uri.EscapeDataString("sine anomaly") + "&run=1"));

        var id = Regex.Match(after, "<h1>Run ([0-9TZ-]+[0-9a-f]+)</h1>");
        Assert.True(id.Success, "the browser did not arrive at a run page:\n" + after[..Math.Min(after.Length, 2000)]);
        Assert.Contains("<tr data-node=\"anomaly\" data-status=\"computed\">", after);
        Assert.NotNull(app.Service.FindRun(id.Groups[1].Value));
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
