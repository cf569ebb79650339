using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Sources;

/// <summary>Applies an <see cref="ISourceAccessPolicy"/> to every source a pipeline's nodes declare.</summary>
internal static class SourceAccessCheck
{
    /// <summary>Throws when <paramref name="policy"/> refuses any declared source; does nothing when it is null.</summary>
    /// <exception cref="PipelineException">Every refused source, at <c>REF.attrs.ATTR</c> (<see cref="ErrorDocument.Pipeline"/>).</exception>
    public static void Check(Pipeline pipeline, ISourceAccessPolicy? policy)
    {
        if (policy is null)
        {
            return;
        }
        List<PipelineError>? errors = null;
        foreach (var node in pipeline.Nodes)
        {
            foreach (var source in node.Sources)
            {
                if (policy.Refuse(source.Location) is { } reason)
                {
                    (errors ??= []).Add(PipelineError.InPipeline($"{node.Ref}.attrs.{source.Attr}", reason));
                }
            }
        }
        if (errors is not null)
        {
            throw new PipelineException(errors);
        }
    }
}
