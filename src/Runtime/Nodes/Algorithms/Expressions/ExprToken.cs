namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>One token of an Arithmetic equation.</summary>
/// <param name="Kind">Token category.</param>
/// <param name="Text">Source text of the token (empty for <see cref="ExprTokenKind.End"/>).</param>
/// <param name="Position">0-based character offset of the token in the equation.</param>
/// <param name="Number">The literal's value when <paramref name="Kind"/> is <see cref="ExprTokenKind.Number"/>.</param>
internal readonly record struct ExprToken(ExprTokenKind Kind, string Text, int Position, PyValue Number)
{
    /// <summary>True for an operator token with exactly this text.</summary>
    public bool IsOperator(string op) => Kind == ExprTokenKind.Operator && Text == op;

    /// <summary>How the token is quoted in error messages.</summary>
    public string Describe() => Kind == ExprTokenKind.End ? "end of expression" : "'" + Text + "'";
}
