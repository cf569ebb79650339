using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Zarr;

/// <summary>The element types a Zarr v2 array may have here (numpy's kind letters b, i, u, f).</summary>
internal enum ZarrKind
{
    Bool,
    Int,
    UInt,
    Float,
}

/// <summary>A parsed numpy dtype string such as <c>&lt;f4</c> or <c>|u1</c>.</summary>
/// <param name="Text">The dtype as written in <c>.zarray</c>.</param>
/// <param name="Kind">Bool, signed, unsigned or floating point.</param>
/// <param name="ItemSize">Bytes per element: 1, 2, 4 or 8.</param>
/// <param name="BigEndian">True for <c>&gt;</c>.</param>
internal sealed record ZarrDType(string Text, ZarrKind Kind, int ItemSize, bool BigEndian)
{
    /// <summary>Parses <paramref name="text"/>; NotSupportedException for any dtype outside b1, i1-8, u1-8, f2-8.</summary>
    public static ZarrDType Parse(string text, string key)
    {
        if (text.Length == 3 && (text[0] is '<' or '>' or '|' or '='))
        {
            bool big = text[0] == '>';
            int size = text[2] - '0';
            var kind = text[1] switch
            {
                'b' when size == 1 => ZarrKind.Bool,
                'i' when size is 1 or 2 or 4 or 8 => ZarrKind.Int,
                'u' when size is 1 or 2 or 4 or 8 => ZarrKind.UInt,
                'f' when size is 2 or 4 or 8 => ZarrKind.Float,
                _ => (ZarrKind?)null,
            };
            if (kind is not null && !(text[0] == '|' && size != 1) && !(text[0] == '=' && size != 1))
            {
                return new ZarrDType(text, kind.Value, size, big && size > 1);
            }
        }

        throw new NotSupportedException(
            $"'{key}': the dtype \"{text}\" is not supported; only |b1, |i1, |u1, <i2..>i8, <u2..>u8 and <f2..>f8 are");
    }
}

/// <summary>
/// The contents of a Zarr v2 <c>.zarray</c>, checked as untrusted input: every problem is an
/// <see cref="InvalidDataException"/> or <see cref="NotSupportedException"/> naming the key and the field.
/// </summary>
internal sealed class ZarrMetadata
{
    /// <summary>The largest rank accepted.</summary>
    public const int MaxRank = 32;

    /// <summary>The largest decoded chunk accepted, in bytes (1 GiB).</summary>
    public const long MaxChunkBytes = 1L << 30;

    private ZarrMetadata(int[] shape, int[] chunks, ZarrDType dtype, bool fortranOrder, JsonObject? compressor,
        double? fillValue, char separator)
    {
        Shape = shape;
        Chunks = chunks;
        DType = dtype;
        FortranOrder = fortranOrder;
        Compressor = compressor;
        FillValue = fillValue;
        Separator = separator;
        long n = 1;
        foreach (int c in chunks)
        {
            n *= c;
        }

        ChunkElements = (int)n;
    }

    /// <summary>The array's shape.</summary>
    public int[] Shape { get; }

    /// <summary>The chunk shape.</summary>
    public int[] Chunks { get; }

    /// <summary>Elements per (full-size) chunk.</summary>
    public int ChunkElements { get; }

    /// <summary>The dtype.</summary>
    public ZarrDType DType { get; }

    /// <summary>True for <c>"order": "F"</c>: elements within a chunk are column-major.</summary>
    public bool FortranOrder { get; }

    /// <summary>The compressor's configuration (with its <c>id</c>), or null for none.</summary>
    public JsonObject? Compressor { get; }

    /// <summary>The fill value as a double, or null when <c>fill_value</c> is null.</summary>
    public double? FillValue { get; }

    /// <summary>The filters, in encoding order (decoding runs them last to first): only numcodecs' delta.</summary>
    public IReadOnlyList<ZarrDelta> Filters { get; private init; } = [];

    /// <summary>The bytes the compressor must decode a chunk to (before the filters).</summary>
    public int CompressedChunkBytes => ChunkElements * (Filters.Count == 0 ? DType.ItemSize : Filters[^1].AsType.ItemSize);

    /// <summary>The <c>dimension_separator</c>: '.' (the default) or '/'.</summary>
    public char Separator { get; }

