namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>The Python type of a literal-level constant.</summary>
internal enum PyType
{
    /// <summary>Python <c>bool</c>.</summary>
    Bool,

    /// <summary>Python <c>int</c> (arbitrary precision).</summary>
    Int,

    /// <summary>Python <c>float</c>.</summary>
    Float,
}
