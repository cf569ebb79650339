using System.Xml.Linq;
using PodCache.Runtime.Rendering;

namespace PodCache.Runtime.Tests.Rendering;

public class HeatmapRendererTests
{
    private static readonly double[] LatsDown = [3, 2, 1];
    private static readonly double[] LonsEast = [10, 20, 30, 40];

    // value = lat * 100 + lon: the largest values are north-east.
    private static DataArray Grid(double[] lats, double[] lons, bool lonFirst, Func<double, double, double>? f = null)
    {
        f ??= (la, lo) => la * 100 + lo;
        var lat = new ArrayCoordinates1D("lat", lats);
        var lon = new ArrayCoordinates1D("lon", lons);
        var coords = lonFirst ? new Coordinates([lon, lat]) : new Coordinates([lat, lon]);
        var v = new double[lats.Length * lons.Length];
        int k = 0;
        if (lonFirst)
        {
            foreach (var lo in lons) foreach (var la in lats) v[k++] = f(la, lo);
        }
        else
        {
            foreach (var la in lats) foreach (var lo in lons) v[k++] = f(la, lo);
        }
        return new DataArray(coords, v);
    }

    private static int CellColor(PngDecoder png, HeatmapLayout layout, int row, int col) =>
        png.Rgb(layout.PlotX + col * layout.CellWidth + layout.CellWidth / 2, layout.PlotY + row * layout.CellHeight + layout.CellHeight / 2);

