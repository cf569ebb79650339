using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// Python's <c>eqn.format(**params)</c> as PODPAC's Arithmetic applies it: <c>{name}</c> fields become
/// <c>str(value)</c> of the JSON parameter as Python's <c>json</c> module would load it (int, float, str,
/// bool, None, list, dict); <c>{{</c> and <c>}}</c> are literal braces.
/// </summary>
internal static class PythonFormat
{
    /// <summary>Substitutes the <c>{name}</c> fields of <paramref name="eqn"/>.</summary>
    /// <exception cref="ExpressionException">
    /// A missing parameter, a malformed field, a positional field, attribute/index access or a format spec.
    /// </exception>
    public static string Substitute(string eqn, IReadOnlyDictionary<string, JsonNode?> parameters)
    {
        ArgumentNullException.ThrowIfNull(eqn);
        ArgumentNullException.ThrowIfNull(parameters);
        if (eqn.IndexOfAny(['{', '}']) < 0)
        {
            return eqn;
        }

        var sb = new StringBuilder(eqn.Length + 16);
        var i = 0;
        while (i < eqn.Length)
        {
            var c = eqn[i];
            if (c == '{')
            {
                if (i + 1 < eqn.Length && eqn[i + 1] == '{')
                {
                    sb.Append('{');
                    i += 2;
                    continue;
                }

                i = ReplaceField(eqn, i, parameters, sb);
            }
            else if (c == '}')
            {
                if (i + 1 < eqn.Length && eqn[i + 1] == '}')
                {
                    sb.Append('}');
                    i += 2;
                    continue;
                }

                throw new ExpressionException($"single '}}' encountered in eqn at position {i} (write '}}}}' for a literal brace)", i);
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return sb.ToString();
    }

    /// <summary>Python <c>repr(float)</c> / <c>str(float)</c>: shortest round-trip digits, e.g. 0.5, 2.0, 1e-07, 1e+16.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var sign = double.IsNegative(value) ? "-" : string.Empty;
        if (value == 0)
        {
            return sign + "0.0";
        }

        // .NET's "R" gives the shortest round-trip digits (as Python's repr); only the layout differs.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? r : r[..e];
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var decpt = (point < 0 ? mantissa.Length : point) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..].TrimEnd('0');
        decpt -= lead;
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        var sb = new StringBuilder(sign);
        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt >= digits.Length)
        {
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }

