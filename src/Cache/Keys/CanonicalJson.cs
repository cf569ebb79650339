using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Cache.Keys;

/// <summary>
/// The canonical text that keys hash: RFC 8785 (JSON Canonicalization Scheme) for structure — members sorted by
/// UTF-16 code units, no whitespace, minimal string escapes — with numbers written so that no two values that
/// evaluation can tell apart share a text (docs/keys.md): integers (values backed by an integer type, or integer
/// literals of JSON text) exactly, at any size; floats in ECMAScript shortest form with <c>.0</c> added where that
/// form looks like an integer, <c>-0.0</c> for negative zero, and bare <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical text of <paramref name="node"/> (null is JSON <c>null</c>).</summary>
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder(256);
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>SHA-256 of the UTF-8 canonical text of <paramref name="node"/>.</summary>
    public static Key Hash(JsonNode? node) => Key.Hash(Serialize(node));

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                {
                    var names = new List<string>(obj.Count);
                    foreach (var kv in obj)
                    {
                        names.Add(kv.Key);
                    }
                    names.Sort(StringComparer.Ordinal);
                    sb.Append('{');
                    for (int i = 0; i < names.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        WriteString(sb, names[i]);
                        sb.Append(':');
                        Write(sb, obj[names[i]]);
                    }
                    sb.Append('}');
                    break;
                }
            case JsonArray arr:
                sb.Append('[');
                for (int i = 0; i < arr.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, arr[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new ArgumentException($"Unsupported JSON node {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        // A value read from JSON text may be backed by a JsonElement, whose TryGetValue<double> converts (and rounds):
        // classify it by its text first.
        if (value.TryGetValue<JsonElement>(out var el))
        {
            WriteElement(sb, el);
            return;
        }
        if (value.TryGetValue<string>(out var str))
        {
            WriteString(sb, str);
            return;
        }
        if (value.TryGetValue<bool>(out var bl))
        {
            sb.Append(bl ? "true" : "false");
            return;
        }
        if (value.TryGetValue<double>(out var dbl))
        {
            WriteNumber(sb, dbl);
            return;
        }
        if (value.TryGetValue<long>(out var lng))
        {
            sb.Append(lng.ToString(CultureInfo.InvariantCulture));
            return;
        }
        if (value.TryGetValue<int>(out var i32))
        {
            sb.Append(i32.ToString(CultureInfo.InvariantCulture));
            return;
        }
        if (value.TryGetValue<float>(out var f))
        {
            WriteNumber(sb, f);
            return;
        }
        if (value.TryGetValue<Half>(out var h))
        {
            WriteNumber(sb, (double)h);
            return;
        }
        if (value.TryGetValue<decimal>(out var m))
        {
            WriteNumber(sb, (double)m);
            return;
        }
        if (value.TryGetValue<BigInteger>(out var big))
        {
            sb.Append(big.ToString(CultureInfo.InvariantCulture));
            return;
        }
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                return;
            case JsonValueKind.True:
                sb.Append("true");
                return;
            case JsonValueKind.False:
                sb.Append("false");
                return;
            case JsonValueKind.Null:
                sb.Append("null");
                return;
        }
        // Any other integer CLR type (ulong, short, Int128, ...): its JSON text has no fraction or exponent.
        WriteNumberText(sb, value.ToJsonString());
    }

    private static void WriteElement(StringBuilder sb, JsonElement el)
    {
        switch (el.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(sb, el.GetString()!);
                return;
            case JsonValueKind.Number:
                WriteNumberText(sb, el.GetRawText());
                return;
            case JsonValueKind.True:
                sb.Append("true");
                return;
            case JsonValueKind.False:
                sb.Append("false");
                return;
            case JsonValueKind.Null:
                sb.Append("null");
                return;
            case JsonValueKind.Object:
                Write(sb, JsonObject.Create(el));
                return;
            default:
                Write(sb, JsonArray.Create(el));
                return;
        }
    }

    /// <summary>
    /// A number given as JSON text: an integer literal (no fraction, no exponent) exactly, as Python's <c>json</c>
    /// loads it (an <c>int</c> of any size); anything else as the float it denotes.
    /// </summary>
    private static void WriteNumberText(StringBuilder sb, string text)
    {
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0
            && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            sb.Append(integer.ToString(CultureInfo.InvariantCulture));
            return;
        }
        WriteNumber(sb, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Appends the hashed form of the float <paramref name="d"/>: ECMAScript <c>Number.prototype.toString</c>
    /// (<see cref="FormatNumber"/>) with <c>.0</c> appended when that has neither a fraction nor an exponent, so that
    /// a float never reads like an integer (<c>1.0</c> vs <c>1</c>); negative zero as <c>-0.0</c>; NaN and the
    /// infinities as the bare tokens <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, so that they never read like
    /// the strings <c>"NaN"</c>, <c>"Infinity"</c>. This deviates from RFC 8785 on purpose (see docs/keys.md): every
    /// difference evaluation can see is kept.
    /// </summary>
    public static void WriteNumber(StringBuilder sb, double d)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (double.IsNaN(d))
        {
            sb.Append("NaN");
            return;
        }
        if (double.IsInfinity(d))
        {
            sb.Append(d > 0 ? "Infinity" : "-Infinity");
            return;
        }
        if (d == 0)
        {
            sb.Append(double.IsNegative(d) ? "-0.0" : "0.0");
            return;
        }
        string s = FormatNumber(d);
        sb.Append(s);
        if (s.AsSpan().IndexOfAny('.', 'e') < 0)
        {
            sb.Append(".0");
        }
    }

    /// <summary>ECMAScript <c>Number.prototype.toString</c> of a finite double (RFC 8785 §3.2.2.3).</summary>
    public static string FormatNumber(double d)
    {
        if (d == 0)
        {
            return "0";
        }
        if (Math.Abs(d) < 1e15 && d == Math.Floor(d))
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }
        // "E16" is not shortest; "R" is shortest round-trip in .NET Core 3.0+. Split it into digits and exponent.
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        string mantissa = r;
        int exp = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = r[..e];
            exp = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - digits.Length;
        // n: position of the decimal point relative to the start of digits (value = 0.digits * 10^n).
        int n = intPart.Length + exp - leadingZeros;
        digits = digits.TrimEnd('0');
        int k = digits.Length;
        var sb = new StringBuilder(32);
        if (d < 0) sb.Append('-');
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }
            int e2 = n - 1;
            sb.Append('e').Append(e2 >= 0 ? '+' : '-').Append(Math.Abs(e2).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
