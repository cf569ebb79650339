using System.Xml.Linq;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Rendering;

namespace PodCache.Runtime.Tests.Rendering;

public class RunGraphRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static Pipeline SinAnomaly() =>
        Pipeline.Parse(File.ReadAllText(Path.Combine(TestPaths.Examples, "pipelines", "sin-anomaly", "pipeline.json")));

    private static Coordinates SmallGrid() => Coordinates.Parse("""
        {"coords": [{"name": "lat", "start": 10, "stop": -10, "step": -5}, {"name": "lon", "start": 0, "stop": 20, "step": 5}]}
        """);

    private static List<XElement> Nodes(XDocument svg) =>
        svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "node").ToList();

    [Fact]
    public async Task RenderSvg_FirstRun_OneComputedBoxPerNodeAndAnArrowPerInput()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        var run = await runner.RunAsync(SinAnomaly(), SmallGrid());

        var svg = XDocument.Parse(RunGraphRenderer.RenderSvg(run));

        var nodes = Nodes(svg);
        Assert.Equal(run.Nodes.Count, nodes.Count);
        Assert.Equal(run.Nodes.Keys.Order(), nodes.Select(n => (string)n.Attribute("data-ref")!).Order());
        foreach (var n in nodes)
        {
            Assert.Equal("computed", (string?)n.Attribute("data-status"));
            Assert.Equal(RunGraphRenderer.StatusFill(CacheStatus.Computed), (string?)n.Element(Svg + "rect")!.Attribute("fill"));
        }
        var edges = svg.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "edge").ToList();
        Assert.Equal(3, edges.Count);
        Assert.All(edges, e => Assert.Equal("out", (string?)e.Attribute("data-to")));
        var labels = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "edge-label").Select(t => t.Value);
        Assert.Equal(["L", "N", "S"], labels.Order());
        // The output is right of every input.
        double X(string r) => double.Parse((string)nodes.Single(n => (string?)n.Attribute("data-ref") == r).Element(Svg + "rect")!.Attribute("x")!,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(new[] { "sin", "index", "lat" }, r => Assert.True(X(r) < X("out")));
    }

    [Fact]
    public async Task RenderSvg_SecondRun_ShowsTheHitAndPrunedColoursAndALegend()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        await runner.RunAsync(SinAnomaly(), SmallGrid());
        var run = await runner.RunAsync(SinAnomaly(), SmallGrid());

        var svg = XDocument.Parse(RunGraphRenderer.RenderSvg(run));

        var fills = Nodes(svg).ToDictionary(n => (string)n.Attribute("data-ref")!, n => (string)n.Element(Svg + "rect")!.Attribute("fill")!);
        Assert.Equal(RunGraphRenderer.StatusFill(CacheStatus.Hit(TierNames.Ram)), fills["out"]);
        Assert.Equal(RunGraphRenderer.StatusFill(CacheStatus.Pruned), fills["sin"]);
        Assert.Equal(RunGraphRenderer.Statuses.Select(RunGraphRenderer.StatusFill).Distinct().Count(), RunGraphRenderer.Statuses.Count);
        var swatches = svg.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "swatch").ToList();
        Assert.Equal(RunGraphRenderer.Statuses.Select(s => s.ToString()), swatches.Select(s => (string)s.Attribute("data-status")!));
    }

    [Fact]
    public async Task RenderSvg_RefsNeedingEscapes_StayWellFormed()
    {
        var pipeline = Pipeline.Parse("""
            {"a<b&\"c'": {"node": "algorithm.Arange"},
             "x>y": {"node": "algorithm.Arithmetic", "inputs": {"A": "a<b&\"c'"}, "attrs": {"eqn": "A * 2"}}}
            """);
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, SmallGrid());

        var text = RunGraphRenderer.RenderSvg(run);
        var svg = XDocument.Parse(text);

        Assert.Contains(Nodes(svg), n => (string?)n.Attribute("data-ref") == "a<b&\"c'");
        XDocument.Parse("<div>" + RunGraphRenderer.Html(run) + "</div>");
    }

    [Fact]
    public async Task RenderSvg_EdgeSkippingAColumn_GoesAroundTheBoxesBetween()
    {
        var pipeline = Pipeline.Parse("""
            {"a": {"node": "algorithm.Arange"},
             "b": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A + 1"}},
             "c": {"node": "algorithm.Arithmetic", "inputs": {"A": "a", "B": "b"}, "attrs": {"eqn": "A - B"}}}
            """);
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 26)).RunAsync(pipeline, SmallGrid());
        var svg = XDocument.Parse(RunGraphRenderer.RenderSvg(run));

        var b = Nodes(svg).Single(n => (string?)n.Attribute("data-ref") == "b").Element(Svg + "rect")!;
        double top = double.Parse((string)b.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture);
        double bottom = top + double.Parse((string)b.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture);
        var skip = svg.Descendants(Svg + "path").Single(p => (string?)p.Attribute("data-from") == "a" && (string?)p.Attribute("data-to") == "c");
        // The straight part of the detour ("L x y") runs outside b's vertical extent.
        var d = skip.Attribute("d")!.Value;
        var lane = double.Parse(d[(d.IndexOf('L') + 1)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lane < top || lane > bottom, $"lane {lane} crosses b ({top}..{bottom})");
    }
}
