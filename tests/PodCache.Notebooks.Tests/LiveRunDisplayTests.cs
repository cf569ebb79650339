using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace PodCache.Notebooks.Tests;

/// <summary>
/// <c>RunLiveAsync</c> in a real C# kernel's cell: one display, shown when the run starts and updated in place as its
/// nodes finish, ending as the run's graph.
/// </summary>
public sealed class LiveRunDisplayTests
{
    [Fact]
    public async Task RunLiveAsync_InACell_OneDisplayUpdatedAsNodesFinish_EndingAsTheGraph()
    {
        using var dir = new TempDir();
        string dll = typeof(PodCacheNotebook).Assembly.Location;
        string cache = Path.Combine(dir.Path, "cache").Replace("\\", "\\\\");
        string pipeline = Path.Combine(TestPaths.SinAnomaly, "pipeline.json").Replace("\\", "\\\\");
        string coords = Path.Combine(dir.Path, "coords.json");
        File.WriteAllText(coords, """{"coords": [{"name": "lat", "values": [1, 2, 3]}, {"name": "lon", "values": [3, 4]}]}""");
        using var kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers().UseValueSharing() };
        kernel.DefaultKernelName = "csharp";
        string code = $$"""
            #r "{{dll}}"
            using PodCache.Notebooks;
            PodCacheNotebook.Load();
            var session = PodCacheNotebook.Open("{{cache}}");
            var run = await session.RunLiveAsync("{{pipeline}}", "{{coords.Replace("\\", "\\\\")}}");
            session.Dispose();
            run.ComputedCount
            """;

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var result = await kernel.SendAsync(new SubmitCode(code, "csharp"), cts.Token);

        var failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
        Assert.True(failed is null, failed?.Message);
        var produced = Assert.Single(result.Events.OfType<DisplayedValueProduced>());
        var updates = result.Events.OfType<DisplayedValueUpdated>().ToList();
        Assert.All(updates, u => Assert.Equal(produced.ValueId, u.ValueId));
        string Html(DisplayEvent e) => e.FormattedValues.Single(v => v.MimeType == "text/html").Value;
        Assert.Contains("running", Html(produced));
        Assert.Contains("0 nodes finished", Html(produced));
        // While it ran: a table of finished nodes; at the end: the run's graph.
        Assert.Contains(updates, u => Html(u).Contains("data-node=", StringComparison.Ordinal) && !Html(u).Contains("<svg", StringComparison.Ordinal));
        Assert.Contains("<svg", Html(updates[^1]));
        Assert.Contains("data-status=\"computed\"", Html(updates[^1]));
        var value = result.Events.OfType<ReturnValueProduced>().Single();
        Assert.Equal(4, value.Value);
    }
}
