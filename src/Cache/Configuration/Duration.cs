using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PodCache.Cache.Configuration;

/// <summary>
/// Durations in configuration: a number of seconds (<c>30</c>, <c>0.5</c>), a number with a unit (<c>"500ms"</c>,
/// <c>"60s"</c>, <c>"5m"</c>, <c>"1h"</c>, <c>"1d"</c>) or an ISO-8601 duration (<c>"PT30S"</c>). Never negative.
/// </summary>
public static partial class Duration
{
    /// <summary>The grammar, for messages.</summary>
    public const string Grammar = "seconds, a number with ms, s, m, h or d (\"60s\"), or an ISO-8601 duration (\"PT60S\")";

    /// <summary>Parses a duration string; false (with the reason) for anything else.</summary>
    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        text = text?.Trim() ?? "";
        var m = UnitPattern().Match(text);
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            double seconds = n * m.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => 1e-3,
                "" or "s" => 1,
                "m" or "min" => 60,
                "h" => 3600,
                _ => 86400,
            };
            return FromSeconds(seconds, text, out value, out error);
        }
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                value = System.Xml.XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                if (value >= TimeSpan.Zero)
                {
                    return true;
                }
            }
            catch (FormatException)
            {
            }
            catch (OverflowException)
            {
            }
        }
        error = $"'{text}' is not a duration (use {Grammar})";
        return false;
    }

    /// <summary>Parses a JSON value: a number of seconds or a string as in <see cref="TryParse(string?, out TimeSpan, out string?)"/>.</summary>
    public static bool TryParse(JsonNode? node, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<double>(out var seconds))
            {
                return FromSeconds(seconds, seconds.ToString(CultureInfo.InvariantCulture), out value, out error);
            }
            if (v.TryGetValue<string>(out var s))
            {
                return TryParse(s, out value, out error);
            }
        }
        error = $"must be a duration ({Grammar})";
        return false;
    }

    private static bool FromSeconds(double seconds, string text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds >= 1e9)
        {
            error = $"'{text}' is not a duration from 0 to 1e9 seconds";
            return false;
        }
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|min|h|d)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UnitPattern();
}
