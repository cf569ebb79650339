using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Bounds on what one input may make PodCache hold or do, checked before anything is allocated: JSON nesting and
/// size, nodes and inputs, cells per request and per node output, kernel size. Each value is validated when set; the
/// defaults keep a 24 GiB machine safe with a few runs at once. Configured by the top-level <c>limits</c> section of
/// the configuration file (<see cref="FromJson"/>).
/// </summary>
public sealed class RuntimeLimits
{
    /// <summary>The most a nesting depth may be set to: the JSON reader recurses once per level.</summary>
    public const int MaxJsonDepthCeiling = 1000;

    private int _maxJsonDepth = 64;
    private long _maxDocumentBytes = 64L << 20;
    private int _maxNodes = 10_000;
    private int _maxInputsPerNode = 1024;
    private long _maxCellsPerRequest = 1L << 28;
    private long _maxCellsPerNode = 1L << 28;
    private long _maxKernelCells = 1L << 20;

    /// <summary>The defaults, for callers given no limits (never changed).</summary>
    internal static RuntimeLimits Default { get; } = new();

    /// <summary>
    /// How deeply JSON arrays and objects may nest in a pipeline, coordinates, manifest or request body (default 64;
    /// PODPAC pipelines nest a handful of levels). The reader recurses once per level, so this bounds its stack.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 2 or above <see cref="MaxJsonDepthCeiling"/>.</exception>
    public int MaxJsonDepth
    {
        get => _maxJsonDepth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxJsonDepthCeiling);
            _maxJsonDepth = value;
        }
    }

    /// <summary>The largest pipeline, coordinates or request document read, in bytes (default 64 MiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 KiB or above 2 GiB.</exception>
    public long MaxDocumentBytes
    {
        get => _maxDocumentBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            // Documents are read into one string.
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue);
            _maxDocumentBytes = value;
        }
    }

    /// <summary>The most nodes a pipeline may define (default 10,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MaxNodes
    {
        get => _maxNodes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxNodes = value;
        }
    }

    /// <summary>The most inputs one node may read, counting each ref of a list (default 1,024).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MaxInputsPerNode
    {
        get => _maxInputsPerNode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxInputsPerNode = value;
        }
    }

    /// <summary>The most points the request's coordinates may have (default 2^28: 2 GiB of float64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 or above 2^31 − 1 (one array's length).</exception>
    public long MaxCellsPerRequest
    {
        get => _maxCellsPerRequest;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue);
            _maxCellsPerRequest = value;
        }
    }

    /// <summary>
    /// The most points any node may be asked for, after a Convolution grows its source's request by the kernel
    /// (default 2^28: 2 GiB of float64 per node output).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 or above 2^31 − 1 (one array's length).</exception>
    public long MaxCellsPerNode
    {
        get => _maxCellsPerNode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue);
            _maxCellsPerNode = value;
        }
    }

    /// <summary>The most taps a convolution kernel may have, all axes multiplied (default 2^20).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 or above 2^31 − 1.</exception>
    public long MaxKernelCells
    {
        get => _maxKernelCells;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue);
            _maxKernelCells = value;
        }
    }

    /// <summary>The product of <paramref name="sizes"/>, or <see cref="long.MaxValue"/> when it does not fit.</summary>
    public static long SaturatingProduct(IEnumerable<long> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        long n = 1;
        foreach (long s in sizes)
        {
            if (s <= 0) return 0;
            n = n > long.MaxValue / s ? long.MaxValue : n * s;
        }
        return n;
    }

    /// <summary>The number of points of <paramref name="coordinates"/>, saturating instead of overflowing.</summary>
    public static long Cells(Coordinates coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        // Asked once per planned node: no shape array, no iterator.
        var axes = coordinates.Axes;
        long n = 1;
        for (int i = 0; i < axes.Count; i++)
        {
            long s = axes[i].Size;
            if (s <= 0) return 0;
            n = n > long.MaxValue / s ? long.MaxValue : n * s;
        }
        return n;
    }

    /// <summary>"N points", or "more than 2^63 points" when <paramref name="cells"/> saturated.</summary>
    internal static string DescribeCells(long cells) =>
        cells == long.MaxValue ? "more than 2^63 points" : string.Create(CultureInfo.InvariantCulture, $"{cells:N0} points");

    /// <summary>
    /// Reads the <c>limits</c> section: <c>{"maxJsonDepth": 64, "maxDocumentBytes": "64MiB", "maxNodes": 10000,
    /// "maxInputsPerNode": 1024, "maxCellsPerRequest": 268435456, "maxCellsPerNode": 268435456, "maxKernelCells": 1048576}</c>;
    /// every key is optional. Sizes in bytes take a number or a size string (<see cref="ByteSize"/>).
    /// </summary>
    /// <param name="section">The section; the defaults when null.</param>
    /// <param name="source">The file name for messages.</param>
    /// <exception cref="ConfigurationException">An unknown key or a value out of range; every problem is listed with its path.</exception>
    public static RuntimeLimits FromJson(JsonObject? section, string source = "podcache.json")
    {
        var errors = new List<string>();
        var limits = Read(section, errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException($"{source}: {errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }
        return limits;
    }

    /// <summary>Reads the <c>limits</c> section (the defaults when null), adding each problem, with its path, to <paramref name="errors"/>.</summary>
    public static RuntimeLimits Read(JsonObject? section, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var limits = new RuntimeLimits();
        if (section is null) return limits;
        foreach (var (name, value) in section)
        {
            string path = "limits." + name;
            try
            {
                switch (name)
                {
                    case "maxJsonDepth":
                        if (Count(value, path, errors) is { } depth) limits.MaxJsonDepth = (int)Math.Clamp(depth, int.MinValue, int.MaxValue);
                        break;
                    case "maxDocumentBytes":
                        if (Bytes(value, path, errors) is { } bytes) limits.MaxDocumentBytes = bytes;
                        break;
                    case "maxNodes":
                        if (Count(value, path, errors) is { } nodes) limits.MaxNodes = (int)Math.Clamp(nodes, int.MinValue, int.MaxValue);
                        break;
                    case "maxInputsPerNode":
                        if (Count(value, path, errors) is { } inputs) limits.MaxInputsPerNode = (int)Math.Clamp(inputs, int.MinValue, int.MaxValue);
                        break;
                    case "maxCellsPerRequest":
                        if (Count(value, path, errors) is { } request) limits.MaxCellsPerRequest = request;
                        break;
                    case "maxCellsPerNode":
                        if (Count(value, path, errors) is { } node) limits.MaxCellsPerNode = node;
                        break;
                    case "maxKernelCells":
                        if (Count(value, path, errors) is { } kernel) limits.MaxKernelCells = kernel;
                        break;
                    default:
                        errors.Add($"{path}: unknown key; limits are maxJsonDepth, maxDocumentBytes, maxNodes, maxInputsPerNode, "
                            + "maxCellsPerRequest, maxCellsPerNode and maxKernelCells");
                        break;
                }
            }
            catch (ArgumentOutOfRangeException ex)
            {
                errors.Add($"{path}: {Range(name)} (got {ex.ActualValue})");
            }
        }
        return limits;
    }

    private static string Range(string name) => name switch
    {
        "maxJsonDepth" => string.Create(CultureInfo.InvariantCulture, $"must be from 2 to {MaxJsonDepthCeiling}"),
        "maxDocumentBytes" => "must be from 1KiB to 2GiB",
        "maxNodes" or "maxInputsPerNode" => "must be at least 1",
        _ => string.Create(CultureInfo.InvariantCulture, $"must be from 1 to {int.MaxValue} (one array's length)"),
    };

    private static long? Count(JsonNode? node, string path, ICollection<string> errors)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l)) return l;
            if (v.TryGetValue<int>(out var i)) return i;
            if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) return (long)d;
        }
        errors.Add($"{path}: must be a whole number");
        return null;
    }

    private static long? Bytes(JsonNode? node, string path, ICollection<string> errors)
    {
        if (ByteSize.TryParse(node, out long bytes, out var why)) return bytes;
        errors.Add($"{path}: {why}");
        return null;
    }
}
