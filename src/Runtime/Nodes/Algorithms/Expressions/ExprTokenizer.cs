using System.Globalization;
using System.Numerics;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>Splits an Arithmetic equation into tokens following Python's lexical rules for the supported subset.</summary>
internal static class ExprTokenizer
{
    private static readonly string[] TwoCharOperators = ["**", "//", "<=", ">=", "==", "!=", "<<", ">>", "<>"];

    /// <summary>Tokenizes <paramref name="eqn"/>; the last token is always <see cref="ExprTokenKind.End"/>.</summary>
    /// <exception cref="ExpressionException">An unexpected character or a malformed number literal.</exception>
    public static List<ExprToken> Tokenize(string eqn)
    {
        ArgumentNullException.ThrowIfNull(eqn);
        var tokens = new List<ExprToken>();
        var i = 0;
        while (i < eqn.Length)
        {
            var c = eqn[i];
            if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
            {
                i++;
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < eqn.Length && char.IsAsciiDigit(eqn[i + 1])))
            {
                i = ReadNumber(eqn, i, tokens);
                continue;
            }

            if (IsNameStart(c))
            {
                var start = i;
                while (i < eqn.Length && IsNamePart(eqn[i]))
                {
                    i++;
                }

                tokens.Add(new ExprToken(ExprTokenKind.Name, eqn[start..i], start, default));
                continue;
            }

            switch (c)
            {
                case '(':
                    tokens.Add(new ExprToken(ExprTokenKind.LeftParen, "(", i, default));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new ExprToken(ExprTokenKind.RightParen, ")", i, default));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new ExprToken(ExprTokenKind.Comma, ",", i, default));
                    i++;
                    continue;
            }

            if (i + 1 < eqn.Length)
            {
                var two = eqn.Substring(i, 2);
                if (Array.IndexOf(TwoCharOperators, two) >= 0)
                {
                    tokens.Add(new ExprToken(ExprTokenKind.Operator, two, i, default));
                    i += 2;
                    continue;
                }
            }

            if (c is '+' or '-' or '*' or '/' or '%' or '<' or '>' or '&' or '|' or '~' or '^' or '@' or '=')
            {
                tokens.Add(new ExprToken(ExprTokenKind.Operator, c.ToString(), i, default));
                i++;
                continue;
            }

            throw c switch
            {
                '\'' or '"' => new ExpressionException($"string literals are not supported (at position {i})", i),
                '[' or ']' => new ExpressionException($"indexing with '[' ']' is not supported (at position {i})", i),
                _ => new ExpressionException($"unexpected character '{c}' at position {i}", i),
            };
        }

        tokens.Add(new ExprToken(ExprTokenKind.End, string.Empty, eqn.Length, default));
        return tokens;
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsNamePart(char c) => c == '_' || char.IsLetterOrDigit(c);

    private static int ReadNumber(string eqn, int start, List<ExprToken> tokens)
    {
        var i = start;
        PyValue value;
        if (eqn[i] == '0' && i + 1 < eqn.Length && eqn[i + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = char.ToLowerInvariant(eqn[i + 1]) switch
            {
                'x' => 16,
                'o' => 8,
                _ => 2,
            };
            i += 2;
            var digitsStart = i;
            while (i < eqn.Length && (IsNamePart(eqn[i])))
            {
                i++;
            }

            value = PyValue.FromInt(ParseRadix(eqn, start, digitsStart, i, radix));
        }
        else
        {
            var isFloat = false;
            i = SkipDigits(eqn, i, start);
            if (i < eqn.Length && eqn[i] == '.')
            {
                isFloat = true;
                i++;
                if (i < eqn.Length && char.IsAsciiDigit(eqn[i]))
                {
                    i = SkipDigits(eqn, i, start);
                }
            }

            if (i < eqn.Length && eqn[i] is 'e' or 'E')
            {
                var j = i + 1;
                if (j < eqn.Length && eqn[j] is '+' or '-')
                {
                    j++;
                }

                if (j >= eqn.Length || !char.IsAsciiDigit(eqn[j]))
                {
                    throw InvalidLiteral(eqn, start, j);
                }

                isFloat = true;
                i = SkipDigits(eqn, j, start);
            }

            if (i < eqn.Length && eqn[i] is 'j' or 'J')
            {
                throw new ExpressionException($"complex number literals are not supported (at position {start})", start);
            }

            if (i < eqn.Length && IsNamePart(eqn[i]))
            {
                throw InvalidLiteral(eqn, start, i + 1);
            }

            var text = eqn[start..i].Replace("_", string.Empty, StringComparison.Ordinal);
            if (isFloat)
            {
                value = PyValue.FromFloat(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
            }
            else
            {
                if (text.Length > 1 && text[0] == '0' && text.Any(ch => ch != '0'))
                {
                    throw new ExpressionException(
                        $"leading zeros in decimal integer literals are not permitted ('{eqn[start..i]}' at position {start})",
                        start);
                }

                value = PyValue.FromInt(BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        tokens.Add(new ExprToken(ExprTokenKind.Number, eqn[start..i], start, value));
        return i;
    }

    /// <summary>Skips digits with Python's single-underscore separators.</summary>
    private static int SkipDigits(string eqn, int i, int literalStart)
    {
        while (i < eqn.Length)
        {
            if (char.IsAsciiDigit(eqn[i]))
            {
                i++;
            }
            else if (eqn[i] == '_' && i + 1 < eqn.Length && char.IsAsciiDigit(eqn[i + 1]) && i > literalStart && char.IsAsciiDigit(eqn[i - 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static BigInteger ParseRadix(string eqn, int start, int digitsStart, int end, int radix)
    {
        var value = BigInteger.Zero;
        var any = false;
        for (var k = digitsStart; k < end; k++)
        {
            var ch = eqn[k];
            if (ch == '_' && k + 1 < end && eqn[k + 1] != '_')
            {
                continue;
            }

            var d = ch switch
            {
                >= '0' and <= '9' => ch - '0',
                >= 'a' and <= 'f' => ch - 'a' + 10,
                >= 'A' and <= 'F' => ch - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
            {
                throw InvalidLiteral(eqn, start, end);
            }

            value = (value * radix) + d;
            any = true;
            if (value.GetBitLength() > 1 << 16)
            {
                throw new ExpressionException($"integer constant too large at position {start}", start);
            }
        }

        if (!any)
        {
            throw InvalidLiteral(eqn, start, end);
        }

        return value;
    }

    private static ExpressionException InvalidLiteral(string eqn, int start, int end)
    {
        end = Math.Clamp(end, start + 1, eqn.Length);
        return new ExpressionException($"invalid number literal '{eqn[start..end]}' at position {start}", start);
    }
}
