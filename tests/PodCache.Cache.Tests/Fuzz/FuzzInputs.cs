using System.Globalization;
using System.Text;
using CsCheck;

namespace PodCache.Tests.Fuzz;

/// <summary>
/// Shared by the fuzz targets of every test project (linked into each): iteration counts, mutators of valid inputs
/// (bytes and JSON text) and the check that only documented exceptions come out, within a time bound.
/// </summary>
/// <remarks>
/// The normal suite runs a few hundred inputs per target. <c>PODCACHE_FUZZ_ITER=N</c> runs N per target instead, and
/// <c>PODCACHE_FUZZ_SEED</c> replays one CsCheck seed (CsCheck prints it on failure). See docs/fuzzing.md.
/// </remarks>
internal static class FuzzInputs
{
    /// <summary>Deepest nesting generated: the JSON reader still recurses, and deeper input would kill the test host.</summary>
    public const int MaxNesting = 50;

    /// <summary>The bound on one input's processing; far above any real parse, it catches hangs and blow-ups.</summary>
    public static readonly TimeSpan PerInput = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("PODCACHE_FUZZ_TIMEOUT_S"), out int s) && s > 0 ? s : 20);

    /// <summary>Iterations for a target: <paramref name="normal"/> in the suite, <c>PODCACHE_FUZZ_ITER</c> when set.</summary>
    public static long Iterations(long normal) =>
        long.TryParse(Environment.GetEnvironmentVariable("PODCACHE_FUZZ_ITER"), out long n) && n > 0 ? n : normal;

    /// <summary>A seed to replay (<c>PODCACHE_FUZZ_SEED</c>), or null for a fresh one.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("PODCACHE_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>Seconds to run each target instead of a count (<c>PODCACHE_FUZZ_SECONDS</c>), or null.</summary>
    public static int? Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("PODCACHE_FUZZ_SECONDS"), out int s) && s > 0 ? s : null;

    /// <summary>
    /// Runs <paramref name="action"/> on <paramref name="gen"/>'s inputs; CsCheck shrinks and prints the seed on failure.
    /// With <c>PODCACHE_FUZZ_LOG=FILE</c> each target appends CsCheck's summary line (iterations run) to FILE.
    /// </summary>
    public static void Run<T>(Gen<T> gen, Action<T> action, long normalIterations, Func<T, string>? print = null,
        [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerMemberName] string member = "")
    {
        string target = Path.GetFileNameWithoutExtension(file) + "." + member;
        string? log = Environment.GetEnvironmentVariable("PODCACHE_FUZZ_LOG");
        Action<string>? writeLine = string.IsNullOrEmpty(log)
            ? null
            : line => File.AppendAllText(log, $"{DateTime.UtcNow:O} {target}: {line}{Environment.NewLine}");
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var body = action;
        if (Collect)
        {
            // Exploring: note each distinct undocumented exception (type and throwing frame) with one input, and go on.
            body = input =>
            {
                try
                {
                    action(input);
                }
                catch (UndocumentedExceptionException ex)
                {
                    found.TryAdd(Signature(ex.InnerException!), (print ?? (x => x?.ToString() ?? "null"))(input));
                }
            };
        }
        if (Seconds is { } seconds)
        {
            gen.Sample(body, writeLine: writeLine, seed: Seed, time: seconds, print: print);
        }
        else
        {
            gen.Sample(body, writeLine: writeLine, seed: Seed, iter: Iterations(normalIterations), print: print);
        }
        if (!found.IsEmpty)
        {
            string report = string.Join(Environment.NewLine, found.Select(kv => $"{kv.Key}{Environment.NewLine}    input: {kv.Value}"));
            if (writeLine is not null) writeLine("FOUND" + Environment.NewLine + report);
            throw new InvalidOperationException($"{target}: {found.Count} distinct undocumented exceptions:{Environment.NewLine}{report}");
        }
    }

    /// <summary>Appends <paramref name="line"/> to the <c>PODCACHE_FUZZ_LOG</c> file, when one is set (statistics of a run).</summary>
    public static void Note(string line)
    {
        if (Environment.GetEnvironmentVariable("PODCACHE_FUZZ_LOG") is { Length: > 0 } log)
        {
            File.AppendAllText(log, $"{DateTime.UtcNow:O} {line}{Environment.NewLine}");
        }
    }

    /// <summary><c>PODCACHE_FUZZ_COLLECT=1</c>: collect distinct failures instead of stopping (and shrinking) at the first.</summary>
    public static bool Collect => Environment.GetEnvironmentVariable("PODCACHE_FUZZ_COLLECT") == "1";

    private static string Signature(Exception ex)
    {
        var frames = (ex.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string product = frames.FirstOrDefault(f => f.StartsWith("at PodCache.", StringComparison.Ordinal) && !f.Contains(".Tests.", StringComparison.Ordinal)) ?? "";
        string innermost = frames.FirstOrDefault() ?? "";
        static string Trim(string f) => f.Split(" in ")[0];
        return $"{ex.GetType().FullName} | {Trim(innermost)} | {Trim(product)}";
    }

    /// <summary>
    /// Runs <paramref name="action"/> and fails when it throws anything but <paramref name="allowed"/> (or a subclass) or
    /// takes longer than <see cref="PerInput"/>. Returns the allowed exception thrown, or null.
    /// </summary>
    public static Exception? Expect(Action action, params Type[] allowed)
    {
        Exception? thrown = null;
        var task = Task.Run(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                thrown = ex;
            }
        });
        if (!task.Wait(PerInput))
        {
            throw new TimeoutException($"one input took longer than {PerInput.TotalSeconds} s");
        }
        if (thrown is null)
        {
            return null;
        }
        if (!allowed.Any(t => t.IsInstanceOfType(thrown)))
        {
            throw new UndocumentedExceptionException(thrown);
        }
        return thrown;
    }

    /// <summary>Thrown by <see cref="Expect"/>: the undocumented exception, with its stack, as inner exception.</summary>
    public sealed class UndocumentedExceptionException(Exception inner)
        : Exception($"undocumented {inner.GetType().FullName}: {inner.Message}", inner);

    // ------------------------------------------------------------------ bytes

    /// <summary>Interesting 32-bit values for length and offset fields.</summary>
    private static readonly uint[] Extremes32 = [0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    /// <summary>
    /// One of <paramref name="seeds"/> with 1–4 mutations: bit flips, bytes set to extremes, truncation, deleted,
    /// duplicated or inserted ranges, and 2/4/8-byte fields overwritten with extremes (in either byte order) at random
    /// offsets or at <paramref name="hotOffsets"/> (length fields and the like; negative offsets count from the end).
    /// </summary>
    public static Gen<byte[]> MutatedBytes(IReadOnlyList<byte[]> seeds, IReadOnlyList<int>? hotOffsets = null)
    {
        var hot = hotOffsets ?? [];
        return Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[1, 4], Gen.ULong.Array[16], (i, n, r) =>
        {
            var data = seeds[i].ToArray();
            for (int k = 0; k < n; k++)
            {
                data = MutateOnce(data, r[(k * 4) % 16], r[((k * 4) + 1) % 16], r[((k * 4) + 2) % 16], hot);
            }
            return data;
        });
    }

    private static byte[] MutateOnce(byte[] data, ulong a, ulong b, ulong c, IReadOnlyList<int> hot)
    {
        int len = data.Length;
        int Pos(ulong x) => len == 0 ? 0 : (int)(x % (ulong)len);
        switch (a % 10)
        {
            case 0 when len > 0:
                data[Pos(b)] ^= (byte)(1 << (int)(c % 8));
                return data;
            case 1 when len > 0:
                data[Pos(b)] = (byte)Extremes32[c % (ulong)Extremes32.Length];
                return data;
            case 2:
                return data[..Pos(b)];
            case 3 when len > 0:
            {
                int at = Pos(b), n = (int)Math.Min((ulong)(len - at), 1 + (c % 64));
                return [.. data[..at], .. data[(at + n)..]];
            }
            case 4 when len > 0:
            {
                int at = Pos(b), n = (int)Math.Min((ulong)(len - at), 1 + (c % 64));
                return [.. data[..(at + n)], .. data[at..(at + n)], .. data[(at + n)..]];
            }
            case 5:
            {
                int at = Pos(b);
                var extra = BitConverter.GetBytes(c)[..(int)(1 + (c % 8))];
                return [.. data[..at], .. extra, .. data[at..]];
            }
            case 6 or 7 or 8:
            {
                int width = (int)(2 << (int)(b % 3)); // 2, 4 or 8
                int at;
                if (a % 10 == 8 && hot.Count > 0)
                {
                    int h = hot[(int)(b / 3 % (ulong)hot.Count)];
                    at = h < 0 ? len + h : h;
                }
                else
                {
                    at = Pos(b / 3);
                }
                if (at < 0 || at + width > len)
                {
                    return data;
                }
                ulong value = (c / 2 % 4) switch
                {
                    0 => Extremes32[c / 8 % (ulong)Extremes32.Length],
                    1 => ulong.MaxValue - (c / 8 % 4),
                    2 => 0x8000000000000000UL + (c / 8 % 2),
                    _ => (ulong)len + (c / 8 % 64) - 32,
                };
                var field = BitConverter.GetBytes(value);
                if ((c & 1) == 1) Array.Reverse(field);
                field.AsSpan(0, width).CopyTo(data.AsSpan(at, width));
                return data;
            }
            default:
                return data;
        }
    }

    /// <summary>UTF-8 of <paramref name="text"/> with invalid sequences (lone continuation bytes, overlong forms,
    /// surrogates, truncated sequences) spliced in at random places.</summary>
    public static Gen<byte[]> WithInvalidUtf8(Gen<string> text) =>
        Gen.Select(text, Gen.Int[0, 5], Gen.Int[0, int.MaxValue], (t, kind, at) =>
        {
            var bytes = Encoding.UTF8.GetBytes(t);
            byte[] bad = kind switch
            {
                0 => [0x80],
                1 => [0xC0, 0xAF],
                2 => [0xED, 0xA0, 0x80],
                3 => [0xF4, 0x90, 0x80, 0x80],
                4 => [0xE2, 0x82],
                _ => [0xFF, 0xFE],
            };
            int p = bytes.Length == 0 ? 0 : at % (bytes.Length + 1);
            return (byte[])[.. bytes[..p], .. bad, .. bytes[p..]];
        });

    // ------------------------------------------------------------------ JSON text

    /// <summary>Numbers at the edges of what parsers and arithmetic handle.</summary>
    public static readonly string[] ExtremeNumbers =
    [
        "NaN", "-NaN", "Infinity", "-Infinity", "-0.0", "-0", "0", "1e308", "-1e308", "1e309", "-1e309", "4.9e-324", "1e-400",
        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "2147483647", "2147483648", "-2147483649", "4294967296", "123456789012345678901234567890123456789", "1E+2", "1.", ".5",
        "01", "1e", "--1", "0x10", "1_000", "1e99999", "-1e-99999", "0.1e-2147483648", "65536", "100000000",
    ];

    /// <summary>Tokens that replace or join a document's own tokens.</summary>
    private static readonly string[] Specials =
    [
        "{", "}", "[", "]", ",", ":", "null", "true", "false", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\u0001\"",
        "\"\u00e9\u4e2d\U0001F600\"", "\"\\\"\"", "\"\\x\"", "\"\\u12\"", "\"" + new string('a', 5000) + "\"", "\"nodes\"", "\"podpac_output_node\"",
        "\"core.algorithm.utility.SinCoords\"", "\"algorithm.Arithmetic\"", "\"data.Array\"", "\"lat\"", "\"lon\"", "\"time\"", "\"alt\"",
        "\"EPSG:4326\"", "\"P99Y\"", "\"1 day\"", "\"2020-01-01\"", "\"9999-12-31T23:59:59\"", "\"mean,3\"", "\"A + B\"", "\"{z}\"",
        "\u0000", "\ud800", "/*", "'", "\"unterminated", "[]", "{}",
    ];

    /// <summary>
    /// One of <paramref name="seeds"/> (JSON documents) with 1–4 token-level mutations. Two in three documents get only
    /// well-formedness-preserving ones (see <see cref="ReplaceValue"/>); the others any of: a token deleted, duplicated,
    /// swapped with another, or replaced by another token of the document (so refs point elsewhere), an extreme number,
    /// a special string or literal, or wrapped in up to <see cref="MaxNesting"/> levels of arrays or objects.
    /// </summary>
    public static Gen<string> MutatedJson(IReadOnlyList<string> seeds)
    {
        var tokenized = seeds.Select(Tokenize).ToArray();
        return Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[1, 4], Gen.ULong.Array[16], (i, n, r) =>
        {
            var tokens = tokenized[i].ToList();
            // Two documents in three keep well-formed (only values and names replaced), so most reach validation.
            bool wellFormed = r[15] % 3 != 0;
            for (int k = 0; k < n; k++)
            {
                ulong a = r[(k * 4) % 16], b = r[((k * 4) + 1) % 16], c = r[((k * 4) + 2) % 16], d = r[((k * 4) + 3) % 16];
                if (!(wellFormed && ReplaceValue(tokens, a, b, c, d)))
                {
                    MutateTokens(tokens, a, b, c, d);
                }
            }
            return string.Concat(tokens);
        });
    }

    private static void MutateTokens(List<string> t, ulong a, ulong b, ulong c, ulong d)
    {
        if (t.Count == 0)
        {
            t.Add(Specials[b % (ulong)Specials.Length]);
            return;
        }
        int p = (int)(b % (ulong)t.Count);
        int q = (int)(c % (ulong)t.Count);
        switch (a % 9)
        {
            case 0:
                t.RemoveAt(p);
                break;
            case 1:
                t.Insert(p, t[p]);
                break;
            case 2:
                (t[p], t[q]) = (t[q], t[p]);
                break;
            case 3:
                t[p] = t[q];
                break;
            case 4:
                t[p] = ExtremeNumbers[d % (ulong)ExtremeNumbers.Length];
                break;
            case 5:
                t[p] = Specials[d % (ulong)Specials.Length];
                break;
            case 6:
                t.Insert(p, Specials[d % (ulong)Specials.Length]);
                break;
            case 7:
            {
                int depth = 1 + (int)(d % MaxNesting);
                bool arrays = (d / MaxNesting % 2) == 0;
                t[p] = arrays
                    ? new string('[', depth) + t[p] + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + t[p] + new string('}', depth);
                break;
            }
            default:
                // A number token nudged: sign flipped, exponent grown, digits repeated.
                if (t[p].Length > 0 && (char.IsAsciiDigit(t[p][0]) || t[p][0] == '-'))
                {
                    t[p] = (d % 3) switch
                    {
                        0 => t[p].StartsWith('-') ? t[p][1..] : "-" + t[p],
                        1 => t[p] + "e" + (d / 3 % 700).ToString(CultureInfo.InvariantCulture),
                        _ => t[p] + new string('9', 1 + (int)(d / 3 % 40)),
                    };
                }
                else
                {
                    t[p] = t[p] + t[q];
                }
                break;
        }
    }

    /// <summary>Values that keep a document well-formed when they replace a value.</summary>
    private static readonly string[] Values =
    [
        "null", "true", "false", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('x', 3000) + "\"", "[]", "{}", "[[1, 2], [3]]",
        "{\"a\": 1}", "[null]", "[NaN, -0.0, 1e308]", "\"lat\"", "\"time\"", "\"2020-01-01T00:00:00\"", "\"P1D\"", "\"mean,3\"",
    ];

    /// <summary>
    /// A well-formedness-preserving mutation: a value (a string that is not a member name, a number or a literal) is
    /// replaced by another value of the document (so a ref points at another node, an attr takes another attr's value),
    /// an extreme number, or a value of another type; or a member name by another member name of the document.
    /// </summary>
    private static bool ReplaceValue(List<string> t, ulong a, ulong b, ulong c, ulong d)
    {
        var values = new List<int>();
        var names = new List<int>();
        for (int i = 0; i < t.Count; i++)
        {
            string tok = t[i];
            if (tok.Length == 0 || char.IsWhiteSpace(tok[0]) || tok is "{" or "}" or "[" or "]" or "," or ":") continue;
            int next = i + 1;
            while (next < t.Count && t[next].Length > 0 && char.IsWhiteSpace(t[next][0])) next++;
            (next < t.Count && t[next] == ":" && tok[0] == '"' ? names : values).Add(i);
        }
        if (values.Count == 0) return false;
        if (a % 5 == 4 && names.Count > 1)
        {
            t[names[(int)(b % (ulong)names.Count)]] = t[names[(int)(c % (ulong)names.Count)]];
            return true;
        }
        int p = values[(int)(b % (ulong)values.Count)];
        t[p] = (a % 5) switch
        {
            0 or 1 => t[values[(int)(c % (ulong)values.Count)]],
            2 => ExtremeNumbers[d % (ulong)ExtremeNumbers.Length],
            _ => Values[d % (ulong)Values.Length],
        };
        return true;
    }

    /// <summary>Splits JSON-like text into tokens (strings, numbers, words, punctuation, whitespace), losslessly.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            char ch = text[i];
            if (ch == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
                i = Math.Min(i + 1, text.Length);
            }
            else if (char.IsWhiteSpace(ch))
            {
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            }
            else if (char.IsAsciiLetterOrDigit(ch) || ch is '-' or '+' or '.')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '+' or '.' or '_')) i++;
            }
            else
            {
                i++;
            }
            tokens.Add(text[start..i]);
        }
        return tokens;
    }
}
