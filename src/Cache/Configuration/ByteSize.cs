using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PodCache.Cache.Configuration;

/// <summary>Byte sizes as integers or strings: <c>"512MiB"</c>, <c>"10GB"</c>, <c>"1.5 GiB"</c>, <c>"4096"</c>.</summary>
public static partial class ByteSize
{
    /// <summary>Parses a size; false (with the reason) for anything else.</summary>
    public static bool TryParse(string? text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        error = null;
        var m = SizePattern().Match(text ?? "");
        if (!m.Success)
        {
            error = $"'{text}' is not a size (use bytes or a number with B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)";
            return false;
        }
        double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double mult = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" or "K" => 1e3,
            "MB" or "M" => 1e6,
            "GB" or "G" => 1e9,
            "TB" or "T" => 1e12,
            "KIB" => 1L << 10,
            "MIB" => 1L << 20,
            "GIB" => 1L << 30,
            _ => 1L << 40,
        };
        double v = Math.Floor(n * mult);
        if (v > long.MaxValue)
        {
            error = $"'{text}' is too large";
            return false;
        }
        bytes = (long)v;
        return true;
    }

    /// <summary>The grammar, for messages.</summary>
    public const string Grammar = "a byte count or a size string such as \"512MiB\" (B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)";

    /// <summary>
    /// Parses a JSON value: a whole non-negative number of bytes or a size string as in
    /// <see cref="TryParse(string?, out long, out string?)"/>. The one size grammar of every configuration section.
    /// </summary>
    public static bool TryParse(System.Text.Json.Nodes.JsonNode? node, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        error = null;
        if (node is System.Text.Json.Nodes.JsonValue v)
        {
            if (v.TryGetValue<long>(out var l) && l >= 0)
            {
                bytes = l;
                return true;
            }
            if (v.TryGetValue<double>(out var d) && d >= 0 && d == Math.Floor(d) && d < long.MaxValue)
            {
                bytes = (long)d;
                return true;
            }
            if (v.TryGetValue<string>(out var s))
            {
                return TryParse(s, out bytes, out error);
            }
        }
        error = "must be " + Grammar;
        return false;
    }

    /// <summary>Formats with binary units, e.g. <c>1.5 GiB</c>.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? $"{bytes} B" : v.ToString("0.##", CultureInfo.InvariantCulture) + " " + units[u];
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|[KMGT]|B)?\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
