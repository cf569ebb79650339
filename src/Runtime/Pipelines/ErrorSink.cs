namespace PodCache.Runtime.Pipelines;

/// <summary>Collects problems so that all of them are reported at once.</summary>
internal sealed class ErrorSink
{
    private readonly List<PipelineError> _errors = [];
    private readonly ErrorDocument _document;

    /// <summary>A sink whose problems are in <paramref name="document"/>.</summary>
    public ErrorSink(ErrorDocument document = ErrorDocument.Read) => _document = document;

    public IReadOnlyList<PipelineError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string path, string message) => _errors.Add(new PipelineError(path, message, _document));

    private readonly HashSet<string> _listed = new(StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="text"/> the first time <paramref name="topic"/> is asked for, "" after: a list of what is
    /// allowed is said once per message, not on every line that needs it.
    /// </summary>
    public string Once(string topic, string text) => _listed.Add(topic) ? text : "";

    public void ThrowIfAny(string? source = null)
    {
        if (_errors.Count > 0)
        {
            throw new PipelineException(_errors.ToArray(), source);
        }
    }
}
