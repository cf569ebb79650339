using System.Globalization;
using System.Text;
using PodCache.Cache.Tiers;

namespace PodCache.Runtime.Rendering;

/// <summary>Cache tier statistics as an HTML table.</summary>
public static class StatsRenderer
{
    /// <summary>
    /// One row per tier: entries, bytes held against the budget (with a usage bar), hits, misses, hit ratio, evictions
    /// and expirations.
    /// </summary>
    public static string Html(IEnumerable<TierStatistics> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<table class=\"podcache-stats\"><thead><tr>");
        foreach (var h in new[] { "tier", "entries", "bytes", "budget", "used", "hits", "misses", "hit ratio", "evictions", "expirations" })
        {
            sb.Append("<th>").Append(h).Append("</th>");
        }
        sb.Append("</tr></thead><tbody>");
        foreach (var t in tiers)
        {
            double used = t.MaxBytes > 0 ? Math.Clamp((double)t.Bytes / t.MaxBytes, 0, 1) : 0;
            long lookups = t.Hits + t.Misses;
            string ratio = lookups > 0 ? (100.0 * t.Hits / lookups).ToString("0.0", inv) + "%" : "\u2014";
            string bar = t.MaxBytes > 0
                ? string.Create(inv, $"<div title=\"{used * 100:0.0}%\" style=\"display:inline-block;width:80px;height:8px;background:#e9ecef;border-radius:2px;vertical-align:middle\"><div style=\"width:{used * 80:0}px;height:8px;background:{(used > 0.9 ? "#e8590c" : "#2a788e")};border-radius:2px\"></div></div> {used * 100:0}%")
                : "\u2014";
            sb.Append("<tr><td>").Append(Markup.Escape(t.Tier)).Append("</td>")
              .Append(Cell(t.Entries.ToString("N0", inv)))
              .Append(Cell(Markup.Bytes(t.Bytes)))
              .Append(Cell(t.MaxBytes > 0 ? Markup.Bytes(t.MaxBytes) : "\u2014"))
              .Append("<td>").Append(bar).Append("</td>")
              .Append(Cell(t.Hits.ToString("N0", inv)))
              .Append(Cell(t.Misses.ToString("N0", inv)))
              .Append(Cell(ratio))
              .Append(Cell(t.Evictions.ToString("N0", inv)))
              .Append(Cell(t.Expirations.ToString("N0", inv)))
              .Append("</tr>");
        }
        sb.Append("</tbody></table>");
        return sb.ToString();
    }

    private static string Cell(string text) => "<td style=\"text-align:right\">" + Markup.Escape(text) + "</td>";
}
