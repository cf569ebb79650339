using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PodCache.Server.Tests;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket on loopback): open a page, evaluate script in it,
/// wait for a condition. For pages that keep a connection open (server-sent events), where <c>--dump-dom</c> with a
/// virtual time budget never settles. Every wait is bounded; disposing kills the browser.
/// </summary>
internal sealed partial class DevToolsBrowser : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private int _nextId;
    private string? _session;

    private DevToolsBrowser(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex ListeningLine();

    public static async Task<DevToolsBrowser> StartAsync(string chromium, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("podcache-devtools-");
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
            "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", "about:blank" })
        {
            start.ArgumentList.Add(a);
        }
        var browser = new DevToolsBrowser(Process.Start(start)!, profile);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            string? endpoint = null;
            while (endpoint is null)
            {
                string line = await browser._process.StandardError.ReadLineAsync(cts.Token)
                    ?? throw new InvalidOperationException("chromium exited before it listened for DevTools");
                if (ListeningLine().Match(line) is { Success: true } m) endpoint = m.Groups[1].Value;
            }
            _ = DrainAsync(browser._process.StandardError);
            await browser._socket.ConnectAsync(new Uri(endpoint), cts.Token);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null) { }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Opens <paramref name="url"/> in a new tab and attaches to it; later calls act on that tab.</summary>
    public async Task OpenAsync(Uri url, TimeSpan timeout)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = url.AbsoluteUri }, null, timeout);
        var attached = await SendAsync("Target.attachToTarget",
            new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, null, timeout);
        _session = attached["sessionId"]!.GetValue<string>();
    }

    /// <summary>The value of <paramref name="expression"/> in the page, as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, TimeSpan timeout)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true },
            _session, timeout);
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Evaluates <paramref name="condition"/> every 100 ms until it is true; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForAsync(string condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await EvaluateAsync($"!!({condition})", TimeSpan.FromSeconds(10)) is JsonValue v && v.GetValue<bool>()) return true;
            }
            catch (InvalidOperationException)
            {
                // The page is between documents (a navigation): ask again.
            }
            await Task.Delay(100);
        }
        return false;
    }

    public Task<string> HtmlAsync(TimeSpan timeout) =>
        EvaluateAsync("document.documentElement.outerHTML", timeout).ContinueWith(t => t.Result?.GetValue<string>() ?? "", TaskScheduler.Default);

    public async Task ScreenshotAsync(string file, TimeSpan timeout)
    {
        await SendAsync("Emulation.setDeviceMetricsOverride",
            new JsonObject { ["width"] = 1200, ["height"] = 1000, ["deviceScaleFactor"] = 1, ["mobile"] = false }, _session, timeout);
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, _session, timeout);
        await File.WriteAllBytesAsync(file, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, string? session, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null) message["sessionId"] = session;
        await _send.WaitAsync(cts.Token);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
            // One caller at a time, so the next answer with this id is ours; events in between are skipped.
            while (true)
            {
                var reply = await ReceiveAsync(cts.Token);
                if (reply["id"]?.GetValue<int>() != id) continue;
                if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
                return reply["result"]!.AsObject();
            }
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task<JsonObject> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (r.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection");
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return JsonNode.Parse(ms.ToArray())!.AsObject();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { }
    }
}