    /// <summary>JSON as Zarr metadata is read: duplicate property names are an error (not a later ArgumentException).</summary>
    internal static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 256 };

    /// <summary>Parses a <c>.zarray</c> document's bytes.</summary>
    public static ZarrMetadata Parse(byte[] bytes, string key)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{key}' is not valid JSON: {e.Message}", e);
        }

        return Parse(node as JsonObject ?? throw new InvalidDataException($"'{key}' is not a JSON object"), key);
    }

    /// <summary>Checks and reads a parsed <c>.zarray</c> object.</summary>
    public static ZarrMetadata Parse(JsonObject o, string key)
    {
        var format = o["zarr_format"];
        if (format is null)
        {
            throw new InvalidDataException($"'{key}' has no \"zarr_format\"");
        }

        if (!TryInt(format, out long fmt))
        {
            throw new InvalidDataException($"'{key}': \"zarr_format\" is not an integer");
        }

        if (fmt != 2)
        {
            throw new NotSupportedException($"'{key}': \"zarr_format\" {fmt} is not supported; only Zarr v2 is");
        }

        int[] shape = IntArray(o, "shape", key, allowZero: true);
        int[] chunks = IntArray(o, "chunks", key, allowZero: false);
        if (chunks.Length != shape.Length)
        {
            throw new InvalidDataException($"'{key}': \"chunks\" has {chunks.Length} dimensions but \"shape\" has {shape.Length}");
        }

        ZarrDType dtype = o["dtype"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => ZarrDType.Parse(v.GetValue<string>(), key),
            null => throw new InvalidDataException($"'{key}' has no \"dtype\""),
            var other => throw new NotSupportedException($"'{key}': the dtype {Truncate(other.ToJsonString())} is not supported (structured dtypes are not)"),
        };

        long chunkBytes = dtype.ItemSize;
        foreach (int c in chunks)
        {
            chunkBytes *= c;
            if (chunkBytes > MaxChunkBytes)
            {
                throw new InvalidDataException($"'{key}': \"chunks\" [{string.Join(", ", chunks)}] make chunks larger than {MaxChunkBytes >> 30} GiB");
            }
        }

        bool fortran = o["order"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "C" => false,
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "F" => true,
            null => false,
            var other => throw new InvalidDataException($"'{key}': \"order\" {Truncate(other.ToJsonString())} is neither \"C\" nor \"F\""),
        };

        JsonObject? compressor = o["compressor"] switch
        {
            null => null,
            JsonObject c when c["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String => c,
            var other => throw new InvalidDataException($"'{key}': \"compressor\" {Truncate(other.ToJsonString())} is neither null nor an object with an \"id\""),
        };

        var filters = new List<ZarrDelta>();
        switch (o["filters"])
        {
            case null:
                break;
            case JsonArray a:
                foreach (var f in a)
                {
                    filters.Add(ZarrDelta.Parse(f, dtype, key));
                }

                break;
            default:
                throw new InvalidDataException($"'{key}': \"filters\" is neither null nor an array");
        }

        int widest = filters.Count == 0 ? dtype.ItemSize : Math.Max(dtype.ItemSize, filters.Max(f => f.AsType.ItemSize));
        if (chunkBytes / dtype.ItemSize * widest > MaxChunkBytes)
        {
            throw new InvalidDataException($"'{key}': \"chunks\" [{string.Join(", ", chunks)}] with the filters' \"astype\" make chunks larger than {MaxChunkBytes >> 30} GiB");
        }

        for (int i = 0; i < filters.Count; i++)
        {
            var decodedTo = i == 0 ? dtype : filters[i - 1].AsType;
            if ((filters[i].DType.Kind, filters[i].DType.ItemSize, filters[i].DType.BigEndian) != (decodedTo.Kind, decodedTo.ItemSize, decodedTo.BigEndian))
            {
                throw new NotSupportedException(
                    $"'{key}': the delta filter's dtype \"{filters[i].DType.Text}\" is not the dtype it must decode to (\"{decodedTo.Text}\")");
            }
        }

        double? fill = ParseFill(o["fill_value"], dtype, key);

        char separator = o["dimension_separator"] switch
        {
            null => '.',
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "." => '.',
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "/" => '/',
            var other => throw new InvalidDataException($"'{key}': \"dimension_separator\" {Truncate(other.ToJsonString())} is neither \".\" nor \"/\""),
        };

        return new ZarrMetadata(shape, chunks, dtype, fortran, compressor, fill, separator) { Filters = filters };
    }

    private static double? ParseFill(JsonNode? node, ZarrDType dtype, string key)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return v.GetValue<double>();
            case JsonValue v when v.GetValueKind() == JsonValueKind.True:
                return 1;
            case JsonValue v when v.GetValueKind() == JsonValueKind.False:
                return 0;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                switch (v.GetValue<string>())
                {
                    case "NaN":
                        return double.NaN;
                    case "Infinity":
                        return double.PositiveInfinity;
                    case "-Infinity":
                        return double.NegativeInfinity;
                    case var s when dtype.Kind != ZarrKind.Float && dtype.ItemSize <= 8 && TryBase64(s, dtype, out double d):
                        return d;
                    default:
                        break;
                }

                break;
            default:
                break;
        }

        throw new InvalidDataException($"'{key}': \"fill_value\" {Truncate(node.ToJsonString())} is not a number, null, \"NaN\", \"Infinity\" or \"-Infinity\"");
    }

    // Never written by zarr for numeric dtypes, but tolerated: a base64 string of exactly one element's bytes.
    private static bool TryBase64(string s, ZarrDType dtype, out double value)
    {
        value = 0;
        Span<byte> buffer = stackalloc byte[16];
        if (!Convert.TryFromBase64String(s, buffer, out int n) || n != dtype.ItemSize)
        {
            return false;
        }

        value = ZarrConvert.Read(dtype, buffer[..n]);
        return true;
    }

    private static int[] IntArray(JsonObject o, string field, string key, bool allowZero)
    {
        if (o[field] is not JsonArray a)
        {
            throw new InvalidDataException($"'{key}': \"{field}\" is missing or not an array");
        }

        if (a.Count > MaxRank)
        {
            throw new InvalidDataException($"'{key}': \"{field}\" has {a.Count} dimensions; at most {MaxRank} are supported");
        }

        var result = new int[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is not { } item || !TryInt(item, out long v) || v < (allowZero ? 0 : 1) || v > int.MaxValue)
            {
                throw new InvalidDataException(
                    $"'{key}': \"{field}\"[{i}] = {Truncate(a[i]?.ToJsonString() ?? "null")} is not an integer in [{(allowZero ? 0 : 1)}, {int.MaxValue}]");
            }

            result[i] = (int)v;
        }

        return result;
    }

    private static bool TryInt(JsonNode node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    internal static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    internal static string Format(long v) => v.ToString(CultureInfo.InvariantCulture);
}
