namespace PodCache.Runtime.Nodes;

/// <summary>A node cannot compute its output for the request it was given (e.g. a missing dim).</summary>
public sealed class NodeEvaluationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NodeEvaluationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NodeEvaluationException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NodeEvaluationException() : base("node evaluation failed")
    {
    }
}
