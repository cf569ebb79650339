using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Nodes;

/// <summary>
/// What a node factory sees: the validated attrs (defaults filled in), the input slots, and a place to report
/// problems with their JSON paths.
/// </summary>
public sealed class NodeBuildContext
{
    private readonly ErrorSink _errors;
    private readonly Dictionary<string, Coordinates> _coordinates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double[] Values, int[] Shape)> _arrays = new(StringComparer.Ordinal);

    internal NodeBuildContext(NodeType type, string nodeRef, string path, IReadOnlyList<string> slots, ErrorSink errors,
        Execution.RuntimeLimits? limits = null, string? baseDirectory = null)
    {
        BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory();
        Limits = limits ?? Execution.RuntimeLimits.Default;
        Type = type;
        NodeRef = nodeRef;
        Path = path;
        Slots = slots;
        _errors = errors;
    }

    /// <summary>The node's type.</summary>
    public NodeType Type { get; }

    /// <summary>The limits the pipeline is read under (a kernel's size, say).</summary>
    public Execution.RuntimeLimits Limits { get; }

    /// <summary>
    /// What relative source paths resolve against (SPEC §10): the pipeline file's folder, or the working directory for a
    /// pipeline from HTTP or stdin.
    /// </summary>
    public string BaseDirectory { get; }

    /// <summary>The node's ref in the pipeline.</summary>
    public string NodeRef { get; }

    /// <summary>The JSON path of the node definition, e.g. <c>out</c> (node refs are a pipeline file's top-level keys).</summary>
    public string Path { get; }

    /// <summary>Input slots in definition order.</summary>
    public IReadOnlyList<string> Slots { get; }

    /// <summary>Attrs with defaults filled in, normalised: the attrs part of the NodeKey.</summary>
    public JsonObject Attrs { get; } = new();

    /// <summary>The external data the node declared it reads (<see cref="DeclareSource"/>).</summary>
    internal List<PodCache.Runtime.Sources.SourceReference> Sources { get; } = [];

    /// <summary>
    /// Declares that the node reads <paramref name="location"/> (a file path or URL) named by attr
    /// <paramref name="attr"/>. The runner asks its <see cref="PodCache.Runtime.Sources.ISourceAccessPolicy"/> about every declared
    /// source before it touches any, and refuses the run naming <c>REF.attrs.ATTR</c>.
    /// </summary>
    public void DeclareSource(string attr, string location) => Sources.Add(new PodCache.Runtime.Sources.SourceReference(attr, location));

    /// <summary>True when a problem has been reported for this node.</summary>
    public bool HasErrors { get; private set; }

    /// <summary>Reports a problem with attr <paramref name="attr"/> (or the node itself when null).</summary>
    public void Error(string? attr, string message)
    {
        HasErrors = true;
        if (attr is not null && AttrOrigins.TryGetValue(attr, out var origin))
        {
            // The user wrote this value elsewhere (a lookup, or PODPAC 2's inputs): point there, not at an attr never written.
            _errors.Add($"{Path}.{origin.Path}", message + origin.Note);
            return;
        }
        _errors.Add(attr is null ? Path : $"{Path}.attrs.{attr}", message);
    }

    /// <summary>Attrs whose value the pipeline gives somewhere other than <c>attrs</c>: the path it is at, and a note.</summary>
    internal Dictionary<string, (string Path, string Note)> AttrOrigins { get; } = new(StringComparer.Ordinal);

    /// <summary><paramref name="text"/> the first time <paramref name="topic"/> comes up in this pipeline's errors, "" after.</summary>
    internal string Once(string topic, string text) => _errors.Once(topic, text);

    /// <summary>Reports a problem at a path relative to the node.</summary>
    public void ErrorAt(string relativePath, string message)
    {
        HasErrors = true;
        _errors.Add($"{Path}.{relativePath}", message);
    }

    /// <summary>A number attr.</summary>
    public double GetDouble(string name) => JsonNumbers.TryGetDouble(Attrs[name], out var d) ? d : double.NaN;

    /// <summary>A number-or-null attr.</summary>
    public double? GetNullableDouble(string name) => Attrs[name] is null ? null : GetDouble(name);

    /// <summary>A boolean attr.</summary>
    public bool GetBool(string name) => Attrs[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>A string attr (null when JSON null).</summary>
    public string? GetString(string name) => JsonNumbers.TryGetString(Attrs[name], out var s) ? s : null;

    /// <summary>A list-of-strings or dims attr; null when JSON null.</summary>
    public IReadOnlyList<string>? GetStrings(string name) => Attrs[name] switch
    {
        null => null,
        JsonArray a => a.Select(n => n!.GetValue<string>()).ToArray(),
        var v => [v.GetValue<string>()],
    };

    /// <summary>A list-of-numbers attr.</summary>
    public double[] GetDoubles(string name) =>
        Attrs[name] is JsonArray a ? a.Select(n => JsonNumbers.TryGetDouble(n, out var d) ? d : double.NaN).ToArray() : [];

    /// <summary>A coordinates attr.</summary>
    public Coordinates GetCoordinates(string name) => _coordinates[name];

    /// <summary>A nested-number-list attr, flattened row-major, with its shape.</summary>
    public (double[] Values, int[] Shape) GetArray(string name) => _arrays[name];

    /// <summary>
    /// PODPAC's <c>find_coordinates()</c> of the node in input <paramref name="slot"/>: the coordinates its data
    /// sources hold, one entry per source reached (duplicates kept). Null when the slot is not connected or a
    /// source on the way holds coordinates PodCache learns only by reading it (file sources).
    /// </summary>
    public IReadOnlyList<Coordinates>? FindCoordinates(string slot) => AvailableCoordinatesOf?.Invoke(slot);

    internal Func<string, IReadOnlyList<Coordinates>?>? AvailableCoordinatesOf { get; init; }

    /// <summary>True when the attr is present in the normalised attrs and not null.</summary>
    public bool IsSet(string name) => Attrs[name] is not null;

    internal void SetCoordinates(string name, Coordinates c) => _coordinates[name] = c;

    internal void SetArray(string name, double[] values, int[] shape) => _arrays[name] = (values, shape);
}