    [Fact]
    public void RenderPng_AnyAxisDirectionOrDimsOrder_DrawsTheSameNorthUpImage()
    {
        var reference = PngDecoder.Decode(HeatmapRenderer.RenderPng(Grid(LatsDown, LonsEast, lonFirst: false)));
        var variants = new[]
        {
            Grid([1, 2, 3], LonsEast, lonFirst: false),
            Grid(LatsDown, LonsEast, lonFirst: true),
            Grid(LatsDown, [40, 30, 20, 10], lonFirst: false),
            Grid([1, 2, 3], [40, 30, 20, 10], lonFirst: true),
        };
        foreach (var a in variants)
        {
            var d = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));
            Assert.Equal(reference.Width, d.Width);
            Assert.Equal(reference.Height, d.Height);
            Assert.True(reference.Pixels.AsSpan().SequenceEqual(d.Pixels), $"{a} renders differently");
        }
    }

    [Fact]
    public void RenderPng_LatAscending_PutsTheLargestLatitudeAtTheTopAndWestLeft()
    {
        var a = Grid([1, 2, 3], [40, 30, 20, 10], lonFirst: false);
        HeatmapRenderer.Render(a, new HeatmapOptions(), out var layout);
        var png = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));

        Assert.Equal([2, 1, 0], layout.RowIndices);
        Assert.Equal([3, 2, 1, 0], layout.ColumnIndices);
        // North-east (lat 3, lon 40) is the maximum: the top of the colour map, in the top-right cell.
        Assert.Equal(Viridis.Map(1), CellColor(png, layout, 0, 3));
        Assert.Equal(Viridis.Map(0), CellColor(png, layout, 2, 0));
    }

    [Fact]
    public void RenderPng_NaNCell_IsDrawnInTheNaNGreys()
    {
        var a = Grid(LatsDown, LonsEast, lonFirst: false, (la, lo) => la == 2 && lo == 30 ? double.NaN : la + lo);
        HeatmapRenderer.Render(a, new HeatmapOptions(), out var layout);
        var png = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));

        int x0 = layout.PlotX + 2 * layout.CellWidth, y0 = layout.PlotY + 1 * layout.CellHeight;
        var colors = new HashSet<int>();
        for (int y = y0; y < y0 + layout.CellHeight; y++)
        {
            for (int x = x0; x < x0 + layout.CellWidth; x++) colors.Add(png.Rgb(x, y));
        }
        Assert.Subset(HeatmapRenderer.NaNColors.ToHashSet(), colors);
        // No finite cell uses a NaN grey.
        Assert.DoesNotContain(CellColor(png, layout, 0, 0), HeatmapRenderer.NaNColors);
    }

    [Fact]
    public void RenderPng_Infinities_AreClampedToTheEndsOfTheColourMap()
    {
        var a = Grid(LatsDown, LonsEast, lonFirst: false,
            (la, lo) => lo == 10 ? double.PositiveInfinity : lo == 20 ? double.NegativeInfinity : la * lo);
        HeatmapRenderer.Render(a, new HeatmapOptions(), out var layout);
        var png = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));

        Assert.Equal(Viridis.Map(1), CellColor(png, layout, 1, 0));
        Assert.Equal(Viridis.Map(0), CellColor(png, layout, 1, 1));
        Assert.Equal(30 * 1, layout.Min);
        Assert.Equal(40 * 3, layout.Max);
    }

    [Fact]
    public void RenderPng_ColourBar_RunsFromMaxAtTheTopToMinAtTheBottom()
    {
        var a = Grid(LatsDown, LonsEast, lonFirst: false);
        HeatmapRenderer.Render(a, new HeatmapOptions(), out var layout);
        var png = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));

        int x = layout.BarX + layout.BarWidth / 2;
        Assert.Equal(Viridis.Map(1), png.Rgb(x, layout.PlotY));
        Assert.Equal(Viridis.Map(0), png.Rgb(x, layout.PlotY + layout.BarHeight - 1));
        // Its labels (dark ink) sit right of the bar.
        bool ink = false;
        for (int y = layout.PlotY; y < layout.PlotY + 20 && !ink; y++)
        {
            for (int xx = layout.BarX + layout.BarWidth + 2; xx < png.Width && !ink; xx++) ink = png.Rgb(xx, y) == 0x222222;
        }
        Assert.True(ink, "no max label beside the colour bar");
    }

    [Fact]
    public void RenderPng_SmallGrid_IsUpscaledAndLargeGridDownsampled()
    {
        HeatmapRenderer.Render(Grid(LatsDown, LonsEast, lonFirst: false), new HeatmapOptions(), out var small);
        Assert.True(small.CellWidth >= 100 && small.CellWidth == small.CellHeight);

        var lat = UniformCoordinates1D.FromSize("lat", 89.9, -89.9, 1500);
        var lon = UniformCoordinates1D.FromSize("lon", -179.9, 179.9, 3000);
        var big = new DataArray(new Coordinates([lat, lon]), new double[1500 * 3000]);
        var options = new HeatmapOptions { MaxSize = 600 };
        HeatmapRenderer.Render(big, options, out var layout);
        Assert.True(layout.PlotWidth <= 600 && layout.PlotHeight <= 600);
        Assert.Equal(1, layout.CellWidth);
        Assert.Equal(0, layout.ColumnIndices[0]);
        Assert.Equal(5, layout.ColumnIndices[1]);
        Assert.True(PngDecoder.Decode(HeatmapRenderer.RenderPng(big, options)).Width < 900);
    }

    [Fact]
    public void RenderPng_OtherShapes_RenderWithoutThrowing()
    {
        var time = new ArrayCoordinates1D("time", [0, 24], TimeUnit.Hour);
        var lat = new ArrayCoordinates1D("lat", [1, 2]);
        var alt = new ArrayCoordinates1D("alt", [5, 6, 7]);
        var cube = new DataArray(new Coordinates([time, lat, alt]), Enumerable.Range(0, 12).Select(i => (double)i).ToArray());
        HeatmapRenderer.Render(cube, new HeatmapOptions(), out var layout);
        Assert.Equal(2, layout.RowIndices.Length);
        Assert.Equal(3, layout.ColumnIndices.Length);

        foreach (var a in new[]
        {
            new DataArray(new Coordinates([lat]), [1.0, double.NaN]),
            new DataArray(Coordinates.Empty, [4.0]),
            new DataArray(new Coordinates([lat, new ArrayCoordinates1D("lon", [])]), []),
            DataArray.Filled(new Coordinates([lat, alt]), double.NaN),
            DataArray.Filled(new Coordinates([lat, alt]), 2.5),
        })
        {
            var png = PngDecoder.Decode(HeatmapRenderer.RenderPng(a));
            Assert.True(png.Width > 0 && png.Height > 0);
        }
    }

    [Fact]
    public void Summary_ReportsStatisticsAndCoordinates()
    {
        var a = Grid(LatsDown, LonsEast, lonFirst: false, (la, lo) => la == 1 ? double.NaN : la + lo);
        var html = HeatmapRenderer.Summary(a);

        var doc = XDocument.Parse(html);
        var rows = doc.Descendants("tr").ToDictionary(r => r.Element("th")!.Value, r => r.Element("td")!.Value);
        Assert.Equal("lat, lon", rows["dims"]);
        Assert.StartsWith("[3, 4]", rows["shape"]);
        Assert.Equal("12", rows["min"]);
        Assert.Equal("43", rows["max"]);
        Assert.StartsWith("4 ", rows["NaN"]);
        Assert.StartsWith("3 \u2026 1 (3 points", rows["lat"]);
    }

    [Fact]
    public void Summary_EscapesAttrs()
    {
        var a = new DataArray(new Coordinates([new ArrayCoordinates1D("lat", [1])]), [1.0], new Dictionary<string, string> { ["units"] = "<m & s>" });
        var html = HeatmapRenderer.Summary(a);
        Assert.Contains("&lt;m &amp; s&gt;", html);
        XDocument.Parse(html);
    }

    [Fact]
    public void RenderSvgLine_NaNGap_BreaksTheLineAndIsolatedPointsAreDots()
    {
        var x = new ArrayCoordinates1D("lon", [0, 1, 2, 3, 4, 5, 6, 7]);
        var a = new DataArray(new Coordinates([x]), [1, 2, double.NaN, 3, 4, double.NaN, 5, double.NaN],
            new Dictionary<string, string> { ["units"] = "K" });

        var svg = XDocument.Parse(HeatmapRenderer.RenderSvgLine(a, "a <title>"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var path = svg.Descendants(ns + "path").Single(p => (string?)p.Attribute("class") == "series");
        Assert.Equal(2, path.Attribute("d")!.Value.Count(c => c == 'M'));
        Assert.Single(svg.Descendants(ns + "circle"));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("a <title>", texts);
        Assert.Contains("lon", texts);
        Assert.Contains("value (K)", texts);
        Assert.True(texts.Count > 6, "expected tick labels");
    }

    [Fact]
    public void RenderSvgLine_ArrayWithOneVaryingDim_PlotsThatDim()
    {
        var lat = new ArrayCoordinates1D("lat", [5]);
        var lon = new ArrayCoordinates1D("lon", [1, 2, 3]);
        var svg = HeatmapRenderer.RenderSvgLine(new DataArray(new Coordinates([lat, lon]), [1, 2, 3]));
        XDocument.Parse(svg);

        var grid = Grid(LatsDown, LonsEast, lonFirst: false);
        Assert.Throws<ArgumentException>(() => HeatmapRenderer.RenderSvgLine(grid));
    }

    [Fact]
    public void Html_PicksAPictureByShape()
    {
        Assert.Contains("<img src=\"data:image/png;base64,", HeatmapRenderer.Html(Grid(LatsDown, LonsEast, lonFirst: false)));
        var line = new DataArray(new Coordinates([new ArrayCoordinates1D("lat", [1, 2])]), [1.0, 2.0]);
        Assert.Contains("<svg", HeatmapRenderer.Html(line));
    }
}
