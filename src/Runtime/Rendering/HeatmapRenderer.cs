using System.Globalization;
using System.Text;

namespace PodCache.Runtime.Rendering;

/// <summary>
/// Pictures of arrays: a 2-D array as a PNG heatmap, a 1-D array as an SVG line plot, any array as an HTML summary.
/// Plain managed code, shared by the notebook extension and the HTTP server.
/// </summary>
/// <remarks>
/// Heatmaps are oriented as maps are: <c>lat</c> runs vertically with the largest latitude at the top (north up) and
/// <c>lon</c> horizontally with the smallest longitude at the left (west left), whatever the dims order and whichever
/// direction the axes run; other dims likewise grow upwards and rightwards. Colours follow a viridis-like map from the
/// smallest to the largest finite value; +∞ and −∞ are clamped to the ends of the map; NaN cells are a light grey
/// checkerboard (<see cref="NaNColors"/>), a neutral that no colour of the map comes near.
/// </remarks>
public static class HeatmapRenderer
{
    /// <summary>The two greys (0xRRGGBB) of the checkerboard that marks NaN cells.</summary>
    public static IReadOnlyList<int> NaNColors { get; } = [0xD9D9D9, 0xBDBDBD];

    private const int Background = 0xFFFFFF;
    private const int Ink = 0x222222;
    private const int FrameColor = 0x555555;
    private const int Pad = 8;
    private const int Tick = 4;
    private const int BarGap = 14;
    private const int MinPlotSide = 32;

