namespace PodCache.Runtime.Pipelines;

/// <summary>One problem in a pipeline or coordinates document.</summary>
/// <param name="Path">
/// Where: a JSON path into the document as its author wrote it, such as <c>out.attrs.eqn</c> (node <c>out</c> of a
/// pipeline file, whose node refs are its top-level keys) or <c>coords[0].step</c>; "" for the document as a whole.
/// </param>
/// <param name="Message">What is wrong.</param>
/// <param name="Document">Which document <paramref name="Path"/> points into.</param>
public sealed record PipelineError(string Path, string Message, ErrorDocument Document = ErrorDocument.Read)
{
    /// <summary>A problem at <paramref name="path"/> in the pipeline document (<see cref="ErrorDocument.Pipeline"/>).</summary>
    /// <param name="path">The JSON path into the pipeline as written, e.g. <c>out.attrs.source</c>.</param>
    /// <param name="message">What is wrong.</param>
    public static PipelineError InPipeline(string path, string message) => new(path, message, ErrorDocument.Pipeline);

    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>Which document a <see cref="PipelineError.Path"/> is a JSON path into.</summary>
public enum ErrorDocument
{
    /// <summary>
    /// The document being read when the problem was found (a coordinates document, a request, a run manifest), or the
    /// request as a whole; the reader that raised it knows which. The default.
    /// </summary>
    Read = 0,

    /// <summary>
    /// The pipeline document as its author wrote it, the path starting at its top level (<c>out.attrs.eqn</c>). Set
    /// on every problem the pipeline parser finds and on node problems found while planning or running, so that a
    /// caller holding the pipeline inside a larger document (the HTTP API's <c>{"pipeline": ...}</c>) can place them.
    /// </summary>
    Pipeline = 1,
}
