using Microsoft.DotNet.Interactive.Formatting;
using PodCache.Cache;
using PodCache.Cache.Tiers;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Notebooks.Tests;

/// <summary>The formatter registrations (global state: this is the one class that resets them).</summary>
public sealed class DisplaysTests : IDisposable
{
    public DisplaysTests() => PodCacheNotebook.Load();

    public void Dispose() => Formatter.ResetToDefault();

    private static DataArray Grid(int rows, int cols)
    {
        var lat = new ArrayCoordinates1D("lat", Enumerable.Range(0, rows).Select(i => 10.0 - i).ToArray());
        var lon = new ArrayCoordinates1D("lon", Enumerable.Range(0, cols).Select(i => (double)i).ToArray());
        return new DataArray(new Coordinates([lat, lon]), Enumerable.Range(0, rows * cols).Select(i => (double)i).ToArray());
    }

    [Fact]
    public void DataArray_TwoD_HtmlHasTheHeatmapAndSummaryAndPngIsPreferredToo()
    {
        var a = Grid(3, 4);

        string html = a.ToDisplayString(HtmlFormatter.MimeType);
        string png = a.ToDisplayString("image/png");

        Assert.Contains("<img src=\"data:image/png;base64,iVBORw0KGgo", html);
        Assert.Contains("class=\"podcache-summary\"", html);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(png)[..4]);
        Assert.Equal(["text/html", "image/png", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(DataArray)));
    }

    [Fact]
    public void DataArray_OneVaryingDim_HtmlIsALinePlot()
    {
        var a = Grid(1, 5);
        string html = a.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<img", html);
    }

    [Fact]
    public async Task PipelineRun_Html_IsTheGraph()
    {
        var pipeline = Pipeline.Parse(File.ReadAllText(Path.Combine(TestPaths.SinAnomaly, "pipeline.json")));
        var coords = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3, 4]}]}""");
        var run = await new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(pipeline, coords);

        string html = run.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Contains("<svg", html);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(html, "class=\"node\"").Count);
        Assert.Contains(run.RunId, run.ToDisplayString(PlainTextFormatter.MimeType));
    }

    [Fact]
    public void CacheStatistics_Html_IsATable()
    {
        var stats = new CacheStatistics([new TierStatistics("ram", 1, 100, 1000, 3, 1, 0, 0)], DateTimeOffset.UnixEpoch);
        string html = stats.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("<table class=\"podcache-stats\">", html);
        Assert.Contains("75.0%", html);
    }

    [Fact]
    public async Task Extension_OnLoad_RegistersTheSameDisplays()
    {
        Formatter.ResetToDefault();
        using var kernel = new Microsoft.DotNet.Interactive.CompositeKernel();
        await new PodCacheExtension().OnLoadAsync(kernel);
        Assert.Contains("<img", Grid(2, 2).ToDisplayString(HtmlFormatter.MimeType));
    }
}
