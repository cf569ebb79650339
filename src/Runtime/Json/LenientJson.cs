using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Json;

/// <summary>
/// Reads JSON as PODPAC writes it: standard JSON plus the bare tokens <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c>. Integers become <see cref="long"/> values (beyond its range: values backed by their exact text),
/// other numbers <see cref="double"/> (integral ones such as <c>1.0</c> or <c>-0.0</c>: backed by their text, so they
/// stay floats when written out again and read back).
/// Syntax errors carry line and column; duplicate member names are reported, not silently merged.
/// </summary>
internal sealed class LenientJson
{
    private readonly string _text;
    private readonly List<JsonProblem> _duplicates = [];
    private readonly int _maxDepth;
    private int _pos;
    private int _depth;

    private LenientJson(string text, int maxDepth)
    {
        _text = text;
        _maxDepth = maxDepth;
    }

    /// <summary>The nesting depth allowed when the caller gives none (<see cref="Execution.RuntimeLimits.MaxJsonDepth"/>).</summary>
    public static int DefaultMaxDepth => Execution.RuntimeLimits.Default.MaxJsonDepth;

    /// <summary>A syntax problem, or a duplicate member found while parsing.</summary>
    internal sealed record JsonProblem(string Path, string Message);

    /// <summary>Thrown for malformed text.</summary>
    internal class SyntaxException(string message, int line, int column) : Exception(message)
    {
        public int Line { get; } = line;

        public int Column { get; } = column;
    }

    /// <summary>Thrown when arrays and objects nest deeper than allowed; <see cref="Path"/> is where.</summary>
    internal sealed class DepthException(string problem, int line, int column, string path)
        : SyntaxException($"line {line}, column {column}: {problem}", line, column)
    {
        /// <summary>The JSON path of the array or object that crossed the limit (<c>""</c> for the root).</summary>
        public string Path { get; } = path;

        /// <summary>What is wrong, without the position.</summary>
        public string Problem { get; } = problem;
    }

    /// <summary>Parses a whole document. Duplicate members keep the last value and are listed in <paramref name="duplicates"/>.</summary>
    public static JsonNode? Parse(string text, out IReadOnlyList<JsonProblem> duplicates) => Parse(text, out duplicates, DefaultMaxDepth);

    /// <summary>
    /// Parses a whole document whose arrays and objects nest at most <paramref name="maxDepth"/> levels (the reader
    /// recurses once per level, so the bound is on its stack too).
    /// </summary>
    /// <exception cref="DepthException">Deeper nesting, naming the path where the limit was crossed.</exception>
    public static JsonNode? Parse(string text, out IReadOnlyList<JsonProblem> duplicates, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        var p = new LenientJson(text, maxDepth);
        p.SkipWs();
        if (p._pos < text.Length && text[p._pos] == '\uFEFF')
        {
            p._pos++;
            p.SkipWs();
        }
        if (p._pos >= text.Length)
        {
            throw p.Error("the document is empty");
        }
        var node = p.ParseValue("");
        p.SkipWs();
        if (p._pos < text.Length)
        {
            throw p.Error($"unexpected '{text[p._pos]}' after the end of the document");
        }
        duplicates = p._duplicates;
        return node;
    }