        return sb.ToString();
    }

    /// <summary>Python <c>str()</c> of a JSON value as Python's <c>json.loads</c> would produce it.</summary>
    public static string Str(JsonNode? node) => node switch
    {
        null => "None",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => Repr(node),
    };

    /// <summary>Python <c>repr()</c> of a JSON value as Python's <c>json.loads</c> would produce it.</summary>
    public static string Repr(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "None";
            case JsonArray array:
                return "[" + string.Join(", ", array.Select(Repr)) + "]";
            case JsonObject obj:
                return "{" + string.Join(", ", obj.Select(kv => ReprString(kv.Key) + ": " + Repr(kv.Value))) + "}";
            case JsonValue value:
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => ReprString(value.GetValue<string>()),
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    JsonValueKind.Null or JsonValueKind.Undefined => "None",
                    _ => FormatNumber(value),
                };
            default:
                return node.ToJsonString();
        }
    }

    /// <summary>Python <c>repr(str)</c>.</summary>
    public static string ReprString(string s) => Quote(s, asciiOnly: false);

    private static int ReplaceField(string eqn, int open, IReadOnlyDictionary<string, JsonNode?> parameters, StringBuilder sb)
    {
        var j = open + 1;
        while (j < eqn.Length && eqn[j] is not ('}' or '!' or ':'))
        {
            if (eqn[j] == '[')
            {
                var close = eqn.IndexOf(']', j);
                if (close < 0)
                {
                    throw new ExpressionException($"missing ']' in the format field at position {open} of eqn", open);
                }

                j = close + 1;
                continue;
            }

            if (eqn[j] == '{')
            {
                throw new ExpressionException($"unexpected '{{' in the format field at position {open} of eqn", j);
            }

            j++;
        }

        if (j >= eqn.Length)
        {
            throw new ExpressionException($"expected '}}' before the end of eqn (field opened at position {open})", open);
        }

        var fieldName = eqn[(open + 1)..j];
        var conversion = '\0';
        if (eqn[j] == '!')
        {
            if (j + 1 >= eqn.Length)
            {
                throw new ExpressionException($"end of eqn while looking for a conversion specifier (field at position {open})", open);
            }

            conversion = eqn[j + 1];
            j += 2;
            if (j >= eqn.Length || eqn[j] is not (':' or '}'))
            {
                throw new ExpressionException($"expected ':' after the conversion specifier (field at position {open})", open);
            }
        }

        var spec = string.Empty;
        if (eqn[j] == ':')
        {
            var specStart = j + 1;
            var depth = 1;
            j++;
            while (j < eqn.Length)
            {
                if (eqn[j] == '{')
                {
                    depth++;
                }
                else if (eqn[j] == '}' && --depth == 0)
                {
                    break;
                }

                j++;
            }

            if (j >= eqn.Length)
            {
                throw new ExpressionException($"expected '}}' before the end of eqn (field opened at position {open})", open);
            }

            spec = eqn[specStart..j];
        }

        // eqn[j] is the closing brace.
        var fieldText = eqn[open..(j + 1)];
        var nameEnd = fieldName.IndexOfAny(['.', '[']);
        var argName = nameEnd < 0 ? fieldName : fieldName[..nameEnd];
        if (argName.Length == 0 || argName.All(char.IsAsciiDigit))
        {
            throw new ExpressionException(
                $"positional format field '{fieldText}' at position {open} is not supported; refer to params by name, e.g. '{{k}}'",
                open);
        }

        if (!parameters.TryGetValue(argName, out var value))
        {
            throw new ExpressionException($"unknown parameter '{argName}' in eqn", open);
        }

        if (nameEnd >= 0)
        {
            throw new ExpressionException(
                $"attribute or index access in format field '{fieldText}' (position {open}) is not supported", open);
        }

        var text = conversion switch
        {
            '\0' or 's' => Str(value),
            'r' => Repr(value),
            'a' => Ascii(value),
            _ => throw new ExpressionException(
                $"unknown conversion specifier '!{conversion}' in format field '{fieldText}' (position {open})", open),
        };

        if (spec.Length > 0)
        {
            throw new ExpressionException(
                $"format spec ':{spec}' in field '{fieldText}' (position {open}) is not supported; params are inserted with str()",
                open);
        }

        sb.Append(text);
        return j + 1;
    }

    private static string FormatNumber(JsonValue value)
    {
        string? raw = null;
        if (value.TryGetValue<JsonElement>(out var element))
        {
            raw = element.GetRawText();
        }
        else if (value.TryGetValue<double>(out var d))
        {
            return FormatFloat(d);
        }
        else if (value.TryGetValue<float>(out var f))
        {
            return FormatFloat(f);
        }
        else if (value.TryGetValue<decimal>(out var m))
        {
            return FormatFloat((double)m);
        }
        else if (value.TryGetValue<Half>(out var h))
        {
            return FormatFloat((double)h);
        }

        raw ??= value.ToJsonString();
        if (raw.AsSpan().IndexOfAny(".eE") >= 0)
        {
            return FormatFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        // Python ints are exact; "-0" loads as 0.
        return BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    private static string Ascii(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Quote(v.GetValue<string>(), asciiOnly: true) : Repr(node);

    private static string Quote(string s, bool asciiOnly)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f || (asciiOnly && c > 0x7f && c <= 0xff))
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (asciiOnly && char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append("\\U").Append(char.ConvertToUtf32(c, s[i + 1]).ToString("x8", CultureInfo.InvariantCulture));
                        i++;
                    }
                    else if (asciiOnly && c > 0xff)
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

        sb.Append(quote);
        return sb.ToString();
    }
}
