using System.Globalization;
using System.Text;

namespace PodCache.Runtime.Rendering;

/// <summary>Text helpers shared by the SVG and HTML renderers: escaping and compact number formatting.</summary>
internal static class Markup
{
    /// <summary>Escapes text for XML/HTML content and attribute values (both quote kinds).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // Control characters other than tab/newline are not allowed in XML 1.0 at all.
                < ' ' when c is not ('\t' or '\n' or '\r') => "\uFFFD",
                _ => null,
            };
            if (rep is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append(rep);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>A number in at most <paramref name="significant"/> significant digits: <c>12.5</c>, <c>-0.00125</c>, <c>1.5e+06</c>.</summary>
    public static string Number(double v, int significant = 5)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e6 || a < 1e-4)
        {
            string e = v.ToString("0." + new string('#', Math.Max(0, significant - 1)) + "e+00", CultureInfo.InvariantCulture);
            return e;
        }
        // Fixed notation rounded to the significant digits: 100000 rather than G5's "1E+05".
        int decimals = Math.Clamp(significant - 1 - (int)Math.Floor(Math.Log10(a)), 0, 15);
        return Math.Round(v, decimals).ToString("0." + new string('#', Math.Max(1, decimals)), CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="v"/> rounded to <paramref name="decimals"/> places, trailing zeros dropped (<c>-0</c> as <c>0</c>).</summary>
    public static string Fixed(double v, int decimals)
    {
        double r = Math.Round(v, decimals);
        if (r == 0) r = 0;
        return r.ToString("0." + new string('#', Math.Max(1, decimals)), CultureInfo.InvariantCulture);
    }

    /// <summary>A coordinate point as text: ISO time for time axes, a compact number otherwise.</summary>
    public static string Point(Coordinates1D axis, double p, int significant = 7) =>
        axis.IsTime ? CompactTime(axis.FormatPoint(p)) : Number(p, significant);

    /// <summary>ISO time without zero seconds, and without a midnight time of day: <c>2026-01-01</c>, <c>2026-01-01T06:00</c>.</summary>
    public static string CompactTime(string iso)
    {
        if (iso.Length == 19 && iso.EndsWith(":00", StringComparison.Ordinal)) iso = iso[..16];
        if (iso.Length == 16 && iso.EndsWith("T00:00", StringComparison.Ordinal)) iso = iso[..10];
        return iso;
    }

    /// <summary>Bytes in binary units: <c>512 B</c>, <c>1.5 KiB</c>, <c>3.2 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>Invariant text of a finite number for SVG attributes (two decimals at most).</summary>
    public static string Svg(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