    private SyntaxException Error(string message)
    {
        int line = 1, col = 1;
        for (int i = 0; i < _pos && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                col = 1;
            }
            else
            {
                col++;
            }
        }
        return new SyntaxException($"line {line}, column {col}: {message}", line, col);
    }

    private void SkipWs()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
        {
            _pos++;
        }
    }

    private JsonNode? ParseValue(string path)
    {
        SkipWs();
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of the document");
        }
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ParseObject(path);
            case '[': return ParseArray(path);
            case '"': return JsonValue.Create(ParseString());
            case 't': Expect("true"); return JsonValue.Create(true);
            case 'f': Expect("false"); return JsonValue.Create(false);
            case 'n': Expect("null"); return null;
            case 'N': Expect("NaN"); return JsonValue.Create(double.NaN);
            case 'I': Expect("Infinity"); return JsonValue.Create(double.PositiveInfinity);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber();
                }
                throw Error($"unexpected '{c}'");
        }
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            throw Error($"unexpected token; expected '{word}'");
        }
        _pos += word.Length;
    }

    private void Enter(string path)
    {
        if (++_depth > _maxDepth)
        {
            var e = Error("");
            throw new DepthException($"arrays and objects nest deeper than {_maxDepth} levels (limits.maxJsonDepth)", e.Line, e.Column, path);
        }
    }

    private JsonObject ParseObject(string path)
    {
        Enter(path);
        _pos++;
        var obj = new JsonObject();
        SkipWs();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            _depth--;
            return obj;
        }
        while (true)
        {
            SkipWs();
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error("expected a member name in double quotes");
            }
            string name = ParseString();
            SkipWs();
            if (_pos >= _text.Length || _text[_pos] != ':')
            {
                throw Error($"expected ':' after member name \"{name}\"");
            }
            _pos++;
            string childPath = path.Length == 0 ? name : path + "." + name;
            var value = ParseValue(childPath);
            if (obj.ContainsKey(name))
            {
                _duplicates.Add(new JsonProblem(childPath, $"duplicate member \"{name}\""));
                obj.Remove(name);
            }
            obj[name] = value;
            SkipWs();
            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of the document inside an object");
            }
            if (_text[_pos] == ',')
            {
                _pos++;
                continue;
            }
            if (_text[_pos] == '}')
            {
                _pos++;
                _depth--;
                return obj;
            }
            throw Error($"expected ',' or '}}' but found '{_text[_pos]}'");
        }
    }

    private JsonArray ParseArray(string path)
    {
        Enter(path);
        _pos++;
        var arr = new JsonArray();
        SkipWs();
        if (_pos < _text.Length && _text[_pos] == ']')
        {
            _pos++;
            _depth--;
            return arr;
        }
        while (true)
        {
            arr.Add(ParseValue(path + "[" + arr.Count.ToString(CultureInfo.InvariantCulture) + "]"));
            SkipWs();
            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of the document inside an array");
            }
            if (_text[_pos] == ',')
            {
                _pos++;
                continue;
            }
            if (_text[_pos] == ']')
            {
                _pos++;
                _depth--;
                return arr;
            }
            throw Error($"expected ',' or ']' but found '{_text[_pos]}'");
        }
    }

    private JsonValue ParseNumber()
    {
        int start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] == 'I')
            {
                Expect("Infinity");
                return JsonValue.Create(double.NegativeInfinity);
            }
        }
        bool isFloat = false;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is >= '0' and <= '9')
            {
                _pos++;
            }
            else if (c is '.' or 'e' or 'E' or '+' or '-')
            {
                isFloat = true;
                _pos++;
            }
            else
            {
                break;
            }
        }
        var span = _text.AsSpan(start, _pos - start);
        if (!IsJsonNumber(span))
        {
            _pos = start;
            throw Error($"malformed number '{span.ToString()}'");
        }
        if (!isFloat)
        {
            // An integer literal is a Python int, exact at any size: beyond long it keeps its text.
            return long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : AsText(span);
        }
        double d = double.Parse(span, NumberStyles.Float, CultureInfo.InvariantCulture);
        // A float that System.Text.Json would write back like an integer (1.0 as "1", -0.0 as "-0") keeps its text, so
        // that a pipeline written out (a run manifest, a cluster request) reads back as the same float.
        return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? AsText(span) : JsonValue.Create(d);
    }

    /// <summary>A number backed by its own JSON text (a <see cref="JsonElement"/>).</summary>
    private static JsonValue AsText(ReadOnlySpan<char> number)
    {
        using var doc = JsonDocument.Parse(number.ToString());
        return JsonValue.Create(doc.RootElement.Clone())!;
    }

    private static bool IsJsonNumber(ReadOnlySpan<char> s)
    {
        int i = 0;
        if (i < s.Length && s[i] == '-') i++;
        if (i >= s.Length) return false;
        if (s[i] == '0') i++;
        else if (s[i] is >= '1' and <= '9') { while (i < s.Length && char.IsAsciiDigit(s[i])) i++; }
        else return false;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            int d = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == d) return false;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            int d = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == d) return false;
        }
        return i == s.Length;
    }

    private string ParseString()
    {
        _pos++;
        StringBuilder? sb = null;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char c = _text[_pos];
            if (c == '"')
            {
                string result = sb is null
                    ? _text.Substring(runStart, _pos - runStart)
                    : sb.Append(_text, runStart, _pos - runStart).ToString();
                _pos++;
                return result;
            }
            if (c < 0x20)
            {
                throw Error("control character inside a string");
            }
            if (c != '\\')
            {
                _pos++;
                continue;
            }
            sb ??= new StringBuilder();
            sb.Append(_text, runStart, _pos - runStart);
            _pos++;
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char e = _text[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("bad \\u escape");
                    }
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos--;
                    throw Error($"bad escape '\\{e}'");
            }
            runStart = _pos;
        }
    }
}
