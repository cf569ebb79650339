using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Execution;

/// <summary>
/// How a failed source read reaches the user (SPEC §10): a source that does not exist or may not be read (404, 403) is
/// invalid input — a <see cref="PipelineException"/> at <c>REF.attrs.source</c>, CLI exit 2; an unreachable source
/// or a server error after the retries is a failure — a <see cref="SourceException"/> whose message starts with the
/// node, CLI exit 1. Either way the message names the URL without credentials and the status.
/// </summary>
public static class SourceFailures
{
    /// <summary>
    /// The exception to throw for <paramref name="ex"/> raised while node <paramref name="nodeRef"/> read the source named
    /// by its attr <paramref name="attr"/> (<c>source</c> for file sources, <c>bucket</c> for a tile set).
    /// </summary>
    public static Exception AtNode(string nodeRef, SourceException ex, string attr = "source")
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.IsInvalidInput)
        {
            return new PipelineException([PipelineError.InPipeline($"{nodeRef}.attrs.{attr}", ex.Message)]);
        }
        return new SourceException(ex.Failure, ex.Url, $"{nodeRef}: {ex.Message}", ex.Status, ex);
    }
}
