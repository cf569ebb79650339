using System.Globalization;

namespace PodCache.Runtime;

/// <summary>
/// numpy datetime64 arithmetic: ISO strings parsed at their own precision, values as counts of a unit since
/// 1970-01-01T00:00:00.
/// </summary>
internal static class TimeUnits
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static string Symbol(TimeUnit unit) => unit switch
    {
        TimeUnit.Year => "Y",
        TimeUnit.Month => "M",
        TimeUnit.Week => "W",
        TimeUnit.Day => "D",
        TimeUnit.Hour => "h",
        TimeUnit.Minute => "m",
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        _ => "us",
    };

    public static bool TryParseSymbol(string s, out TimeUnit unit)
    {
        unit = s switch
        {
            "Y" => TimeUnit.Year,
            "M" => TimeUnit.Month,
            "W" => TimeUnit.Week,
            "D" => TimeUnit.Day,
            "h" => TimeUnit.Hour,
            "m" => TimeUnit.Minute,
            "s" => TimeUnit.Second,
            "ms" => TimeUnit.Millisecond,
            "us" => TimeUnit.Microsecond,
            _ => (TimeUnit)(-1),
        };
        return (int)unit >= 0;
    }

    /// <summary>Length of one unit in ticks for units of fixed length (week and finer).</summary>
    private static long Ticks(TimeUnit unit) => unit switch
    {
        TimeUnit.Week => TimeSpan.TicksPerDay * 7,
        TimeUnit.Day => TimeSpan.TicksPerDay,
        TimeUnit.Hour => TimeSpan.TicksPerHour,
        TimeUnit.Minute => TimeSpan.TicksPerMinute,
        TimeUnit.Second => TimeSpan.TicksPerSecond,
        TimeUnit.Millisecond => TimeSpan.TicksPerMillisecond,
        TimeUnit.Microsecond => TimeSpan.TicksPerMicrosecond,
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };

    public static bool IsCalendar(TimeUnit unit) => unit is TimeUnit.Year or TimeUnit.Month;

    /// <summary>The finer of two units.</summary>
    public static TimeUnit Finer(TimeUnit a, TimeUnit b) => a > b ? a : b;

    /// <summary>Parses an ISO date or datetime at its own precision.</summary>
    public static bool TryParseIso(string text, out DateTime value, out TimeUnit unit)
    {
        value = default;
        unit = TimeUnit.Day;
        string s = text.Trim();
        if (s.EndsWith('Z'))
        {
            s = s[..^1];
        }
        string[] formats;
        int len = s.Length;
        if (len == 4) { formats = ["yyyy"]; unit = TimeUnit.Year; }
        else if (len == 7) { formats = ["yyyy-MM"]; unit = TimeUnit.Month; }
        else if (len == 10) { formats = ["yyyy-MM-dd"]; unit = TimeUnit.Day; }
        else if (len == 13) { formats = ["yyyy-MM-ddTHH", "yyyy-MM-dd HH"]; unit = TimeUnit.Hour; }
        else if (len == 16) { formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm"]; unit = TimeUnit.Minute; }
        else if (len == 19) { formats = ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss"]; unit = TimeUnit.Second; }
        else if (len > 20 && len <= 26 && (s[19] == '.'))
        {
            int digits = len - 20;
            unit = digits <= 3 ? TimeUnit.Millisecond : TimeUnit.Microsecond;
            formats = ["yyyy-MM-ddTHH:mm:ss." + new string('F', digits), "yyyy-MM-dd HH:mm:ss." + new string('F', digits)];
        }
        else
        {
            return false;
        }
        return DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>The count of <paramref name="unit"/> since the epoch, truncated toward negative infinity.</summary>
    public static long ToCount(DateTime t, TimeUnit unit)
    {
        if (unit == TimeUnit.Year) return t.Year - 1970;
        if (unit == TimeUnit.Month) return (t.Year - 1970) * 12L + t.Month - 1;
        return Math.DivRem((t - Epoch).Ticks, Ticks(unit)) is var (q, r) && r < 0 ? q - 1 : q;
    }

    public static DateTime FromCount(long count, TimeUnit unit)
    {
        if (unit == TimeUnit.Year) return Epoch.AddYears(checked((int)count));
        if (unit == TimeUnit.Month) return Epoch.AddMonths(checked((int)count));
        return Epoch.AddTicks(checked(count * Ticks(unit)));
    }

    /// <summary>
    /// The first time axis of <paramref name="coordinates"/> with a point outside the dates .NET can represent
    /// (0001-01-01 to 9999-12-31), described; null when every time is representable.
    /// </summary>
    internal static string? FindUnrepresentable(Coordinates coordinates)
    {
        var axes = coordinates.Axes;
        for (int i = 0; i < axes.Count; i++)
        {
            var axis = axes[i];
            if (axis.Unit is not { } unit || axis.Size == 0) continue;
            string dim = axis.Name;
            (double lo, double hi) = axis is UniformCoordinates1D u ? (Math.Min(u.Start, u.Stop), Math.Max(u.Start, u.Stop)) : (axis.Min, axis.Max);
            double first = ToCount(DateTime.MinValue, unit), last = ToCount(DateTime.MaxValue, unit);
            if (!(lo >= first && hi <= last))
            {
                return $"the {dim} axis reaches {(lo < first ? "before 0001-01-01" : "after 9999-12-31")}, which cannot be represented";
            }
        }
        return null;
    }

    /// <summary>Converts a count between units; to a coarser unit it truncates.</summary>
    public static long Convert(long count, TimeUnit from, TimeUnit to) =>
        from == to ? count : ToCount(FromCount(count, from), to);

    /// <summary>Hours since the epoch, truncated to whole hours (SinCoords' rule).</summary>
    public static long ToWholeHours(double count, TimeUnit unit) => ToCount(FromCount((long)count, unit), TimeUnit.Hour);

    /// <summary>Formats as <c>YYYY-MM-DDTHH:MM:SS</c>.</summary>
    public static string Format(double count, TimeUnit unit) =>
        FromCount((long)count, unit).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Formats at the unit's own precision, as numpy prints datetime64.</summary>
    public static string FormatNative(double count, TimeUnit unit)
    {
        var t = FromCount((long)count, unit);
        string f = unit switch
        {
            TimeUnit.Year => "yyyy",
            TimeUnit.Month => "yyyy-MM",
            TimeUnit.Week or TimeUnit.Day => "yyyy-MM-dd",
            TimeUnit.Hour => "yyyy-MM-dd'T'HH",
            TimeUnit.Minute => "yyyy-MM-dd'T'HH:mm",
            TimeUnit.Second => "yyyy-MM-dd'T'HH:mm:ss",
            TimeUnit.Millisecond => "yyyy-MM-dd'T'HH:mm:ss.fff",
            _ => "yyyy-MM-dd'T'HH:mm:ss.ffffff",
        };
        return t.ToString(f, CultureInfo.InvariantCulture);
    }

    /// <summary>Ticks since the epoch of a count of <paramref name="unit"/> (fractional counts allowed for fixed units).</summary>
    public static double ToTicks(double count, TimeUnit unit)
    {
        if (IsCalendar(unit))
        {
            return FromCount((long)Math.Floor(count), unit).Ticks - Epoch.Ticks;
        }
        return count * Ticks(unit);
    }

    /// <summary>A count of <paramref name="unit"/> from ticks since the epoch (may be fractional).</summary>
    public static double FromTicks(double ticks, TimeUnit unit)
    {
        if (IsCalendar(unit))
        {
            return ToCount(Epoch.AddTicks((long)ticks), unit);
        }
        return ticks / Ticks(unit);
    }
}
