namespace PodCache.Runtime.Pipelines;

/// <summary>One problem in a pipeline or coordinates document.</summary>
/// <param name="Path">Where: a JSON path such as <c>nodes.out.attrs.eqn</c> or <c>coords[0].step</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record PipelineError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
