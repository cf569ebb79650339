using System.Text.Json.Nodes;
using PodCache.Cache.Keys;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime;

/// <summary>
/// Request coordinates: an ordered set of named axes (the dims order of every output) and a CRS.
/// Reads and writes PODPAC coordinates JSON. Immutable.
/// </summary>
public sealed class Coordinates : IEquatable<Coordinates>
{
    /// <summary>The dim names PODPAC knows.</summary>
    public static IReadOnlyList<string> KnownDims { get; } = ["lat", "lon", "time", "alt"];

    private readonly Coordinates1D[] _axes;
    private Key? _key;

    /// <summary>Creates coordinates from axes with distinct names.</summary>
    /// <exception cref="ArgumentException">A dim appears twice.</exception>
    public Coordinates(IEnumerable<Coordinates1D> axes, string? crs = null)
    {
        ArgumentNullException.ThrowIfNull(axes);
        _axes = axes.ToArray();
        for (int i = 0; i < _axes.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (_axes[i].Name == _axes[j].Name)
                {
                    throw new ArgumentException($"dim '{_axes[i].Name}' appears twice", nameof(axes));
                }
            }
        }
        Crs = crs ?? CrsNames.Default;
    }

    /// <summary>No dims: the coordinates of a 0-d result.</summary>
    public static Coordinates Empty { get; } = new([], null);

    /// <summary>The axes in dims order.</summary>
    public IReadOnlyList<Coordinates1D> Axes => _axes;

    /// <summary>The dim names in order.</summary>
    public IReadOnlyList<string> Dims => _dims ??= _axes.Select(a => a.Name).ToArray();

    private string[]? _dims;

    /// <summary>Number of dims.</summary>
    public int Rank => _axes.Length;

    /// <summary>The size of every axis, in dims order (a fresh array each call).</summary>
    public int[] Shape
    {
        get
        {
            var s = new int[_axes.Length];
            for (int i = 0; i < s.Length; i++) s[i] = _axes[i].Size;
            return s;
        }
    }

    /// <summary>The number of points (product of the shape; 1 for no dims).</summary>
    public long Size
    {
        get
        {
            long n = 1;
            foreach (var a in _axes) n *= a.Size;
            return n;
        }
    }

    /// <summary>The CRS string as given.</summary>
    public string Crs { get; }

    /// <summary>The axis named <paramref name="dim"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such dim.</exception>
    public Coordinates1D this[string dim] =>
        IndexOf(dim) is >= 0 and var i ? _axes[i] : throw new KeyNotFoundException($"no dim '{dim}' in the coordinates");

    /// <summary>True when the coordinates have <paramref name="dim"/>.</summary>
    public bool Contains(string dim) => IndexOf(dim) >= 0;

    /// <summary>The position of <paramref name="dim"/>, or -1.</summary>
    public int IndexOf(string dim)
    {
        for (int i = 0; i < _axes.Length; i++)
        {
            if (_axes[i].Name == dim) return i;
        }
        return -1;
    }

    /// <summary>The same coordinates with one axis replaced (matched by name) or appended.</summary>
    public Coordinates With(Coordinates1D axis)
    {
        ArgumentNullException.ThrowIfNull(axis);
        int i = IndexOf(axis.Name);
        var axes = (Coordinates1D[])_axes.Clone();
        if (i >= 0)
        {
            axes[i] = axis;
            return new Coordinates(axes, Crs);
        }
        return new Coordinates([.. axes, axis], Crs);
    }

    /// <summary>The coordinates without the named dims.</summary>
    public Coordinates Drop(IEnumerable<string> dims)
    {
        var drop = dims.ToHashSet();
        return new Coordinates(_axes.Where(a => !drop.Contains(a.Name)), Crs);
    }

    /// <summary>Only the named dims, in the given order.</summary>
    public Coordinates Select(IEnumerable<string> dims) => new(dims.Select(d => this[d]), Crs);

    /// <summary>PODPAC coordinates JSON.</summary>
    public JsonObject ToJson()
    {
        var arr = new JsonArray();
        foreach (var a in _axes)
        {
            arr.Add(a is StackedCoordinates1D s ? s.ToJsonArray() : a.ToJson());
        }
        return new JsonObject { ["coords"] = arr, ["crs"] = Crs };
    }

    /// <summary>
    /// Lossless JSON for messages between processes: every axis exactly as held (the CoordinatesKey's form, uniform
    /// axes with their size) and the CRS as given. <see cref="FromExactJson"/> reads it back to coordinates with the
    /// same key; PODPAC's form (<see cref="ToJson"/>) would be normalised again on reading, which can move a stop by an
    /// ulp and change the key.
    /// </summary>
    public JsonObject ToExactJson()
    {
        var arr = new JsonArray();
        foreach (var a in _axes)
        {
            arr.Add((JsonNode)a.ToCanonicalJson());
        }
        return new JsonObject { ["axes"] = arr, ["crs"] = Crs };
    }

    /// <summary>Reads <see cref="ToExactJson"/>'s form (untrusted input: every field is checked).</summary>
    /// <exception cref="InvalidDataException">Not that form; the message names the field.</exception>
    public static Coordinates FromExactJson(JsonNode? node)
    {
        if (node is not JsonObject o || o["axes"] is not JsonArray axes)
        {
            throw new InvalidDataException("axes: must be a list");
        }
        string? crs = o["crs"] is JsonValue cv && cv.TryGetValue<string>(out var c) ? c : throw new InvalidDataException("crs: must be a string");
        var list = new List<Coordinates1D>(axes.Count);
        for (int i = 0; i < axes.Count; i++)
        {
            string p = $"axes[{i}]";
            if (axes[i] is not JsonObject a || a["name"] is not JsonValue nv || !nv.TryGetValue<string>(out var name) || name.Length == 0)
            {
                throw new InvalidDataException($"{p}.name: must be a dim name");
            }
            TimeUnit? unit = null;
            if (a["unit"] is { } un)
            {
                unit = un is JsonValue uv && uv.TryGetValue<string>(out var sym) && TimeUnits.TryParseSymbol(sym, out var tu) ? tu
                    : throw new InvalidDataException($"{p}.unit: not a time unit");
            }
            try
            {
                if (a["values"] is JsonArray values)
                {
                    var v = new double[values.Count];
                    for (int j = 0; j < v.Length; j++)
                    {
                        v[j] = Json.JsonNumbers.TryGetDouble(values[j], out var d) ? d
                            : throw new InvalidDataException($"{p}.values[{j}]: must be a number");
                    }
                    list.Add(new ArrayCoordinates1D(name, v, unit));
                }
                else
                {
                    list.Add(UniformCoordinates1D.Exact(name, Number(a, "start", p), Number(a, "stop", p), Number(a, "step", p),
                        Json.JsonNumbers.TryGetDouble(a["size"], out var size) && size == Math.Floor(size) && size is >= 1 and <= int.MaxValue
                            ? (int)size : throw new InvalidDataException($"{p}.size: must be a positive integer"),
                        unit));
                }
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{p}: {ex.Message}", ex);
            }
        }
        try
        {
            return new Coordinates(list, crs);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"axes: {ex.Message}", ex);
        }

        static double Number(JsonObject a, string field, string p) =>
            Json.JsonNumbers.TryGetDouble(a[field], out var d) ? d : throw new InvalidDataException($"{p}.{field}: must be a number");
    }

    /// <summary>The normalised form hashed for the CoordinatesKey (SPEC §4).</summary>
    public JsonObject ToCanonicalJson()
    {
        var arr = new JsonArray();
        foreach (var a in _axes)
        {
            arr.Add((JsonNode)a.ToCanonicalJson());
        }
        return new JsonObject { ["coords"] = arr, ["crs"] = CrsNames.Canonical(Crs) };
    }

    /// <summary>The CoordinatesKey: SHA-256 of the canonical JSON of the normalised coordinates.</summary>
    public Key Key => _key ??= CanonicalJson.Hash(ToCanonicalJson());

    /// <summary>Parses PODPAC coordinates JSON text (bare NaN/Infinity accepted).</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">A file name for messages.</param>
    /// <param name="limits">Nesting depth, document size and number of points; the defaults when null.</param>
    /// <exception cref="PipelineException">Malformed JSON or invalid coordinates, with every problem and its path.</exception>
    public static Coordinates Parse(string json, string? source = null, Execution.RuntimeLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        limits ??= Execution.RuntimeLimits.Default;
        if (json.Length > limits.MaxDocumentBytes)
        {
            throw new PipelineException([new PipelineError("", PipelineParser.DocumentTooLarge(json.Length, limits))], source);
        }
        JsonNode? node;
        try
        {
            node = LenientJson.Parse(json, out var dups, limits.MaxJsonDepth);
            if (dups.Count > 0)
            {
                throw new PipelineException(dups.Select(d => new PipelineError(d.Path, d.Message)).ToArray(), source);
            }
        }
        catch (LenientJson.DepthException ex)
        {
            throw new PipelineException([new PipelineError(ex.Path, ex.Problem)], source);
        }
        catch (LenientJson.SyntaxException ex)
        {
            throw new PipelineException([new PipelineError("", "malformed JSON: " + ex.Message)], source);
        }
        var errors = new ErrorSink();
        var coords = CoordinatesJson.Read(node, "", errors);
        errors.ThrowIfAny(source);
        CheckCells(coords!, limits, source);
        return coords!;
    }

    /// <summary>Reads coordinates from a parsed JSON node.</summary>
    /// <param name="node">The JSON.</param>
    /// <param name="limits">The number of points allowed; the defaults when null.</param>
    /// <exception cref="PipelineException">Invalid coordinates.</exception>
    public static Coordinates FromJson(JsonNode? node, Execution.RuntimeLimits? limits = null)
    {
        var errors = new ErrorSink();
        var coords = CoordinatesJson.Read(node, "", errors);
        errors.ThrowIfAny();
        CheckCells(coords!, limits ?? Execution.RuntimeLimits.Default, null);
        return coords!;
    }

    private static void CheckCells(Coordinates coords, Execution.RuntimeLimits limits, string? source)
    {
        long cells = Execution.RuntimeLimits.Cells(coords);
        if (cells > limits.MaxCellsPerRequest)
        {
            throw new PipelineException([new PipelineError("coords",
                $"{Execution.RuntimeLimits.DescribeCells(cells)} ({string.Join(" x ", coords.Shape)}); a request may have at most {limits.MaxCellsPerRequest:N0} (limits.maxCellsPerRequest)")], source);
        }
        if (TimeUnits.FindUnrepresentable(coords) is { } problem)
        {
            throw new PipelineException([new PipelineError("coords", problem)], source);
        }
    }

    /// <inheritdoc/>
    public bool Equals(Coordinates? other) =>
        other is not null && other.Key == Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Coordinates);

    /// <inheritdoc/>
    public override int GetHashCode() => Key.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => "{" + string.Join(", ", _axes.Select(a => a.ToString())) + "}";
}
