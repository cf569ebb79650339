namespace PodCache.Runtime.Pipelines;

/// <summary>Collects problems so that all of them are reported at once.</summary>
internal sealed class ErrorSink
{
    private readonly List<PipelineError> _errors = [];

    public IReadOnlyList<PipelineError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string path, string message) => _errors.Add(new PipelineError(path, message));

    public void ThrowIfAny(string? source = null)
    {
        if (_errors.Count > 0)
        {
            throw new PipelineException(_errors.ToArray(), source);
        }
    }
}
