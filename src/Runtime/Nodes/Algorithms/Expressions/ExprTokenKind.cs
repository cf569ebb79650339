namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>Token categories of an Arithmetic equation.</summary>
internal enum ExprTokenKind
{
    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>An identifier (variable, function or keyword).</summary>
    Name,

    /// <summary>An operator such as <c>+</c>, <c>**</c> or <c>&lt;=</c>.</summary>
    Operator,

    /// <summary><c>(</c>.</summary>
    LeftParen,

    /// <summary><c>)</c>.</summary>
    RightParen,

    /// <summary><c>,</c>.</summary>
    Comma,

    /// <summary>End of the equation.</summary>
    End,
}
