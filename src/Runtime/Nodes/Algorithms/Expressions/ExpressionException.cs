namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// An Arithmetic <c>eqn</c> cannot be formatted, parsed or folded: a syntax error, an unknown variable,
/// parameter or function, an unsupported operator, or an error that Python raises while evaluating a
/// literal-only sub-expression (such as <c>1/0</c>).
/// </summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception with a generic message and no position.</summary>
    public ExpressionException() : base("invalid expression")
    {
        Position = -1;
    }

    /// <summary>Creates the exception with no position.</summary>
    /// <param name="message">Human-readable description of the problem.</param>
    public ExpressionException(string message) : base(message)
    {
        Position = -1;
    }

    /// <summary>Creates the exception with no position, wrapping another exception.</summary>
    /// <param name="message">Human-readable description of the problem.</param>
    /// <param name="inner">The underlying exception.</param>
    public ExpressionException(string message, Exception inner) : base(message, inner)
    {
        Position = -1;
    }

    /// <summary>Creates the exception for a problem at a character offset of the equation.</summary>
    /// <param name="message">Human-readable description of the problem.</param>
    /// <param name="position">0-based character offset in the equation, or -1 when unknown.</param>
    public ExpressionException(string message, int position) : base(message)
    {
        Position = position < 0 ? -1 : position;
    }

    /// <summary>0-based character offset in the equation where the problem was found, or -1 when unknown.</summary>
    public int Position { get; }
}
