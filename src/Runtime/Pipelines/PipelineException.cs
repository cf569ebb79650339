namespace PodCache.Runtime.Pipelines;

/// <summary>
/// Invalid pipeline or coordinates input. Lists every problem found, each with its JSON path into the document as
/// written (for a node of a pipeline, <c>REF...</c>: node refs are a pipeline file's top-level keys). Nothing was
/// computed or cached.
/// </summary>
public sealed class PipelineException : Exception
{
    /// <summary>Creates the exception from a non-empty list of problems.</summary>
    public PipelineException(IReadOnlyList<PipelineError> errors, string? source = null)
        : base(Format(errors, source))
    {
        Errors = errors;
        Source = source;
    }

    /// <summary>Creates the exception for one problem.</summary>
    public PipelineException(string path, string message) : this([new PipelineError(path, message)])
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public PipelineException(string message) : this([new PipelineError("", message)])
    {
    }

    /// <summary>Creates an empty-list exception (required by convention; prefer the other constructors).</summary>
    public PipelineException() : this([new PipelineError("", "invalid pipeline")])
    {
    }

    /// <summary>Creates an exception wrapping another.</summary>
    public PipelineException(string message, Exception inner) : base(message, inner)
    {
        Errors = [new PipelineError("", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<PipelineError> Errors { get; }

    /// <summary>The file or document the problems are in, when known.</summary>
    public new string? Source { get; }

    private static string Format(IReadOnlyList<PipelineError> errors, string? source)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string head = errors.Count == 1 ? "1 problem" : $"{errors.Count} problems";
        string where = source is null ? "" : $" in {source}";
        return $"{head}{where}:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
