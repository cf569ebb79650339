using System.Globalization;
using System.Text;

namespace PodCache.Runtime.Rendering;

/// <summary>The SVG line plot behind <see cref="HeatmapRenderer.RenderSvgLine"/>.</summary>
internal static class LinePlot
{
    private const int Width = 640;
    private const int Height = 300;
    private const int Left = 70;
    private const int Right = 20;
    private const int Bottom = 48;
    private const string LineColor = "#2a788e";

    private static double[] TimeTicks(Coordinates1D axis, double plotW)
    {
        int n = axis.Size;
        int longest = Enumerable.Range(0, n).Max(i => Markup.Point(axis, axis[i]).Length);
        int count = Math.Clamp((int)(plotW / (longest * 6.4 + 24)), 2, 6);
        return Enumerable.Range(0, count).Select(k => axis[(int)Math.Round(k * (n - 1) / (double)(count - 1))]).Distinct().ToArray();
    }

    public static string Render(DataArray array, string? title)
    {
        ArgumentNullException.ThrowIfNull(array);
        var varying = Enumerable.Range(0, array.Rank).Where(d => array.Shape[d] > 1).ToArray();
        int dim = varying.Length switch
        {
            1 => varying[0],
            0 when array.Rank > 0 => 0,
            _ => throw new ArgumentException(
                $"a line plot needs one dim longer than 1; the array is {array}", nameof(array)),
        };
        var axis = array.Coordinates.Axes[dim];
        var values = array.Values;
        int n = axis.Size;
        int top = title is null ? 16 : 36;
        double plotW = Width - Left - Right, plotH = Height - top - Bottom;

        double xLo = axis.Min, xHi = axis.Max;
        if (!(xHi > xLo))
        {
            xLo = double.IsFinite(xLo) ? xLo - 0.5 : 0;
            xHi = xLo + 1;
        }
        double yLo = double.PositiveInfinity, yHi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            yLo = Math.Min(yLo, v);
            yHi = Math.Max(yHi, v);
        }
        if (yLo > yHi)
        {
            yLo = 0;
            yHi = 1;
        }
        else if (yHi == yLo)
        {
            double pad = yLo == 0 ? 1 : Math.Abs(yLo) * 0.1;
            yLo -= pad;
            yHi += pad;
        }
        else
        {
            double pad = (yHi - yLo) * 0.05;
            yLo -= pad;
            yHi += pad;
        }
        double X(double c) => Left + (c - xLo) / (xHi - xLo) * plotW;
        double Y(double v) => top + (1 - (Math.Clamp(v, yLo, yHi) - yLo) / (yHi - yLo)) * plotH;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>");
        if (title is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{Markup.Escape(title)}</text>");
        }

        // Grid, ticks and labels.
        sb.Append("<g class=\"axes\" stroke=\"#bbbbbb\" stroke-width=\"1\">");
        var yTicks = NiceTicks.Inside(yLo, yHi, 6);
        // Time axes are ticked at points of the axis itself (evenly spaced by index), so labels are real timestamps
        // rather than round numbers of some unit.
        var xTicks = axis.IsTime
            ? TimeTicks(axis, plotW)
            : NiceTicks.Inside(xLo, xHi, 7);
        foreach (var t in yTicks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Markup.Svg(Left + plotW)}\" y1=\"{Markup.Svg(Y(t))}\" y2=\"{Markup.Svg(Y(t))}\" stroke=\"#eeeeee\"/>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{top}\" y2=\"{Markup.Svg(top + plotH)}\" stroke=\"#444444\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Markup.Svg(Left + plotW)}\" y1=\"{Markup.Svg(top + plotH)}\" y2=\"{Markup.Svg(top + plotH)}\" stroke=\"#444444\"/>");
        foreach (var t in yTicks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left - 4}\" x2=\"{Left}\" y1=\"{Markup.Svg(Y(t))}\" y2=\"{Markup.Svg(Y(t))}\" stroke=\"#444444\"/>");
        }
        foreach (var t in xTicks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Markup.Svg(X(t))}\" x2=\"{Markup.Svg(X(t))}\" y1=\"{Markup.Svg(top + plotH)}\" y2=\"{Markup.Svg(top + plotH + 4)}\" stroke=\"#444444\"/>");
        }
        sb.Append("</g><g class=\"labels\" fill=\"#222222\">");
        foreach (var t in yTicks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 7}\" y=\"{Markup.Svg(Y(t) + 4)}\" text-anchor=\"end\">{Markup.Escape(Markup.Number(t))}</text>");
        }
        foreach (var t in xTicks)
        {
            string label = axis.IsTime ? Markup.Point(axis, t) : Markup.Number(t);
            // Keep end labels inside the picture: anchor them at their start or end when centring would clip them.
            double half = label.Length * 3.2;
            string anchor = X(t) - half < 2 ? "start" : X(t) + half > Width - 2 ? "end" : "middle";
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Markup.Svg(X(t))}\" y=\"{Markup.Svg(top + plotH + 17)}\" text-anchor=\"{anchor}\">{Markup.Escape(label)}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Markup.Svg(Left + plotW / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-weight=\"bold\">{Markup.Escape(axis.Name)}</text>");
        string yName = array.Attrs.TryGetValue("units", out var units) && units.Length > 0 ? "value (" + units + ")" : "value";
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16 {Markup.Svg(top + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">{Markup.Escape(yName)}</text>");
        sb.Append("</g>");

        // The line: one path, a new subpath after every NaN; lone points become dots.
        var path = new StringBuilder();
        var dots = new List<(double X, double Y)>();
        int runStart = -1;
        for (int i = 0; i <= n; i++)
        {
            bool ok = i < n && !double.IsNaN(values[i]);
            if (ok)
            {
                if (runStart < 0) runStart = i;
                continue;
            }
            if (runStart >= 0)
            {
                if (i - runStart == 1)
                {
                    dots.Add((X(axis[runStart]), Y(values[runStart])));
                }
                else
                {
                    for (int k = runStart; k < i; k++)
                    {
                        path.Append(k == runStart ? 'M' : 'L').Append(Markup.Svg(X(axis[k]))).Append(' ').Append(Markup.Svg(Y(values[k]))).Append(' ');
                    }
                }
                runStart = -1;
            }
        }
        if (path.Length > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<path class=\"series\" d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{LineColor}\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>");
        }
        foreach (var (x, y) in dots)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{Markup.Svg(x)}\" cy=\"{Markup.Svg(y)}\" r=\"2.5\" fill=\"{LineColor}\"/>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