    /// <summary>
    /// Renders <paramref name="array"/> as a PNG heatmap with a colour bar (min/max labels) and coordinate labels (first,
    /// middle and last values of each axis). A 2-D array is drawn whole; of an N-d array the lat x lon plane (or the
    /// first two varying dims) at index 0 of the other dims, noted under the title; a 1-D array as a one-row strip.
    /// </summary>
    /// <param name="array">The array.</param>
    /// <param name="options">Sizes, colour range and title; defaults when null.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] RenderPng(DataArray array, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        return Render(array, options ?? new HeatmapOptions(), out _).ToPng();
    }

    /// <summary>
    /// Renders <paramref name="array"/> as a PNG heatmap and returns it as a <c>data:image/png;base64,...</c> URI, for
    /// an HTML <c>img</c> element.
    /// </summary>
    public static string RenderPngDataUri(DataArray array, HeatmapOptions? options = null) =>
        "data:image/png;base64," + Convert.ToBase64String(RenderPng(array, options));

    internal static RgbCanvas Render(DataArray array, HeatmapOptions o, out HeatmapLayout layout)
    {
        var plane = ArrayPlane.Of(array);
        int s = o.TextScale;
        int lh = BitmapFont.LineHeight(s);

        // Downsample by striding so that neither side exceeds MaxSize cells, then upscale by an integer factor.
        int sy = Math.Max(1, (plane.Rows + o.MaxSize - 1) / o.MaxSize);
        int sx = Math.Max(1, (plane.Columns + o.MaxSize - 1) / o.MaxSize);
        var rows = plane.Rows == 0 ? [] : ArrayPlane.ScreenOrder(plane.YAxis, vertical: true, sy);
        var cols = plane.Columns == 0 ? [] : ArrayPlane.ScreenOrder(plane.XAxis, vertical: false, sx);
        int longest = Math.Max(1, Math.Max(rows.Length, cols.Length));
        int factor = Math.Max(1, Math.Min(o.TargetSize, o.MaxSize) / longest);
        int cellW = Math.Max(factor, Ceil(MinPlotSide, Math.Max(1, cols.Length)));
        int cellH = Math.Max(factor, Ceil(MinPlotSide, Math.Max(1, rows.Length)));
        cellW = Math.Min(cellW, Math.Max(1, o.MaxSize / Math.Max(1, cols.Length)));
        cellH = Math.Min(cellH, Math.Max(1, o.MaxSize / Math.Max(1, rows.Length)));
        int plotW = Math.Max(cellW * cols.Length, 1);
        int plotH = Math.Max(cellH * rows.Length, 1);

        // Colour range over every cell of the plane (not only the drawn ones), finite values only.
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        bool anyNaN = false;
        for (int y = 0; y < plane.Rows; y++)
        {
            for (int x = 0; x < plane.Columns; x++)
            {
                double v = plane[y, x];
                if (double.IsNaN(v)) anyNaN = true;
                else if (double.IsFinite(v))
                {
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
            }
        }
        if (lo > hi)
        {
            lo = 0;
            hi = 1;
        }
        lo = o.Min ?? lo;
        hi = o.Max ?? hi;

        // Labels.
        var yLabels = AxisLabels(plane.YAxis, rows, cellH, plotH, lh);
        var xLabels = AxisLabels(plane.XAxis, cols, cellW, plotW, BitmapFont.Measure("0000000", s));
        string yName = plane.YAxis?.Name ?? "";
        string xName = plane.XAxis?.Name ?? "";
        string maxText = Markup.Number(hi), minText = Markup.Number(lo), midText = Markup.Number(lo + (hi - lo) / 2);
        bool barMid = plotH >= 4 * lh;

        var titleLines = new List<string>();
        if (!string.IsNullOrEmpty(o.Title)) titleLines.Add(o.Title);
        titleLines.AddRange(plane.SliceNotes);

        int yLabelW = yLabels.Count == 0 ? 0 : yLabels.Max(l => BitmapFont.Measure(l.Text, s));
        int leftW = Math.Max(yLabelW + Tick + 4, BitmapFont.Measure(yName, s));
        int plotX = Pad + leftW;
        int plotY = Pad + titleLines.Count * (lh + 6) + (yName.Length > 0 ? lh + 6 : 0) + 1;
        int barX = plotX + plotW + 1 + BarGap;
        int barW = 16;
        int barLabelW = new[] { maxText, minText, midText, anyNaN ? "NaN" : "" }.Max(t => BitmapFont.Measure(t, s));
        int width = barX + barW + 6 + barLabelW + Pad;
        width = Math.Max(width, Pad * 2 + titleLines.Select(t => BitmapFont.Measure(t, s)).DefaultIfEmpty(0).Max());
        int height = plotY + plotH + 1 + Tick + 3 + (xLabels.Count > 0 ? lh + 6 : 0) + (xName.Length > 0 ? lh : 0) + Pad;
        // The NaN swatch goes under the colour bar's own column, inside the plot's height when there is room, so the
        // space under the plot stays free for the horizontal axis labels.
        bool swatchInside = anyNaN && plotH >= 5 * lh;
        int barH = swatchInside ? plotH - lh - 8 : plotH;
        if (anyNaN && !swatchInside) height = Math.Max(height, plotY + plotH + 6 + lh + Pad);

        var canvas = new RgbCanvas(width, height, Background);
        int ty = Pad;
        foreach (var t in titleLines)
        {
            canvas.DrawText(t, Pad, ty, Ink, s);
            ty += lh + 6;
        }

        // Cells.
        double span = hi - lo;
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < cols.Length; c++)
            {
                double v = plane[rows[r], cols[c]];
                int px = plotX + c * cellW, py = plotY + r * cellH;
                if (double.IsNaN(v))
                {
                    FillNaN(canvas, px, py, cellW, cellH);
                    continue;
                }
                double t = double.IsPositiveInfinity(v) ? 1 : double.IsNegativeInfinity(v) ? 0 : span > 0 ? (v - lo) / span : 0.5;
                canvas.FillRect(px, py, cellW, cellH, Viridis.Map(t));
            }
        }
        canvas.FrameAround(plotX, plotY, plotW, plotH, FrameColor);

        // Vertical axis: name above, labels right-aligned against the ticks.
        if (yName.Length > 0)
        {
            canvas.DrawText(yName, plotX - 1 - Tick - 4 - BitmapFont.Measure(yName, s), plotY - 6 - lh, Ink, s);
        }
        var taken = new List<(int From, int To)>();
        foreach (var (pos, text) in Prioritised(yLabels))
        {
            int cy = plotY + pos;
            int top = Math.Clamp(cy - lh / 2, plotY - 1, plotY + plotH + 1 - lh);
            if (!Claim(taken, top, top + lh, 3)) continue;
            canvas.FillRect(plotX - 1 - Tick, cy, Tick, 1, FrameColor);
            canvas.DrawText(text, plotX - 1 - Tick - 4 - BitmapFont.Measure(text, s), top, Ink, s);
        }

        // Horizontal axis: labels centred under the ticks (kept inside the plot's span), name centred below.
        int labelsY = plotY + plotH + 1 + Tick + 3;
        taken.Clear();
        foreach (var (pos, text) in Prioritised(xLabels))
        {
            int cx = plotX + pos;
            int w = BitmapFont.Measure(text, s);
            int left = Math.Clamp(cx - w / 2, Pad, Math.Max(Pad, plotX + plotW - w));
            // Labels that would overlap one already drawn are left out (first and last win over the middle).
            if (!Claim(taken, left, left + w, 2 * BitmapFont.Advance * s)) continue;
            canvas.FillRect(cx, plotY + plotH + 1, 1, Tick, FrameColor);
            canvas.DrawText(text, left, labelsY, Ink, s);
        }
        if (xName.Length > 0)
        {
            int w = BitmapFont.Measure(xName, s);
            canvas.DrawText(xName, plotX + (plotW - w) / 2, labelsY + (xLabels.Count > 0 ? lh + 6 : 0), Ink, s);
        }

        // Colour bar, top = max; labels at its ends (and middle when there is room); a NaN swatch below when needed.
        for (int j = 0; j < barH; j++)
        {
            double t = barH == 1 ? 1 : 1 - (double)j / (barH - 1);
            canvas.FillRect(barX, plotY + j, barW, 1, Viridis.Map(t));
        }
        canvas.FrameAround(barX, plotY, barW, barH, FrameColor);
        int labelX = barX + barW + 6;
        canvas.DrawText(maxText, labelX, plotY, Ink, s);
        canvas.DrawText(minText, labelX, plotY + barH - lh, Ink, s);
        if (barMid && barH >= 4 * lh) canvas.DrawText(midText, labelX, plotY + (barH - lh) / 2, Ink, s);
        if (anyNaN)
        {
            int ny = swatchInside ? plotY + plotH - lh : plotY + plotH + 6;
            FillNaN(canvas, barX, ny, barW, lh);
            canvas.FrameAround(barX, ny, barW, lh, FrameColor);
            canvas.DrawText("NaN", labelX, ny, Ink, s);
        }

        layout = new HeatmapLayout(width, height, plotX, plotY, cellW, cellH, rows, cols, barX, barW, barH, lo, hi);
        return canvas;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    /// <summary>First, last, then the rest: the order in which axis labels claim space.</summary>
    private static IEnumerable<(int Pos, string Text)> Prioritised(List<(int Pos, string Text)> labels) =>
        labels.Count <= 2 ? labels : [labels[0], labels[^1], .. labels.Skip(1).Take(labels.Count - 2)];

    private static bool Claim(List<(int From, int To)> taken, int from, int to, int gap)
    {
        if (taken.Any(t => from < t.To + gap && t.From < to + gap)) return false;
        taken.Add((from, to));
        return true;
    }

    private static void FillNaN(RgbCanvas canvas, int x, int y, int w, int h)
    {
        // A checkerboard in image space (4 px squares), so adjacent NaN cells read as one grey region.
        for (int yy = y; yy < y + h; yy++)
        {
            for (int xx = x; xx < x + w; xx++)
            {
                canvas.SetPixel(xx, yy, NaNColors[((xx >> 2) + (yy >> 2)) & 1]);
            }
        }
    }

    /// <summary>Labels for the first, middle and last drawn cells; the middle one only when there is room.</summary>
    private static List<(int Pos, string Text)> AxisLabels(Coordinates1D? axis, int[] order, int cell, int plotSpan, int room)
    {
        var labels = new List<(int, string)>();
        if (axis is null || order.Length == 0) return labels;
        var at = new List<int> { 0 };
        if (order.Length > 1) at.Add(order.Length - 1);
        if (order.Length > 2 && plotSpan >= 3 * room + 12) at.Insert(1, order.Length / 2);
        // Numbers get as many decimals as the spacing of the drawn cells needs (one more than its first significant
        // digit), so a strided or fine axis reads 39.758 or -0.06 rather than -0.0599733.
        double spacing = order.Length > 1 ? Math.Abs(axis[order[1]] - axis[order[0]]) : 0;
        int decimals = spacing > 0 && double.IsFinite(spacing) ? Math.Clamp((int)Math.Ceiling(-Math.Log10(spacing)) + 1, 0, 10) : -1;
        foreach (int k in at)
        {
            double v = axis[order[k]];
            string text = axis.IsTime || decimals < 0 || !double.IsFinite(v)
                ? Markup.Point(axis, v, 6)
                : Markup.Fixed(v, decimals);
            labels.Add((k * cell + cell / 2, text));
        }
        return labels;
    }

    /// <summary>
    /// Renders a 1-D array (or an array with exactly one dim longer than 1) as an SVG line plot: the coordinate on the
    /// horizontal axis, values on the vertical axis, with ticks and labels. NaN values break the line; ±∞ are clamped
    /// to the plot's edges; isolated points are drawn as dots.
    /// </summary>
    /// <param name="oneD">The array.</param>
    /// <param name="title">A title above the plot; none when null.</param>
    /// <returns>An <c>svg</c> element (standalone SVG document text without the XML declaration).</returns>
    /// <exception cref="ArgumentException">The array has more than one dim longer than 1, or no dims.</exception>
    public static string RenderSvgLine(DataArray oneD, string? title = null) => LinePlot.Render(oneD, title);

    /// <summary>
    /// An HTML fragment for <paramref name="array"/>: an array with one dim longer than 1 as an SVG line plot, one with
    /// two or more as a heatmap (a PNG in a <c>data:</c> URI), then the <see cref="Summary"/> table.
    /// </summary>
    public static string Html(DataArray array, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        var sb = new StringBuilder("<div class=\"podcache-array\">");
        int varying = array.Shape.Count(n => n > 1);
        if (varying == 1)
        {
            sb.Append(RenderSvgLine(array, options?.Title));
        }
        else if (varying >= 2)
        {
            sb.Append("<img src=\"").Append(RenderPngDataUri(array, options)).Append("\" alt=\"")
              .Append(Markup.Escape(array.ToString())).Append("\" style=\"image-rendering:pixelated;max-width:100%\"/>");
        }
        sb.Append(Summary(array)).Append("</div>");
        return sb.ToString();
    }

    /// <summary>
    /// An HTML table describing <paramref name="array"/>: dims and shape, finite min/max/mean, NaN and infinity counts,
    /// each coordinate's range and step, and attrs.
    /// </summary>
    public static string Summary(DataArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long finite = 0, nan = 0, posInf = 0, negInf = 0;
        foreach (var v in array.Values)
        {
            if (double.IsNaN(v)) nan++;
            else if (double.IsPositiveInfinity(v)) posInf++;
            else if (double.IsNegativeInfinity(v)) negInf++;
            else
            {
                finite++;
                sum += v;
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<table class=\"podcache-summary\">");
        void Row(string key, string valueHtml) =>
            sb.Append("<tr><th style=\"text-align:left\">").Append(Markup.Escape(key)).Append("</th><td style=\"text-align:left\">")
              .Append(valueHtml).Append("</td></tr>");
        Row("dims", array.Rank == 0 ? "(scalar)" : Markup.Escape(string.Join(", ", array.Dims)));
        Row("shape", Markup.Escape("[" + string.Join(", ", array.Shape) + "]") + " &#8212; " + array.Length.ToString("N0", inv) + " cells");
        Row("min", finite > 0 ? Markup.Number(min, 7) : "&#8212;");
        Row("max", finite > 0 ? Markup.Number(max, 7) : "&#8212;");
        Row("mean", finite > 0 ? Markup.Number(sum / finite, 7) : "&#8212;");
        Row("NaN", nan.ToString("N0", inv) + (array.Length > 0 ? string.Create(inv, $" ({100.0 * nan / array.Length:0.#}%)") : ""));
        if (posInf + negInf > 0) Row("\u00B1inf", string.Create(inv, $"+inf {posInf:N0}, -inf {negInf:N0}"));
        foreach (var axis in array.Coordinates.Axes)
        {
            string range = axis.Size == 0
                ? "(empty)"
                : Markup.Escape(Markup.Point(axis, axis[0], 10))
                  + (axis.Size > 1 ? " &#8230; " + Markup.Escape(Markup.Point(axis, axis[axis.Size - 1], 10)) : "");
            string step = axis is UniformCoordinates1D u && axis.Size > 1
                ? ", step " + Markup.Escape(axis.IsTime ? u.Step.ToString("R", inv) + " " + TimeUnits.Symbol(axis.Unit!.Value) : Markup.Number(u.Step, 7))
                : axis.Size > 1 ? ", explicit values" : "";
            Row(axis.Name, range + " (" + axis.Size.ToString(inv) + " points" + step + ")");
        }
        Row("crs", Markup.Escape(array.Coordinates.Crs));
        foreach (var (k, v) in array.Attrs)
        {
            Row(k, Markup.Escape(v));
        }
        sb.Append("</table>");
        return sb.ToString();
    }
}
