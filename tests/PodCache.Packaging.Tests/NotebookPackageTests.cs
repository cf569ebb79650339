using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Packaging.Tests;

/// <summary>
/// A real .NET Interactive kernel (the <c>dotnet-interactive</c> tool over stdio, as Polyglot Notebooks and Jupyter
/// run it) references PodCache.Notebooks from the feed with <c>#i</c>/<c>#r "nuget:..."</c>: the kernel extension
/// loads by itself, with no <c>Load()</c> call, and a pipeline run displays as its graph. This is what found that a
/// package built against Microsoft.Extensions.Logging.Abstractions 11 cannot load in the kernel's net10 host.
/// </summary>
[Collection(FeedCollection.Name)]
public sealed class NotebookPackageTests(PackageFeed feed)
{
    private const string KernelToolVersion = "1.0.712001";

    [Fact]
    public async Task NugetReference_LoadsTheExtension_AndARunDisplaysAsItsGraph()
    {
        string tools = Path.Combine(feed.Root, "kernel");
        var install = PackageFeed.Run("dotnet", ["tool", "install", "Microsoft.dotnet-interactive", "--tool-path", tools, "--version", KernelToolVersion],
            feed.Root, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.Output);
        string example = Path.Combine(PackageFeed.RepoRoot, "examples", "pipelines", "sin-anomaly");
        await using var kernel = StdioKernel.Start(Path.Combine(tools, "dotnet-interactive"), feed.Root);

        var reference = await kernel.SubmitAsync($"#i \"nuget:{feed.Feed}\"\n#r \"nuget:PodCache.Notebooks,{feed.Version}\"", TimeSpan.FromMinutes(5));
        var run = await kernel.SubmitAsync(
            $"var pc = PodCache.Notebooks.PodCacheNotebook.Open({JsonSerializer.Serialize(Path.Combine(feed.Root, "notebook-cache"))});\n"
            + $"var run = await pc.RunAsync({JsonSerializer.Serialize(Path.Combine(example, "pipeline.json"))}, {JsonSerializer.Serialize(Path.Combine(example, "coords.json"))});\n"
            + "run", TimeSpan.FromMinutes(3));

        Assert.Equal("CommandSucceeded", reference[^1].Type);
        Assert.Contains(reference, e => e.Type == "KernelExtensionLoaded");
        Assert.True(run[^1].Type == "CommandSucceeded", string.Join("\n", run.Select(e => e.Type + " " + e.Body)));
        var html = run.Where(e => e.Type is "ReturnValueProduced" or "DisplayedValueProduced")
            .SelectMany(e => e.Body["formattedValues"]!.AsArray())
            .Where(v => v!["mimeType"]!.GetValue<string>() == "text/html")
            .Select(v => v!["value"]!.GetValue<string>()).ToList();
        Assert.Contains(html, h => h.Contains("<svg", StringComparison.Ordinal) && h.Contains("podcache-run", StringComparison.Ordinal));
    }

    /// <summary>dotnet-interactive's stdio protocol: one JSON command envelope per line in, event envelopes out.</summary>
    private sealed class StdioKernel : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Threading.Channels.Channel<JsonObject> _events = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
        private int _token;

        private StdioKernel(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line && line[0] == '{')
                {
                    try
                    {
                        if (JsonNode.Parse(line) is JsonObject o && o.ContainsKey("eventType")) _events.Writer.TryWrite(o);
                    }
                    catch (JsonException)
                    {
                    }
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static StdioKernel Start(string tool, string workingDirectory)
        {
            var psi = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "stdio", "--default-kernel", "csharp" }) psi.ArgumentList.Add(a);
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
            return new StdioKernel(Process.Start(psi)!);
        }

        public async Task<List<(string Type, JsonObject Body)>> SubmitAsync(string code, TimeSpan timeout)
        {
            string token = "podcache-" + Interlocked.Increment(ref _token);
            var envelope = new JsonObject
            {
                ["token"] = token,
                ["commandType"] = "SubmitCode",
                ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
            };
            await _process.StandardInput.WriteLineAsync(envelope.ToJsonString());
            await _process.StandardInput.FlushAsync();
            var seen = new List<(string, JsonObject)>();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    var e = await _events.Reader.ReadAsync(cts.Token);
                    string type = e["eventType"]!.GetValue<string>();
                    var body = e["event"] as JsonObject ?? new JsonObject();
                    if (type == "KernelReady") continue;
                    seen.Add((type, body));
                    if (type is "CommandSucceeded" or "CommandFailed" && e["command"]?["token"]?.GetValue<string>() == token)
                    {
                        return seen;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the kernel did not finish the cell within {timeout}; events: {string.Join(", ", seen.Select(s => s.Item1))}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
    }
}
