namespace PodCache.Runtime.Nodes;

/// <summary>The inputs a node type takes.</summary>
public sealed class InputSpec
{
    private InputSpec(IReadOnlyList<string> names, bool anyNames, bool sourcesList, IReadOnlyList<string>? optional = null)
    {
        Names = names;
        AnyNames = anyNames;
        SourcesList = sourcesList;
        Optional = optional ?? [];
    }

    /// <summary>No inputs (data sources).</summary>
    public static InputSpec None { get; } = new([], false, false);

    /// <summary>Exactly these named inputs, each one ref.</summary>
    public static InputSpec Named(params string[] names) => new(names, false, false);

    /// <summary>
    /// These named inputs plus <paramref name="optional"/> ones a pipeline may leave out (PODPAC's node attrs with a
    /// default, such as <c>coordinates_source</c>, which defaults to <c>source</c>).
    /// </summary>
    public InputSpec WithOptional(params string[] optional) => new(Names, AnyNames, SourcesList, optional);

    /// <summary>Any names (Arithmetic), each one ref, except <paramref name="reserved"/>.</summary>
    public static InputSpec Free(params string[] reserved) => new(reserved, true, false);

    /// <summary>One input <c>sources</c> holding a non-empty list of refs (compositors).</summary>
    public static InputSpec Sources { get; } = new(["sources"], false, true);

    /// <summary>The fixed names; for <see cref="AnyNames"/>, the reserved names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Named inputs that may be left out.</summary>
    public IReadOnlyList<string> Optional { get; }

    /// <summary>True when any input names are allowed.</summary>
    public bool AnyNames { get; }

    /// <summary>True for a single list input named <c>sources</c>.</summary>
    public bool SourcesList { get; }
}
