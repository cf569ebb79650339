using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PodCache.Cache.Expiry;

/// <summary>
/// When a cache entry stops being served: a duration after creation (ISO-8601 <c>PT6H</c>, <c>P1DT12H</c>, <c>P2W</c>,
/// or PODPAC's <c>"N,unit"</c> with unit one of <c>Y M W D h m s</c>) or an absolute ISO datetime.
/// </summary>
public sealed partial class ExpiryRule : IEquatable<ExpiryRule>
{
    private readonly int _years, _months;
    private readonly TimeSpan _span;
    private readonly DateTimeOffset? _absolute;

    private ExpiryRule(int years, int months, TimeSpan span, DateTimeOffset? absolute, string text)
    {
        _years = years;
        _months = months;
        _span = span;
        _absolute = absolute;
        Text = text;
    }

    /// <summary>The text the rule was parsed from.</summary>
    public string Text { get; }

    /// <summary>True for an absolute datetime rather than a duration.</summary>
    public bool IsAbsolute => _absolute.HasValue;

    /// <summary>A rule that expires <paramref name="span"/> after creation.</summary>
    public static ExpiryRule After(TimeSpan span) =>
        new(0, 0, span, null, System.Xml.XmlConvert.ToString(span));

    /// <summary>A rule that expires at <paramref name="at"/>.</summary>
    public static ExpiryRule At(DateTimeOffset at) => new(0, 0, TimeSpan.Zero, at, at.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>The longest duration a rule may have: an entry's expiry must stay a representable date.</summary>
    public const int MaxYears = 1000;

    /// <summary>
    /// The instant an entry created at <paramref name="created"/> expires; <see cref="DateTimeOffset.MaxValue"/> (never)
    /// when that is past the last representable date.
    /// </summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset created)
    {
        if (_absolute is { } at) return at;
        try
        {
            return created.AddYears(_years).AddMonths(_months).Add(_span);
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateTimeOffset.MaxValue;
        }
    }

    private static bool IsTooLong(int years, int months, TimeSpan span) =>
        years + months / 12.0 + span.TotalDays / 365.25 > MaxYears;

    /// <summary>Parses any supported form.</summary>
    /// <exception cref="FormatException">The text is none of the supported forms; the message says which are.</exception>
    public static ExpiryRule Parse(string text)
    {
        if (!TryParse(text, out var rule, out var error))
        {
            throw new FormatException(error);
        }
        return rule;
    }

    /// <summary>Parses any supported form; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ExpiryRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "expiry is empty";
            return false;
        }
        text = text.Trim();
        var m = PodpacForm().Match(text);
        if (m.Success)
        {
            if (!long.TryParse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                error = $"expiry '{text}': the count must be a positive integer";
                return false;
            }
            try
            {
                rule = m.Groups[2].Value switch
                {
                    "Y" => new ExpiryRule(checked((int)n), 0, TimeSpan.Zero, null, text),
                    "M" => new ExpiryRule(0, checked((int)n), TimeSpan.Zero, null, text),
                    "W" => new ExpiryRule(0, 0, TimeSpan.FromDays(7.0 * n), null, text),
                    "D" => new ExpiryRule(0, 0, TimeSpan.FromDays(n), null, text),
                    "h" => new ExpiryRule(0, 0, TimeSpan.FromHours(n), null, text),
                    "m" => new ExpiryRule(0, 0, TimeSpan.FromMinutes(n), null, text),
                    _ => new ExpiryRule(0, 0, TimeSpan.FromSeconds(n), null, text),
                };
            }
            catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
            {
                error = $"expiry '{text}' is too long; at most {MaxYears} years";
                return false;
            }
            if (IsTooLong(rule._years, rule._months, rule._span))
            {
                rule = null;
                error = $"expiry '{text}' is too long; at most {MaxYears} years";
                return false;
            }
            return true;
        }
        if (text.StartsWith('P'))
        {
            return TryParseIsoDuration(text, out rule, out error);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && char.IsDigit(text[0]))
        {
            rule = new ExpiryRule(0, 0, TimeSpan.Zero, at, text);
            return true;
        }
        error = $"expiry '{text}' is not an ISO-8601 duration (PT6H), a PODPAC \"N,unit\" string (12,h) or an ISO datetime";
        return false;
    }

    private static bool TryParseIsoDuration(string text, [NotNullWhen(true)] out ExpiryRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        error = null;
        var m = IsoDuration().Match(text);
        if (!m.Success || text is "P" or "PT" || text.EndsWith('T'))
        {
            error = $"expiry '{text}' is not a valid ISO-8601 duration (e.g. PT6H, P1DT12H, P2W)";
            return false;
        }
        static double G(Match m, string name) =>
            m.Groups[name].Success ? double.Parse(m.Groups[name].Value.Replace(',', '.'), CultureInfo.InvariantCulture) : 0;
        double years = G(m, "y"), months = G(m, "mo");
        if (years != Math.Floor(years) || months != Math.Floor(months))
        {
            error = $"expiry '{text}': fractional years or months are not supported";
            return false;
        }
        try
        {
            var span = TimeSpan.FromDays(7 * G(m, "w") + G(m, "d"))
                + TimeSpan.FromHours(G(m, "h")) + TimeSpan.FromMinutes(G(m, "mi")) + TimeSpan.FromSeconds(G(m, "s"));
            if (span <= TimeSpan.Zero && years == 0 && months == 0)
            {
                error = $"expiry '{text}' must be longer than zero";
                return false;
            }
            if (IsTooLong(checked((int)years), checked((int)months), span))
            {
                error = $"expiry '{text}' is too long; at most {MaxYears} years";
                return false;
            }
            rule = new ExpiryRule(checked((int)years), checked((int)months), span, null, text);
            return true;
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            error = $"expiry '{text}' is too long; at most {MaxYears} years";
            return false;
        }
    }

    [GeneratedRegex(@"^\s*([+-]?\d+)\s*,\s*([YMWDhms])\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PodpacForm();

    [GeneratedRegex(@"^P(?:(?<y>\d+(?:[.,]\d+)?)Y)?(?:(?<mo>\d+(?:[.,]\d+)?)M)?(?:(?<w>\d+(?:[.,]\d+)?)W)?(?:(?<d>\d+(?:[.,]\d+)?)D)?(?:T(?:(?<h>\d+(?:[.,]\d+)?)H)?(?:(?<mi>\d+(?:[.,]\d+)?)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDuration();

    /// <inheritdoc/>
    public bool Equals(ExpiryRule? other) =>
        other is not null && _years == other._years && _months == other._months && _span == other._span && _absolute == other._absolute;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ExpiryRule);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_years, _months, _span, _absolute);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
